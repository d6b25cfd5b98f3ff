import { basename } from 'node:path';
import type { GgufVariantInfo } from '../../shared/gguf';
import type { InputProblem, ModelVariant, VariantDtype } from '../../shared/modelTypes';
import { LLAMA_FTYPE_NAMES } from './ggmlTypes';
import { GgufModelFiles } from './ggufFiles';
import { LLAMA_CPP_ARCHITECTURES, NODE_LLAMA_CPP_VERSION, NOT_SCORABLE } from './llamaCppArchitectures';
import { stat } from 'node:fs/promises';
import { GgufHeader, readGgufHeader } from './readGgufHeader';

/** A GGUF variant before its id is chosen (ids depend on the folder's other variants). */
export type GgufVariantDraft = Omit<ModelVariant, 'id'>;

/**
 * Reads the headers of one GGUF model's files (every part of a split model) and describes it as a
 * variant: architecture, file type, context length, tokenizer, per-type tensor counts and bytes,
 * parameter count. What stops it from being evaluated — a missing part, a truncated or foreign
 * file, an architecture llama.cpp cannot run — is its `error`, so the folder's other variants stay.
 */
export async function inspectGgufVariant(files: GgufModelFiles): Promise<GgufVariantDraft> {
  const first = files.parts[0]!;
  const base = { file: first, externalDataFiles: files.parts.slice(1), dtype: 'unknown' as VariantDtype, sizeBytes: 0 };
  const fail = (error: InputProblem, info?: GgufVariantInfo): GgufVariantDraft => ({ ...base, ...(info ? { gguf: info, dtype: dtypeOf(info) } : {}), error });
  if (files.badName) return fail({ file: first, problem: `${files.badName}.`, remedy: 'Rename it: a split model\'s parts are <name>-00001-of-0000N.gguf … <name>-0000N-of-0000N.gguf.' });

  const headers: GgufHeader[] = [];
  let partProblem: InputProblem | undefined;
  let sizeBytes = 0;
  for (const part of files.parts) {
    if (files.missing.includes(part)) continue;
    sizeBytes += await sizeOf(part);
    const { header, problem } = await readGgufHeader(part);
    if (problem) partProblem ??= problem;
    if (header) headers.push(header);
  }
  const firstHeader = headers.find((h) => h.file === first);
  const info = firstHeader ? describe(files, firstHeader, headers) : undefined;
  if (files.missing.length) {
    const count = files.parts.length;
    const missing = files.missing.map((m) => `part ${files.parts.indexOf(m) + 1} (${basename(m)})`).join(', ');
    return {
      ...fail({
        file: files.missing[0]!,
        problem: `is missing: ${basename(first)} is part 1 of a model split into ${count} files, and ${missing} ${files.missing.length === 1 ? 'is' : 'are'} not in the folder.`,
        remedy: `Put every part beside the others, named as llama.cpp looks for them (<name>-0000K-of-${String(count).padStart(5, '0')}.gguf), then discover again.`,
      }, info),
      sizeBytes,
    };
  }
  if (partProblem) return { ...fail(partProblem, info), sizeBytes };
  if (!info) return { ...fail({ file: first, problem: 'could not be read.', remedy: 'Check the file.' }), sizeBytes };
  const variant: GgufVariantDraft = { ...base, dtype: dtypeOf(info), sizeBytes, gguf: info };
  const problem = architectureProblem(first, info.architecture) ?? splitProblem(files, headers);
  return problem ? { ...variant, error: problem } : variant;
}

function describe(files: GgufModelFiles, first: GgufHeader, headers: readonly GgufHeader[]): GgufVariantInfo {
  const m = first.metadata;
  const architecture = typeof m['general.architecture'] === 'string' ? m['general.architecture'] : '';
  const fileTypeId = m['general.file_type'];
  const byType = new Map<string, { count: number; bytes: number }>();
  let parameterCount = 0;
  for (const t of headers.flatMap((h) => h.tensors)) {
    const entry = byType.get(t.type) ?? { count: 0, bytes: 0 };
    entry.count += 1;
    entry.bytes += t.bytes ?? 0;
    byType.set(t.type, entry);
    parameterCount += t.elements;
  }
  const contextLength = m[`${architecture}.context_length`];
  return {
    parts: files.parts,
    architecture,
    ...(typeof fileTypeId === 'number' ? { fileType: LLAMA_FTYPE_NAMES[fileTypeId] ?? `file type ${fileTypeId}` } : {}),
    ...(typeof contextLength === 'number' ? { contextLength } : {}),
    ...(typeof m['tokenizer.ggml.model'] === 'string' ? { tokenizerModel: m['tokenizer.ggml.model'] } : {}),
    ...(typeof m['tokenizer.ggml.pre'] === 'string' ? { tokenizerPre: m['tokenizer.ggml.pre'] } : {}),
    tensorTypes: [...byType.entries()].map(([type, v]) => ({ type, ...v })).sort((a, b) => b.bytes - a.bytes || (a.type < b.type ? -1 : 1)),
    parameterCount,
  };
}

function architectureProblem(file: string, architecture: string): InputProblem | undefined {
  if (!architecture) {
    return { file, problem: 'has no general.architecture in its header, so llama.cpp cannot tell what model it is.', remedy: 'Convert the model again with llama.cpp\'s convert_hf_to_gguf.py.' };
  }
  const why = NOT_SCORABLE[architecture];
  if (why) return { file, problem: `has architecture "${architecture}": ${why}, so it has no next-token probabilities to compare.`, remedy: 'Evaluate the language model\'s own GGUF file instead.' };
  if (!LLAMA_CPP_ARCHITECTURES.has(architecture)) {
    return {
      file,
      problem: `has architecture "${architecture}", which the llama.cpp bundled with node-llama-cpp ${NODE_LLAMA_CPP_VERSION} cannot load.`,
      remedy: `Use a GGUF of an architecture llama.cpp supports (llama, qwen2, gemma3, …), or a node-llama-cpp whose llama.cpp adds "${architecture}".`,
    };
  }
  return undefined;
}

/** A split model's parts must agree with their names: split.count and split.no as llama.cpp checks them. */
function splitProblem(files: GgufModelFiles, headers: readonly GgufHeader[]): InputProblem | undefined {
  if (files.parts.length === 1) {
    const count = headers[0]?.metadata['split.count'];
    if (typeof count === 'number' && count > 1) {
      return { file: files.parts[0]!, problem: `is part of a model split into ${count} files (split.count), but its name is not a split part's name, so llama.cpp cannot find the others.`, remedy: 'Rename the parts <name>-00001-of-0000N.gguf … or merge them with llama-gguf-split --merge.' };
    }
    return undefined;
  }
  for (const [i, h] of headers.entries()) {
    const no = h.metadata['split.no'];
    const count = h.metadata['split.count'];
    if (no !== i || count !== files.parts.length) {
      return { file: h.file, problem: `says it is part ${typeof no === 'number' ? no + 1 : '?'} of ${String(count ?? '?')} (split.no / split.count), but its name makes it part ${i + 1} of ${files.parts.length}.`, remedy: 'Rename the parts to match their headers, or split the model again with llama-gguf-split.' };
    }
  }
  return undefined;
}

/** The nearest ONNX-style dtype, so tables, baselines and filters treat GGUF variants like the others. */
function dtypeOf(info: GgufVariantInfo): VariantDtype {
  const type = info.fileType ?? info.tensorTypes[0]?.type ?? '';
  if (type === 'F32') return 'fp32';
  if (type === 'F16') return 'fp16';
  if (type === 'BF16') return 'bf16';
  if (type === 'Q8_0') return 'q8';
  if (/^(I?Q4|MXFP4)/.test(type)) return 'q4';
  return 'unknown';
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../shared/errors';
import type { ModelFolder, ModelVariant } from '../shared/modelTypes';
import type { RunRequest } from '../shared/protocol';
import type { InputFileRef, RunSpec } from '../shared/report/schema';
import { describeWindows } from '../shared/windows';
import { inspectModelFolder } from '../node/discovery';
import { throwReadError } from '../node/fileReadErrors';
import type { TextTokenizer } from './backend/modelBackend';
import { loadTokenizer } from './backend/tokenizer';
import { TokenizedCorpus, tokenizeCorpus } from './passes/corpusPasses';
import { parsePromptFile, PromptSet } from './passes/generationPass';

/** Everything a run needs that comes from the user's files, checked before any model loads. */
export interface PreparedRun {
  folder: ModelFolder;
  baseline: ModelVariant;
  variants: ModelVariant[];
  tokenizer: TextTokenizer;
  spec: RunSpec;
  specHash: string;
  corpus: TokenizedCorpus | null;
  prompts: PromptSet | null;
  performancePrompt: number[];
  methods: string[];
}

function readInputFile(path: string): { text: string; ref: InputFileRef } {
  const file = resolve(path);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throwReadError(file, error);
  }
  return { text: bytes.toString('utf8'), ref: { path: file, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: statSync(file).size } };
}

export async function prepareRun(request: RunRequest): Promise<PreparedRun> {
  const folder = await inspectModelFolder(resolve(request.modelFolder), { baseline: request.baseline });
  if (folder.variants.length === 0) {
    throw new InputError(folder.path, 'No ONNX model files found in this folder.', 'Point QuantLens at a folder with onnx/model*.onnx (the transformers.js layout) or *.onnx beside tokenizer.json.');
  }
  const baseline = folder.variants.find((v) => v.id === folder.baselineId);
  if (!baseline) {
    const problem = folder.problems[0];
    throw new InputError(problem?.file ?? folder.path, problem?.problem ?? 'No baseline variant (fp32, fp16 or bf16) was found.', problem?.remedy ?? 'Choose one with --baseline <variant id>.');
  }
  if (baseline.error) throw new InputError(baseline.error.file, baseline.error.problem, baseline.error.remedy, baseline.error.line);
  const unknown = (request.variants ?? []).filter((id) => !folder.variants.some((v) => v.id === id));
  if (unknown.length) {
    throw new InputError(folder.path, `No variant named ${unknown.join(', ')}.`, `Variants here: ${folder.variants.map((v) => v.id).join(', ')}.`);
  }
  // Unreadable variants stay in the run: their units fail with the file's problem, so the report
  // says why they have no numbers instead of leaving them out unmentioned.
  const wanted = request.variants ?? folder.variants.map((v) => v.id);
  const variants = folder.variants.filter((v) => v.id === baseline.id || wanted.includes(v.id));

  const config = JSON.parse(readFileSync(resolve(folder.path, 'config.json'), 'utf8')) as { eos_token_id?: number | number[] };
  const tokenizer = await loadTokenizer(folder.path, config.eos_token_id);
  const windows = { kind: 'sliding' as const, contextLength: request.contextLength, stride: request.stride };

  const needsCorpus = request.measures.includes('fidelity') || request.measures.includes('performance');
  const corpusInput = request.corpusFile ? readInputFile(request.corpusFile) : null;
  if (needsCorpus && !corpusInput) throw new InputError(folder.path, 'No corpus file was given for perplexity and KL divergence.', 'Pass --corpus <text file> (the demo ships examples/demo/corpus.txt).');
  const corpus = corpusInput && request.measures.includes('fidelity') ? tokenizeCorpus(corpusInput.ref.path, corpusInput.text, tokenizer, windows) : null;

  const promptsInput = request.measures.includes('generation') ? (request.promptsFile ? readInputFile(request.promptsFile) : null) : null;
  if (request.measures.includes('generation') && !promptsInput) throw new InputError(folder.path, 'No prompt file was given for the generations.', 'Pass --prompts <file with one prompt per line>.');
  const prompts = promptsInput ? parsePromptFile(promptsInput.ref.path, promptsInput.text) : null;
  if (prompts) {
    for (const [index, prompt] of prompts.prompts.entries()) {
      const length = tokenizer.encode(prompt.text, true).length;
      if (length + request.maxNewTokens > request.contextLength) {
        throw new InputError(prompts.file, `Prompt ${index + 1} is ${length} tokens; with ${request.maxNewTokens} new tokens it is longer than the context of ${request.contextLength}.`, 'Shorten the prompt, lower max new tokens, or raise the context length.', prompt.line);
      }
    }
  }

  const performancePrompt = exactLengthPrompt(corpusInput ? tokenizer.encode(corpusInput.text, true) : [], request.performance.promptTokens);
  const spec: RunSpec = {
    modelFolder: folder.path,
    modelName: folder.name,
    baselineId: baseline.id,
    variantIds: variants.map((v) => v.id),
    measures: request.measures,
    corpus: corpusInput?.ref,
    prompts: promptsInput?.ref,
    windows,
    generation: { maxNewTokens: request.maxNewTokens, greedy: true, stopOnEos: true },
    performance: { ...request.performance, ignoreEos: true },
    executionProvider: request.executionProvider,
    threads: request.threads,
    seed: request.seed,
  };
  const specHash = createHash('sha256').update(JSON.stringify(spec)).digest('hex');
  const methods = [
    `Perplexity and KL divergence: ${describeWindows(windows)}. Softmax in float64 over the full vocabulary; KLD(base ‖ variant) per scored token, llama.cpp --kl-divergence statistics.`,
    `Generations: greedy, at most ${request.maxNewTokens} new tokens, stop at EOS; each variant's output is re-scored teacher-forced under the baseline for per-token KLD and Δp.`,
    `Performance: each variant in a fresh process; prompt of exactly ${request.performance.promptTokens} tokens cut from the corpus; exactly ${request.performance.outputTokens} output tokens (EOS ignored); ${request.performance.warmups} warmups + ${request.performance.repetitions} repetitions; TTFT/TPOT/ITL/E2E by vLLM's definitions; RSS sampled every 10 ms from the parent plus the OS high-water mark.`,
  ];
  return { folder, baseline, variants, tokenizer, spec, specHash, corpus, prompts, performancePrompt, methods };
}

/** Exactly `length` tokens: the corpus stream from its start, repeated if it is shorter. */
export function exactLengthPrompt(stream: readonly number[], length: number): number[] {
  if (stream.length === 0) return [];
  return Array.from({ length }, (_, i) => stream[i % stream.length]!);
}

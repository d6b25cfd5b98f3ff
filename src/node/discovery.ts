import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { InputError } from '../shared/errors';
import type { InputProblem, ModelFolder, ModelVariant } from '../shared/modelTypes';
import type { RunRequest } from '../shared/protocol';
import { chooseBaseline } from './baseline';
import { discoverEndpoint } from './endpoint/discover';
import { DiscoverEndpoint, withEndpointVariants } from './endpointVariants';
import { isFileSystemError, throwReadError } from './fileReadErrors';
import { readModelConfig } from './modelConfig';
import { inspectVariant } from './variantInspection';
import { DTYPE_ORDER, ONNX_SUBFOLDER, assignVariantIds, isOnnxFileName } from './variantNaming';
import { inspectGgufVariants, locateGgufModels } from './gguf/ggufVariants';

export interface DiscoverOptions {
  /** How many folder levels below the root to search; 0 looks at the root only. Default 3. */
  maxDepth?: number;
}

export interface InspectOptions {
  /** Id of the variant to use as the baseline instead of the automatic choice. */
  baseline?: string;
}

const DEFAULT_MAX_DEPTH = 3;
/** Folders that never hold a user's model and can be huge. */
const SKIPPED_FOLDERS = new Set(['node_modules', '__pycache__']);

/**
 * Finds the model folders under `rootFolder` (the root included) and inspects each. A model folder
 * has config.json or tokenizer.json, and .onnx files in an `onnx/` subfolder or beside them. Model
 * folders are not searched further; hidden folders and symbolic links are not followed; subfolders
 * that cannot be listed are passed over, as a scan reports what it can see.
 * @throws InputError when the root itself cannot be listed.
 */
export async function discoverModels(rootFolder: string, options: DiscoverOptions = {}): Promise<ModelFolder[]> {
  const root = resolve(rootFolder);
  const found: string[] = [];
  await collectModelFolders(root, await listFolder(root), options.maxDepth ?? DEFAULT_MAX_DEPTH, found);
  const folders: ModelFolder[] = [];
  for (const folder of found.sort()) folders.push(await inspectModelFolder(folder));
  return folders;
}

async function collectModelFolders(folder: string, entries: Dirent[], depthLeft: number, found: string[]): Promise<void> {
  if ((hasModelMetadata(entries) && (await locateVariantFiles(folder, entries)).length > 0) || (await locateGgufModels(folder, entries)).length > 0) {
    found.push(folder);
    return;
  }
  if (depthLeft === 0) return;
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.') || SKIPPED_FOLDERS.has(entry.name)) continue;
    const child = join(folder, entry.name);
    const childEntries = await listOrNothing(child);
    await collectModelFolders(child, childEntries, depthLeft - 1, found);
  }
}

function hasModelMetadata(entries: readonly Dirent[]): boolean {
  return entries.some((entry) => entry.name === 'config.json' || entry.name === 'tokenizer.json');
}

/**
 * Describes one model folder: its config, its variants and their signatures, the baseline, and
 * every problem found, each naming its file.
 * @throws InputError when the folder cannot be listed or holds no .onnx file, or when
 *   `options.baseline` names no usable variant.
 */
export async function inspectModelFolder(folderPath: string, options: InspectOptions = {}): Promise<ModelFolder> {
  const folder = resolve(folderPath);
  const entries = await listFolder(folder);
  const variantFiles = await locateVariantFiles(folder, entries);
  const ggufModels = await locateGgufModels(folder, entries);
  if (variantFiles.length === 0 && ggufModels.length === 0) {
    throw new InputError(
      folder,
      `holds no ONNX model (no .onnx file in it or in its ${ONNX_SUBFOLDER}/ folder) and no .gguf file.`,
      'Choose the folder that holds config.json and the onnx/ folder (or the .gguf files), or export the model to ONNX first.',
    );
  }
  const { config, problems: configProblems } = await readModelConfig(folder);
  // A GGUF file carries its own config and tokenizer: a GGUF-only folder needs neither file.
  const problems = variantFiles.length === 0 ? configProblems.filter((p) => !p.problem.startsWith('is missing')) : configProblems;
  const tokenizerProblem = variantFiles.length > 0 ? await checkTokenizer(folder) : undefined;
  if (tokenizerProblem) problems.push(tokenizerProblem);

  const onnxVariants = await inspectVariants(folder, variantFiles);
  // After the ONNX variants, so an ONNX fp32 stays the baseline where there is one.
  const variants = [...onnxVariants, ...(await inspectGgufVariants(folder, entries, new Set(onnxVariants.map((v) => v.id))))];
  const baseline = chooseBaseline(variants, options.baseline);
  if (!baseline) {
    problems.push({
      file: folder,
      problem: 'has no readable full-precision variant (fp32, fp16 or bf16) to compare the others with.',
      remedy: 'Add one (for example onnx/model.onnx), or name the variant to use as the baseline.',
    });
  }
  return {
    path: folder,
    name: basename(folder),
    config,
    variants,
    ...(baseline ? { baselineId: baseline.id } : {}),
    problems,
  };
}

/**
 * The discovery a run starts from (StartRunMessage.model), made by whoever starts the run — the
 * extension host or the CLI — right then, with the request's baseline, so that the worker need
 * not read the folder again and the run never rests on an older view of it. The request's
 * endpoints are discovered here too (their /v1/models read with the API keys in `env`) and their
 * variants appended; a named endpoint can be the baseline.
 * @throws InputError as inspectModelFolder does, and when an endpoint's variant id clashes.
 */
export async function discoverForRun(
  request: Pick<RunRequest, 'modelFolder' | 'baseline' | 'endpoints'>,
  options: { env?: NodeJS.ProcessEnv; discoverEndpoint?: DiscoverEndpoint } = {},
): Promise<ModelFolder> {
  const endpoints = request.endpoints ?? [];
  const servedBaseline = request.baseline !== undefined && endpoints.some((e) => e.name === request.baseline);
  const folder = await inspectModelFolder(request.modelFolder, { baseline: servedBaseline ? undefined : request.baseline });
  const withServed = await withEndpointVariants(folder, endpoints, options.env ?? process.env, options.discoverEndpoint ?? discoverEndpoint);
  if (!servedBaseline) return withServed;
  const baseline = withServed.variants.find((v) => v.id === request.baseline)!;
  if (baseline.error) throw new InputError(baseline.error.file, `cannot be the baseline: ${baseline.error.problem}`, baseline.error.remedy);
  return { ...withServed, baselineId: baseline.id };
}

interface VariantFile {
  file: string;
  /** Names in the file's folder, to find its external data. */
  siblings: string[];
}

/** The .onnx entries of a folder and of its onnx/ subfolder; directories named *.onnx too, so their fault is reported. */
async function locateVariantFiles(folder: string, entries: readonly Dirent[]): Promise<VariantFile[]> {
  const inFolder = (names: string[], where: string): VariantFile[] =>
    names.filter(isOnnxFileName).map((name) => ({ file: join(where, name), siblings: names }));
  const located = inFolder(entries.map((entry) => entry.name), folder);
  if (entries.some((entry) => entry.name === ONNX_SUBFOLDER && entry.isDirectory())) {
    const onnxFolder = join(folder, ONNX_SUBFOLDER);
    located.push(...inFolder((await listOrNothing(onnxFolder)).map((entry) => entry.name), onnxFolder));
  }
  return located;
}

async function inspectVariants(folder: string, variantFiles: readonly VariantFile[]): Promise<ModelVariant[]> {
  const inspected = [];
  // One at a time: each read is synchronous, and interleaving would only add seeks.
  for (const { file, siblings } of variantFiles) inspected.push(await inspectVariant(file, siblings));
  const ids = assignVariantIds(inspected.map((variant) => ({
    dtype: variant.dtype,
    relativePath: relative(folder, variant.file),
  })));
  const variants = inspected.map((variant, index) => ({ id: ids[index], ...variant }));
  return variants.sort((a, b) =>
    DTYPE_ORDER.indexOf(a.dtype) - DTYPE_ORDER.indexOf(b.dtype) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

async function checkTokenizer(folder: string): Promise<InputProblem | undefined> {
  const file = join(folder, 'tokenizer.json');
  try {
    if ((await stat(file)).isFile()) return undefined;
    return { file, problem: 'is a folder, where a file was expected.', remedy: "Replace it with the model's tokenizer.json." };
  } catch (error) {
    if (!isFileSystemError(error)) throw error;
    return {
      file,
      problem: error.code === 'ENOENT' ? 'is missing.' : `cannot be read (${error.code}).`,
      remedy: "Copy tokenizer.json from the model's source; without it no text can be fed to the model.",
    };
  }
}

/** A folder the user named: failing to list it is their problem to fix, said as an InputError. */
async function listFolder(folder: string): Promise<Dirent[]> {
  try {
    return await readdir(folder, { withFileTypes: true });
  } catch (error) {
    throwReadError(folder, error);
  }
}

/** A folder's entries, or none when it cannot be listed (the caller then simply finds nothing there). */
async function listOrNothing(folder: string): Promise<Dirent[]> {
  try {
    return await readdir(folder, { withFileTypes: true });
  } catch (error) {
    if (isFileSystemError(error)) return [];
    throw error;
  }
}

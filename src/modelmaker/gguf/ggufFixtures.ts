import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { makeFixtureModel } from '../makeFixtureModel';
import { K_QUANT_FAMILY } from './kQuantFamily';
import { basename, join } from 'node:path';
import { encodeGguf, encodeGgufSplit } from './ggufFile';
import { encodeGgufModel, GGUF_FILE_TYPES, ggufModelParts } from './writeGgufModel';

/** Where a model folder keeps its GGUF variants, and their names: `gguf/<family>-<TYPE>.gguf`. */
export function ggufVariantPath(modelFolder: string, type: string, family = basename(modelFolder)): string {
  return join(modelFolder, 'gguf', `${family}-${type}.gguf`);
}

/** Writes every GGUF file type of the model beside its ONNX variants (the demo model). */
export function writeGgufVariants(modelFolder: string): string[] {
  return GGUF_FILE_TYPES.map((type) => {
    const file = ggufVariantPath(modelFolder, type);
    mkdirSync(join(modelFolder, 'gguf'), { recursive: true });
    writeFileSync(file, encodeGgufModel(modelFolder, type));
    return file;
  });
}

/** The files a GGUF fixture folder takes from its ONNX fixture: config, tokenizer, the fp32 graph. */
const SHARED_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'];

function copyModelBase(sourceFolder: string, folder: string): void {
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(join(folder, 'onnx'), { recursive: true });
  for (const file of SHARED_FILES) copyFileSync(join(sourceFolder, file), join(folder, file));
}

/**
 * A GGUF fixture folder (fixtures/gguf-models/<family>): the ONNX fixture's config, tokenizer and
 * fp32 baseline, plus every GGUF file type. Separate from fixtures/models so the tests that count
 * the ONNX fixtures' variants stay as they are.
 */
export function makeGgufFixtureFolder(sourceFolder: string, parent: string): string {
  const folder = join(parent, basename(sourceFolder));
  copyModelBase(sourceFolder, folder);
  writeGgufVariants(folder);
  return folder;
}

/** fixtures/gguf-models/quantlens-tiny-k256: the K-quant family, laid out like the other GGUF fixture folders. */
export function makeKQuantFixtureFolder(parent: string): string {
  const folder = makeFixtureModel(K_QUANT_FAMILY, parent);
  for (const file of ['model_fp16.onnx', 'model_quantized.onnx', 'model_q4.onnx']) rmSync(join(folder, 'onnx', file));
  writeGgufVariants(folder);
  return folder;
}

/** The edge cases (fixtures/gguf-edge/<family>/gguf/) and what each one is for. */
export const GGUF_EDGE_FILES = {
  /** A good split model: three parts, all present. */
  split: (family: string, part: number) => `${family}-Q8_0-0000${part}-of-00003.gguf`,
  /** A split model whose second part is missing. */
  splitMissing: (family: string, part: number) => `${family}-Q4_0-0000${part}-of-00003.gguf`,
  /** The F16 file cut off in the middle of its tensor data. */
  truncated: (family: string) => `${family}-F16-truncated.gguf`,
  /** The header cut off in the middle of the metadata. */
  truncatedHeader: (family: string) => `${family}-F32-header-cut.gguf`,
  /** A well-formed file of an architecture llama.cpp does not have. */
  unsupportedArchitecture: (family: string) => `${family}-llama9-Q8_0.gguf`,
  /** Not a GGUF file at all. */
  badMagic: () => 'not-a-model.gguf',
  /** A good file whose embedded tokenizer is another family's (the tokenizer-agreement case). */
  otherTokenizer: (other: string) => `${other}-Q8_0.gguf`,
} as const;

/**
 * fixtures/gguf-edge/<family>: the same base plus one good single file (Q6_K, so the other
 * variants can finish), a good split, and the hostile files of GGUF_EDGE_FILES.
 */
export function makeGgufEdgeFolder(sourceFolder: string, otherFamilyFolder: string, parent: string): string {
  const family = basename(sourceFolder);
  const folder = join(parent, family);
  copyModelBase(sourceFolder, folder);
  const gguf = join(folder, 'gguf');
  mkdirSync(gguf, { recursive: true });
  const put = (name: string, bytes: Uint8Array): void => writeFileSync(join(gguf, name), bytes);

  put(`${family}-Q6_K.gguf`, encodeGgufModel(folder, 'Q6_K'));
  const q8 = ggufModelParts(folder, 'Q8_0');
  encodeGgufSplit(q8.metadata, q8.tensors, 3).forEach((bytes, i) => put(GGUF_EDGE_FILES.split(family, i + 1), bytes));
  const q4 = ggufModelParts(folder, 'Q4_0');
  encodeGgufSplit(q4.metadata, q4.tensors, 3).forEach((bytes, i) => {
    if (i !== 1) put(GGUF_EDGE_FILES.splitMissing(family, i + 1), bytes);
  });
  const f16 = encodeGgufModel(folder, 'F16');
  put(GGUF_EDGE_FILES.truncated(family), f16.subarray(0, Math.floor(f16.length * 0.6)));
  const f32 = encodeGgufModel(folder, 'F32');
  put(GGUF_EDGE_FILES.truncatedHeader(family), f32.subarray(0, 2000));
  const future = ggufModelParts(folder, 'Q8_0', 'llama9');
  put(GGUF_EDGE_FILES.unsupportedArchitecture(family), encodeGguf(future.metadata, future.tensors));
  put(GGUF_EDGE_FILES.badMagic(), new TextEncoder().encode('version https://git-lfs.github.com/spec/v1\noid sha256:0000\nsize 123456789\n'));
  put(GGUF_EDGE_FILES.otherTokenizer(basename(otherFamilyFolder)), encodeGgufModel(otherFamilyFolder, 'Q8_0'));
  return folder;
}

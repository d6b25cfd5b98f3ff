import { basename, dirname } from 'node:path';
import type { VariantDtype } from '../shared/modelTypes';

/** transformers.js keeps a model's variants in this subfolder of the model folder. */
export const ONNX_SUBFOLDER = 'onnx';

/** File stems that transformers.js loads as the full-precision model; longest first so prefixes match right. */
const BASE_STEMS = ['decoder_model_merged', 'model'];

/** transformers.js dtype suffixes: `model_<suffix>.onnx`. A Map, so 'constructor' is not a suffix. */
const SUFFIX_DTYPES: ReadonlyMap<string, VariantDtype> = new Map<string, VariantDtype>([
  ['fp16', 'fp16'],
  ['bf16', 'bf16'],
  ['quantized', 'q8'],
  ['int8', 'int8'],
  ['uint8', 'uint8'],
  ['q4', 'q4'],
  ['q4f16', 'q4f16'],
  ['bnb4', 'bnb4'],
]);

/** Order in which variants are listed, and so shown. */
export const DTYPE_ORDER: readonly VariantDtype[] = [
  'fp32', 'fp16', 'bf16', 'q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4', 'unknown',
];

export function isOnnxFileName(name: string): boolean {
  return name.toLowerCase().endsWith('.onnx');
}

/**
 * The dtype a file name states: `model.onnx` and `decoder_model_merged.onnx` are fp32, a known
 * `_<suffix>` names its dtype (also on a bare name such as `phi_q4.onnx`), anything else is 'unknown'.
 */
export function dtypeOfOnnxFile(fileName: string): VariantDtype {
  const stem = fileStem(fileName);
  if (BASE_STEMS.includes(stem)) return 'fp32';
  const underscore = stem.lastIndexOf('_');
  if (underscore < 0) return 'unknown';
  return SUFFIX_DTYPES.get(stem.slice(underscore + 1)) ?? 'unknown';
}

export function fileStem(fileName: string): string {
  return fileName.slice(0, fileName.length - '.onnx'.length);
}

/** The exporters' names for external data beside `X.onnx`: `X.onnx_data`, `X.onnx.data`, `X.onnx_data_N`. */
export function isExternalDataFileOf(onnxFileName: string, candidate: string): boolean {
  if (!candidate.startsWith(onnxFileName)) return false;
  const rest = candidate.slice(onnxFileName.length);
  return rest === '_data' || rest === '.data' || /^_data_\d+$/.test(rest);
}

/** The model folder a variant file belongs to: its own folder, or the parent of an `onnx/` folder. */
export function modelFolderOfVariantFile(file: string): string {
  const folder = dirname(file);
  return basename(folder) === ONNX_SUBFOLDER ? dirname(folder) : folder;
}

/**
 * Gives each variant an id that stays put while the folder's contents do: its dtype where no other
 * variant shares it, else its file stem where that is unique, else its path relative to the model
 * folder (unique by construction).
 */
export function assignVariantIds(variants: ReadonlyArray<{ dtype: VariantDtype; relativePath: string }>): string[] {
  const dtypes = variants.map((variant) => (variant.dtype === 'unknown' ? undefined : variant.dtype));
  const stems = variants.map((variant) => fileStem(basename(variant.relativePath)));
  const isUnique = (values: ReadonlyArray<string | undefined>, value: string | undefined): value is string =>
    value !== undefined && values.filter((other) => other === value).length === 1;
  const ids = variants.map((variant, index) => {
    const dtype = dtypes[index];
    if (isUnique(dtypes, dtype)) return dtype;
    return isUnique(stems, stems[index]) ? stems[index] : variant.relativePath;
  });
  // A stem can equal another variant's dtype id (a file named q4.onnx beside model_q4.onnx).
  return ids.map((id, index) => (isUnique(ids, id) ? id : variants[index].relativePath));
}

import { basename, dirname } from 'node:path';
import type { ModelVariant } from '../../shared/modelTypes';

/** transformers.js dtype names by our variant dtype (identical except where noted). */
const TRANSFORMERS_DTYPES: Record<string, string> = { fp32: 'fp32', fp16: 'fp16', q8: 'q8', int8: 'int8', uint8: 'uint8', q4: 'q4', q4f16: 'q4f16', bnb4: 'bnb4' };
const SUFFIX_BY_DTYPE: Record<string, string> = { fp32: '', fp16: '_fp16', q8: '_quantized', int8: '_int8', uint8: '_uint8', q4: '_q4', q4f16: '_q4f16', bnb4: '_bnb4' };

/**
 * How transformers.js would load this variant from local files: the file must be
 * `<folder>/<subfolder>/<stem><dtype suffix>.onnx`. Returns null when it can't be named that way
 * (a bare `*.onnx`, an unknown suffix): those load with onnxruntime-node directly.
 */
export function transformersLoadPlan(modelFolder: string, variant: ModelVariant): { modelId: string; localModelPath: string; subfolder: string; dtype: string; modelFileName: string } | null {
  const dtype = TRANSFORMERS_DTYPES[variant.dtype];
  if (!dtype) return null;
  const fileDir = dirname(variant.file);
  const subfolder = fileDir === modelFolder ? '' : basename(fileDir);
  if (subfolder && dirname(fileDir) !== modelFolder) return null;
  const suffix = SUFFIX_BY_DTYPE[variant.dtype]!;
  const name = basename(variant.file, '.onnx');
  if (!name.endsWith(suffix)) return null;
  const stem = name.slice(0, name.length - suffix.length);
  if (stem !== 'model' && stem !== 'decoder_model_merged') return null;
  return { modelId: basename(modelFolder), localModelPath: dirname(modelFolder) + '/', subfolder, dtype, modelFileName: stem };
}

import { Quantizer } from '../onnxModelFile';
import { quantizeBnb4 } from './bnb4';
import { quantizeDynamic } from './dynamicQuantizers';
import { convertGraphToFloat16 } from './float16Graph';
import { quantizeFp16, quantizeInt8PerChannel, quantizeQ4MatMulNBits } from './quantizers';

/** One ONNX variant the model maker can write: transformers.js dtype, file name and quantizer. */
export interface OnnxVariant {
  dtype: string;
  file: string;
  /** Undefined for fp32 (the graph as built). */
  quantize: Quantizer | undefined;
  /** Stored bytes per fp32 weight byte, roughly: decides when a variant needs external data. */
  sizeRatio: number;
}

/**
 * Every variant, in the order they are written. A new quantizer is one line here (file names as
 * transformers.js maps dtypes: notes "dtype → file"); `--variants` picks among these by dtype.
 */
export const ONNX_VARIANTS: readonly OnnxVariant[] = [
  { dtype: 'fp32', file: 'model.onnx', quantize: undefined, sizeRatio: 1 },
  { dtype: 'fp16', file: 'model_fp16.onnx', quantize: quantizeFp16, sizeRatio: 0.5 },
  { dtype: 'q8', file: 'model_quantized.onnx', quantize: quantizeInt8PerChannel, sizeRatio: 0.25 },
  { dtype: 'q4', file: 'model_q4.onnx', quantize: (parts) => quantizeQ4MatMulNBits(parts), sizeRatio: 0.16 },
  // The further dtypes real onnx-community exports ship (realExportVariants.ts says how each is made).
  { dtype: 'int8', file: 'model_int8.onnx', quantize: (parts) => quantizeDynamic(parts, 'int8'), sizeRatio: 0.25 },
  { dtype: 'uint8', file: 'model_uint8.onnx', quantize: (parts) => quantizeDynamic(parts, 'uint8'), sizeRatio: 0.25 },
  { dtype: 'q4f16', file: 'model_q4f16.onnx', quantize: (parts) => convertGraphToFloat16(quantizeQ4MatMulNBits(parts)), sizeRatio: 0.12 },
  { dtype: 'bnb4', file: 'model_bnb4.onnx', quantize: (parts) => quantizeBnb4(parts), sizeRatio: 0.16 },
];

export function onnxVariants(dtypes: readonly string[] | undefined): OnnxVariant[] {
  if (!dtypes) return [...ONNX_VARIANTS];
  const unknown = dtypes.filter((d) => !ONNX_VARIANTS.some((v) => v.dtype === d));
  if (unknown.length) throw new Error(`make-fixtures: unknown variant ${unknown.join(', ')}; the variants are ${ONNX_VARIANTS.map((v) => v.dtype).join(', ')}`);
  return ONNX_VARIANTS.filter((v) => dtypes.includes(v.dtype));
}

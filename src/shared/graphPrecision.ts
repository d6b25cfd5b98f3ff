import type { QuantSignature } from './modelTypes';

/** What a graph's own signature says its weights are. */
export interface GraphPrecision {
  /** Quantized operators (MatMulNBits, DequantizeLinear, MatMulInteger…) or 4-bit weights are in the graph. */
  quantized: boolean;
  /** The float type holding the most weight bytes ('float32', 'float16', 'bfloat16'); null without float weights. */
  float: string | null;
  /** That float type's share of all weight bytes (float and narrow integer initializers), 0‥1. */
  floatShare: number;
}

const FLOAT_TYPES = ['float32', 'float16', 'bfloat16'];
const NARROW_INT_TYPES = ['int8', 'uint8', 'int4', 'uint4'];
/** Operators that only quantized graphs hold (`domain::` prefixes stripped). */
const QUANTIZED_OPS = new Set(['MatMulNBits', 'MatMulBnb4', 'GatherBlockQuantized', 'DequantizeLinear', 'QuantizeLinear', 'MatMulInteger', 'DynamicQuantizeLinear', 'QLinearMatMul', 'DynamicQuantizeMatMul']);

export function graphPrecision(signature: QuantSignature): GraphPrecision {
  const bytes = (type: string): number => signature.initializerDtypes[type]?.bytes ?? 0;
  const ops = Object.keys(signature.opTypeHistogram).map((op) => op.split('::').pop()!);
  const quantized = ops.some((op) => QUANTIZED_OPS.has(op)) || bytes('int4') + bytes('uint4') > 0;
  const total = [...FLOAT_TYPES, ...NARROW_INT_TYPES].reduce((sum, type) => sum + bytes(type), 0);
  const float = FLOAT_TYPES.filter((type) => bytes(type) > 0).sort((a, b) => bytes(b) - bytes(a))[0] ?? null;
  return { quantized, float, floatShare: float && total > 0 ? bytes(float) / total : 0 };
}

import { graphPrecision } from '../shared/graphPrecision';
import type { InputProblem, QuantSignature, VariantDtype } from '../shared/modelTypes';

/** Dtypes a file name can promise, and what the graph must then hold. */
const QUANTIZED_NAMES: ReadonlySet<VariantDtype> = new Set<VariantDtype>(['q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4']);
const FLOAT_NAMES: ReadonlyMap<VariantDtype, string> = new Map<VariantDtype, string>([['fp16', 'float16'], ['bf16', 'bfloat16']]);

const percent = (share: number): string => `${Math.round(share * 100)}%`;

/**
 * A file whose name promises a lower precision than its graph holds (`model_int8.onnx` that is an
 * fp32 copy): it would be evaluated and reported as what its name says, so the listing warns from
 * the signature. Returns undefined when the name and the graph agree, or the name says nothing.
 */
export function nameVersusGraph(file: string, dtype: VariantDtype, signature: QuantSignature): InputProblem | undefined {
  const graph = graphPrecision(signature);
  const remedy = 'Check the export: it may be a copy of another variant. QuantLens still evaluates and reports it as the dtype its name says.';
  if (QUANTIZED_NAMES.has(dtype) && !graph.quantized) {
    const weights = graph.float ? `; ${percent(graph.floatShare)} of its weight bytes are ${graph.float}` : '';
    return { file, problem: `is named ${dtype}, but its graph holds no quantized operator (MatMulNBits, DequantizeLinear, MatMulInteger…)${weights}: its signature says it is not quantized.`, remedy };
  }
  const promised = FLOAT_NAMES.get(dtype);
  if (promised && !graph.quantized && graph.float === 'float32') {
    return { file, problem: `is named ${dtype}, but ${percent(graph.floatShare)} of its weight bytes are float32, not ${promised}: its signature says fp32.`, remedy };
  }
  return undefined;
}

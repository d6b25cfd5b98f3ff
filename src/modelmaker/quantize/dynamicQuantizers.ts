import { onnx } from 'onnx-proto';
import { bytesOf, floatValues, GraphParts, isWeight, matMulWeights } from './graphParts';

const { DataType } = onnx.TensorProto;
const AttributeType = onnx.AttributeProto.AttributeType;

/** Weight types of onnxruntime's `quantize_dynamic`: transformers.js's `int8` and `uint8` dtypes. */
export type DynamicWeightType = 'int8' | 'uint8';

/**
 * int8 / uint8 as onnxruntime's `quantize_dynamic` (QuantizationMode.IntegerOps) writes them, which is
 * what transformers.js's conversion script runs for its `int8` and `uint8` dtypes:
 *
 * - every MatMul with a constant weight becomes DynamicQuantizeLinear (the activation, uint8, scale
 *   and zero point computed at run time; one per activation, shared by the MatMuls that read it) →
 *   MatMulInteger(x_q, W_q, x_zero_point, W_zero_point) → Cast to float → Mul by
 *   (x_scale · W_scale), with onnxruntime's value names (`…_quantized`, `…_scale`, `…_zero_point`).
 * - weights per tensor, not per channel: transformers.js leaves `per_channel` unset (false) and
 *   `reduce_range` off, so one scale per matrix. int8 is symmetric over −127…127 (zero point 0);
 *   uint8 is asymmetric over 0…255 with a zero point, the range stretched to contain 0.
 * - the embedding Gather is quantized too (onnxruntime's GatherQuant, in the activation type uint8):
 *   Gather on the uint8 table, then DequantizeLinear.
 *
 * (On x86 CPUs without VNNI, onnxruntime's u8×s8 kernel can saturate int16 pair sums; that is a
 * property of the real int8 exports too, and why `reduce_range` exists.)
 */
export function quantizeDynamic(parts: GraphParts, weightType: DynamicWeightType): GraphParts {
  const matMulTargets = matMulWeights(parts);
  const gatherTargets = embeddingTables(parts, matMulTargets);
  const quantized = new Map<string, onnx.ITensorProto[]>();
  for (const [name, tensor] of matMulTargets) quantized.set(name, quantizeTensor(tensor, weightType));
  for (const [name, tensor] of gatherTargets) quantized.set(name, quantizeTensor(tensor, 'uint8'));

  // Activations already quantized by an earlier call (the streaming writer passes one weight at a
  // time): q, k and v share one DynamicQuantizeLinear, which must not be emitted twice.
  const quantizedActivations = new Set(parts.nodes.filter((n) => n.opType === 'DynamicQuantizeLinear').map((n) => n.input![0]!));
  const nodes = parts.nodes.flatMap((node): onnx.INodeProto[] => {
    const [first, second] = [node.input?.[0] ?? '', node.input?.[1] ?? ''];
    if (node.opType === 'MatMul' && (node.domain ?? '') === '' && matMulTargets.has(second)) {
      const dynamic: onnx.INodeProto[] = [];
      if (!quantizedActivations.has(first)) {
        quantizedActivations.add(first);
        dynamic.push({ name: `${first}_QuantizeLinear`, opType: 'DynamicQuantizeLinear', domain: '', input: [first], output: [`${first}_quantized`, `${first}_scale`, `${first}_zero_point`] });
      }
      return [...dynamic, ...integerMatMul(node, first, second)];
    }
    if (node.opType === 'Gather' && gatherTargets.has(first)) {
      const output = node.output![0]!;
      return [
        { ...node, input: [`${first}_quantized`, ...node.input!.slice(1)], output: [`${output}_quantized`] },
        { name: `${output}_DequantizeLinear`, opType: 'DequantizeLinear', domain: '', input: [`${output}_quantized`, `${first}_scale`, `${first}_zero_point`], output: [output] },
      ];
    }
    return [node];
  });
  const initializers = parts.initializers.flatMap((t) => quantized.get(t.name!) ?? [t]);
  return { ...parts, nodes, initializers };
}

/** MatMulInteger → Cast → Mul(x_scale · W_scale), named as onnxruntime's MatMulInteger quantizer names them. */
function integerMatMul(node: onnx.INodeProto, activation: string, weight: string): onnx.INodeProto[] {
  const output = node.output![0]!;
  const base = `${node.name}_quant`;
  const integer = `${output}_output_quantized`;
  const cast = `${integer}_cast_output`;
  const scales = `${base}_scales_mul:0`;
  return [
    { name: base, opType: 'MatMulInteger', domain: '', input: [`${activation}_quantized`, `${weight}_quantized`, `${activation}_zero_point`, `${weight}_zero_point`], output: [integer] },
    { name: `${integer}_cast`, opType: 'Cast', domain: '', input: [integer], output: [cast], attribute: [{ name: 'to', type: AttributeType.INT, i: DataType.FLOAT }] },
    { name: `${base}_scales_mul`, opType: 'Mul', domain: '', input: [`${activation}_scale`, `${weight}_scale`], output: [scales] },
    { name: `${base}_output_scale_mul`, opType: 'Mul', domain: '', input: [cast, scales], output: [output] },
  ];
}

/** 2-D float weights read by a Gather as its data input (token embeddings), unless a MatMul reads them too. */
function embeddingTables(parts: GraphParts, matMulTargets: Map<string, onnx.ITensorProto>): Map<string, onnx.ITensorProto> {
  const byName = new Map(parts.initializers.map((t) => [t.name!, t]));
  const found = new Map<string, onnx.ITensorProto>();
  for (const node of parts.nodes) {
    if (node.opType !== 'Gather' || (node.domain ?? '') !== '') continue;
    const table = byName.get(node.input![0]!);
    if (table && isWeight(table) && table.dims!.length === 2 && !matMulTargets.has(table.name!)) found.set(table.name!, table);
  }
  return found;
}

/**
 * onnxruntime's `quantize_data` for one tensor: int8 symmetric (scale = absmax/127, zero point 0),
 * uint8 asymmetric (range [min(w, 0), max(w, 0)] over 0…255). numpy rounds half to even; so do we.
 */
export function quantizeTensor(tensor: onnx.ITensorProto, type: DynamicWeightType): onnx.ITensorProto[] {
  const values = floatValues(tensor);
  let min = 0;
  let max = 0;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const [qmin, qmax] = type === 'int8' ? [-127, 127] : [0, 255];
  if (type === 'int8') {
    const absMax = Math.max(-min, max);
    [min, max] = [-absMax, absMax];
  }
  const scale = Math.fround(max > min ? (max - min) / (qmax - qmin) : 1);
  const zeroPoint = type === 'int8' ? 0 : roundHalfEven(qmin - min / scale);
  const data = type === 'int8' ? new Int8Array(values.length) : new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = Math.max(qmin, Math.min(qmax, roundHalfEven(values[i]! / scale) + zeroPoint));
  const elementType = type === 'int8' ? DataType.INT8 : DataType.UINT8;
  const zero = type === 'int8' ? Int8Array.of(zeroPoint) : Uint8Array.of(zeroPoint);
  return [
    { name: `${tensor.name}_quantized`, dataType: elementType, dims: tensor.dims, rawData: bytesOf(data) },
    { name: `${tensor.name}_scale`, dataType: DataType.FLOAT, dims: [], rawData: bytesOf(Float32Array.of(scale)) },
    { name: `${tensor.name}_zero_point`, dataType: elementType, dims: [], rawData: bytesOf(zero) },
  ];
}

function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

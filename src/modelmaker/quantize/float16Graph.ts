import { onnx } from 'onnx-proto';
import { float32ToFloat16Bits } from '../../shared/float16';
import { bytesOf, floatValues, GraphParts } from './graphParts';

const { DataType } = onnx.TensorProto;

/** The largest finite float16; constants beyond it (a −1e9 mask fill) are clamped to it, as finfo(float16).min is. */
export const FLOAT16_MAX = 65504;

/**
 * Whole-graph float32 → float16, as the q4f16 exports are (onnxconverter's `convert_float_to_float16`
 * without `keep_io_types`): every float32 initializer and Constant becomes float16, every Cast to
 * float32 casts to float16 instead, and the float32 graph inputs and outputs (KV cache, logits) are
 * declared float16, so activations, the KV cache and the logits are all half precision. Values
 * beyond float16's range are clamped to ±65504 rather than becoming ±inf. Integer tensors and the
 * uint8 packed weights are left alone; MatMulNBits then takes its scales (now float16) in the
 * activation type, as it requires.
 */
export function convertGraphToFloat16(parts: GraphParts): GraphParts {
  if (!parts.inputs || !parts.outputs) {
    throw new Error('convertGraphToFloat16: the graph parts carry no inputs/outputs, so the KV cache and logits types cannot be changed; pass GraphParts with inputs and outputs (readGraphParts gives them)');
  }
  return {
    nodes: parts.nodes.map(toFloat16Node),
    initializers: parts.initializers.map(toFloat16Tensor),
    inputs: parts.inputs.map(toFloat16ValueInfo),
    outputs: parts.outputs.map(toFloat16ValueInfo),
  };
}

function toFloat16Tensor(tensor: onnx.ITensorProto): onnx.ITensorProto {
  if (tensor.dataType !== DataType.FLOAT) return tensor;
  const values = tensor.rawData ? floatValues(tensor) : Float32Array.from(tensor.floatData ?? []);
  const halves = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) halves[i] = float32ToFloat16Bits(Math.max(-FLOAT16_MAX, Math.min(FLOAT16_MAX, values[i]!)));
  return { name: tensor.name, dataType: DataType.FLOAT16, dims: tensor.dims, rawData: bytesOf(halves) };
}

function toFloat16Node(node: onnx.INodeProto): onnx.INodeProto {
  const isCast = node.opType === 'Cast' && (node.domain ?? '') === '';
  const isConstant = node.opType === 'Constant' && (node.domain ?? '') === '';
  if (!isCast && !isConstant) return node;
  const attribute = (node.attribute ?? []).map((a) => {
    if (isCast && a.name === 'to' && Number(a.i) === DataType.FLOAT) return { ...a, i: DataType.FLOAT16 };
    if (isConstant && a.name === 'value' && a.t) return { ...a, t: toFloat16Tensor(a.t) };
    return a;
  });
  return { ...node, attribute };
}

function toFloat16ValueInfo(info: onnx.IValueInfoProto): onnx.IValueInfoProto {
  const tensorType = info.type?.tensorType;
  if (!tensorType || tensorType.elemType !== DataType.FLOAT) return info;
  return { ...info, type: { ...info.type, tensorType: { ...tensorType, elemType: DataType.FLOAT16 } } };
}

import { onnx } from 'onnx-proto';

/** The parts of a graph a weight quantizer rewrites. */
export interface GraphParts {
  nodes: onnx.INodeProto[];
  initializers: onnx.ITensorProto[];
  /**
   * The graph's inputs and outputs where a rewrite changes their types (a float16 graph's KV cache
   * and logits); absent, the writer keeps the graph's own.
   */
  inputs?: onnx.IValueInfoProto[];
  outputs?: onnx.IValueInfoProto[];
}

/**
 * Float32 view of a float initializer's raw bytes, copied so alignment never matters. Copied with
 * Uint8Array.from, not slice(): a decoded model's rawData is a Node Buffer, whose slice() is a view
 * on the whole decode buffer.
 */
export function floatValues(tensor: onnx.ITensorProto): Float32Array {
  return new Float32Array(Uint8Array.from(tensor.rawData!).buffer);
}

export function bytesOf(array: Float32Array | Int8Array | Uint8Array | Uint16Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/**
 * Model weights the quantizers may touch: 2-D float32 initializers named like parameters. Small
 * constants (mask fill values, epsilons) stay float32: −1e9 would become −inf in float16.
 */
export function isWeight(tensor: onnx.ITensorProto): boolean {
  return tensor.dataType === onnx.TensorProto.DataType.FLOAT && (tensor.name ?? '').endsWith('.weight');
}

/** Matrix weights consumed as the B input of a MatMul, by initializer name. */
export function matMulWeights(parts: GraphParts): Map<string, onnx.ITensorProto> {
  const byName = new Map(parts.initializers.map((t) => [t.name!, t]));
  const found = new Map<string, onnx.ITensorProto>();
  for (const node of parts.nodes) {
    if (node.opType !== 'MatMul' || (node.domain ?? '') !== '') continue;
    const weight = byName.get(node.input![1]!);
    if (weight && isWeight(weight) && weight.dims!.length === 2) found.set(weight.name!, weight);
  }
  return found;
}

import { onnx } from 'onnx-proto';
import { GraphParts } from './graphParts';

/**
 * The rewritable parts of an encoded ONNX model, with its inputs and outputs, so a quantizer can be
 * applied to any model file (the fixture maker's fp32 model.onnx included) without the graph builder.
 */
export function readGraphParts(modelBytes: Uint8Array, fileForErrors: string): GraphParts {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(modelBytes);
  } catch (error) {
    throw new Error(`${fileForErrors}: not an ONNX model (${(error as Error).message}); pass the fp32 model.onnx a fixture maker wrote`);
  }
  const graph = model.graph;
  if (!graph) throw new Error(`${fileForErrors}: the ONNX model holds no graph; pass a model with one`);
  return { nodes: graph.node ?? [], initializers: graph.initializer ?? [], inputs: graph.input ?? [], outputs: graph.output ?? [] };
}

/**
 * Encodes `parts` as a variant of the model in `baseBytes`: same metadata, opsets plus `com.microsoft`
 * (MatMulNBits, MatMulBnb4 live there), the graph's nodes, initializers and I/O from `parts`.
 */
export function writeVariantModel(baseBytes: Uint8Array, parts: GraphParts): Uint8Array {
  const model = onnx.ModelProto.decode(baseBytes);
  const opsets = [...(model.opsetImport ?? [])];
  if (!opsets.some((o) => o.domain === 'com.microsoft')) opsets.push(onnx.OperatorSetIdProto.create({ domain: 'com.microsoft', version: 1 }));
  const graph = onnx.GraphProto.create({
    ...model.graph,
    node: parts.nodes,
    initializer: parts.initializers,
    input: parts.inputs ?? model.graph?.input ?? [],
    output: parts.outputs ?? model.graph?.output ?? [],
  });
  return onnx.ModelProto.encode(onnx.ModelProto.create({ ...model, opsetImport: opsets, graph })).finish();
}

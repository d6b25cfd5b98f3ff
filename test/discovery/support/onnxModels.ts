// Small synthetic ONNX graphs, written with onnx-proto, whose signatures the tests know in advance.
// Graphs need not be runnable: the signature reader only looks at their structure.
import { onnx } from 'onnx-proto';

const { AttributeType } = onnx.AttributeProto;
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT64: 7, FLOAT16: 10, INT4: 22 } as const;

export function intAttribute(name: string, value: number): onnx.IAttributeProto {
  return { name, type: AttributeType.INT, i: value };
}

export function node(opType: string, inputs: string[], attributes: onnx.IAttributeProto[] = [], domain = ''): onnx.INodeProto {
  return { opType, input: inputs, output: [`${inputs[0]}_${opType}`], attribute: attributes, domain, name: `${opType}_${inputs[1] ?? inputs[0]}` };
}

/** An initializer whose raw_data holds zeros of the right length. */
export function tensor(name: string, dataType: number, dims: number[], bytesPerElement: number): onnx.ITensorProto {
  const elements = dims.reduce((product, dim) => product * dim, 1);
  return { name, dataType, dims, rawData: new Uint8Array(Math.ceil(elements * bytesPerElement)) };
}

export function encodeModel(graph: onnx.IGraphProto, extraOpsets: onnx.IOperatorSetIdProto[] = []): Uint8Array {
  return onnx.ModelProto.encode({
    irVersion: 8,
    producerName: 'quantlens-test',
    producerVersion: '1.0',
    opsetImport: [{ domain: '', version: 17 }, ...extraOpsets],
    graph: { name: 'test', ...graph },
  }).finish();
}

/** An fp32 embedding plus one com.microsoft MatMulNBits (K=64, N=32, 4 bits, block 32, accuracy level 4). */
export function matMulNBitsModel(): Uint8Array {
  const K = 64;
  const N = 32;
  const blockSize = 32;
  return encodeModel(
    {
      node: [
        node('Gather', ['embed', 'input_ids']),
        node('MatMulNBits', ['embed_Gather', 'w_q4', 'w_scales'], [
          intAttribute('K', K), intAttribute('N', N), intAttribute('bits', 4),
          intAttribute('block_size', blockSize), intAttribute('accuracy_level', 4),
        ], 'com.microsoft'),
      ],
      initializer: [
        tensor('embed', DataType.FLOAT, [100, K], 4),
        tensor('w_q4', DataType.UINT8, [N, K / blockSize, blockSize / 2], 1),
        tensor('w_scales', DataType.FLOAT, [N * (K / blockSize)], 4),
      ],
    },
    [{ domain: 'com.microsoft', version: 1 }],
  );
}
export const MATMUL_NBITS_PARAMETERS = 100 * 64 + 64 * 32;

/**
 * Weight-only int8 QDQ: a per-channel DequantizeLinear (scale [32], axis 1), one with axis -1
 * (a negative int64 on the wire), a per-tensor one (scalar scale), and a dynamic-quantized MatMulInteger.
 */
export function qdqPerChannelModel(): Uint8Array {
  return encodeModel({
    node: [
      node('DequantizeLinear', ['w1_int8', 'w1_scale', 'w1_zero'], [intAttribute('axis', 1)]),
      node('MatMul', ['x', 'w1_int8_DequantizeLinear']),
      node('DequantizeLinear', ['w2_int8', 'w2_scale'], [intAttribute('axis', -1)]),
      node('DequantizeLinear', ['w3_int8', 'w3_scale'], [intAttribute('axis', 0)]),
      node('DynamicQuantizeLinear', ['x']),
      node('MatMulInteger', ['x_DynamicQuantizeLinear', 'w4_int8', 'x_zero', 'w4_zero']),
      node('QuantizeLinear', ['y', 'w3_scale']),
    ],
    initializer: [
      tensor('w1_int8', DataType.INT8, [64, 32], 1),
      tensor('w1_scale', DataType.FLOAT, [32], 4),
      tensor('w1_zero', DataType.INT8, [32], 1),
      tensor('w2_int8', DataType.INT8, [16, 8], 1),
      tensor('w2_scale', DataType.FLOAT, [8], 4),
      tensor('w3_int8', DataType.INT8, [8, 8], 1),
      tensor('w3_scale', DataType.FLOAT, [], 4),
      tensor('w4_int8', DataType.INT8, [8, 4], 1),
      tensor('w4_zero', DataType.INT8, [], 1),
    ],
  });
}
export const QDQ_PARAMETERS = 64 * 32 + 16 * 8 + 8 * 8 + 8 * 4;

/** fp16 weights stored three ways: raw_data, int32_data (as ONNX allows for float16), and a float32 in float_data. */
export function fp16Model(): Uint8Array {
  return encodeModel({
    node: [node('MatMul', ['x', 'w_raw']), node('MatMul', ['x', 'w_int32']), node('Add', ['x', 'bias'])],
    initializer: [
      tensor('w_raw', DataType.FLOAT16, [16, 16], 2),
      { name: 'w_int32', dataType: DataType.FLOAT16, dims: [2, 3], int32Data: [15360, 15360, 15360, 15360, 15360, 15360] },
      { name: 'bias', dataType: DataType.FLOAT, dims: [4], floatData: [1, 2, 3, 4] },
    ],
  });
}

/** A graph whose only weight lives in `dataFileName` (data_location EXTERNAL). */
export function externalDataModel(dataFileName: string, dataBytes: number): Uint8Array {
  return encodeModel({
    node: [node('MatMul', ['x', 'w'])],
    initializer: [{
      name: 'w',
      dataType: DataType.FLOAT,
      dims: [dataBytes / 4],
      dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: [
        { key: 'location', value: dataFileName },
        { key: 'offset', value: '0' },
        { key: 'length', value: String(dataBytes) },
      ],
    }],
  });
}

/** An If node whose branches hold the nodes, as older merged decoders do. */
export function subgraphModel(): Uint8Array {
  const branch = (opType: string): onnx.IGraphProto => ({ name: opType, node: [node(opType, ['a', 'b'])] });
  return encodeModel({
    node: [{
      opType: 'If',
      input: ['use_cache'],
      output: ['out'],
      attribute: [
        { name: 'then_branch', type: AttributeType.GRAPH, g: branch('MatMul') },
        { name: 'else_branch', type: AttributeType.GRAPH, g: branch('Gemm') },
      ],
    }],
    initializer: [tensor('packed', DataType.INT4, [3, 5], 0.5)],
  });
}

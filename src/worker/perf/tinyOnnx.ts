/**
 * A one-node ONNX model, C = MatMul(A, B) with float32 A [m, k] and B [k, n], encoded by hand
 * (a few protobuf fields), so the worker can probe a provider or time a MatMul without bundling
 * an ONNX writer. Field numbers are those of onnx.proto (ModelProto, GraphProto, NodeProto,
 * ValueInfoProto, TypeProto.Tensor, TensorShapeProto).
 */
function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

const intField = (field: number, value: number): number[] => [...varint(field << 3), ...varint(value)];
const bytesField = (field: number, bytes: number[]): number[] => [...varint((field << 3) | 2), ...varint(bytes.length), ...bytes];
const stringField = (field: number, text: string): number[] => bytesField(field, [...Buffer.from(text, 'utf8')]);

const FLOAT = 1;

function tensorValue(name: string, dims: number[]): number[] {
  const shape = dims.flatMap((d) => bytesField(1, intField(1, d)));
  const tensorType = [...intField(1, FLOAT), ...bytesField(2, shape)];
  return [...stringField(1, name), ...bytesField(2, bytesField(1, tensorType))];
}

export function matMulModel(m: number, k: number, n: number): Uint8Array {
  const node = [...stringField(1, 'A'), ...stringField(1, 'B'), ...stringField(2, 'C'), ...stringField(3, 'matmul'), ...stringField(4, 'MatMul')];
  const graph = [
    ...bytesField(1, node),
    ...stringField(2, 'quantlens-probe'),
    ...bytesField(11, tensorValue('A', [m, k])),
    ...bytesField(11, tensorValue('B', [k, n])),
    ...bytesField(12, tensorValue('C', [m, n])),
  ];
  const opset = [...stringField(1, ''), ...intField(2, 13)];
  return Uint8Array.from([...intField(1, 8), ...stringField(2, 'quantlens'), ...bytesField(7, graph), ...bytesField(8, opset)]);
}

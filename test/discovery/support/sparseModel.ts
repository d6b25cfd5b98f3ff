// Writes ONNX files whose weights are holes in a sparse file: gigabytes on paper, almost nothing on
// disk, so tests and benches can prove that reading a signature never touches the weights.
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { onnx } from 'onnx-proto';
import { protobufVarint } from '../../../src/modelmaker/protobufVarint';

export interface HollowTensor {
  name: string;
  dataType: number;
  dims: number[];
  /** Length the raw_data field declares; those bytes are left as a hole. */
  payloadBytes: number;
}

export interface SparseModelSpec {
  tensors: HollowTensor[];
  /** Written after every tensor, so a reader must get past the payloads to see them. */
  nodes: onnx.INodeProto[];
  opsets: onnx.IOperatorSetIdProto[];
}

/** A protobuf varint, for lengths beyond what protobufjs writes (over 4 GiB). */
function varint(value: number): Buffer {
  return Buffer.from(protobufVarint(value));
}

function lengthDelimitedTag(field: number): Buffer {
  return varint(field * 8 + 2);
}

type Piece = Buffer | { hole: number };

const pieceLength = (piece: Piece): number => (Buffer.isBuffer(piece) ? piece.length : piece.hole);

/** Writes the model and returns its size in bytes. */
export function writeSparseModel(file: string, spec: SparseModelSpec): number {
  const graph: Piece[] = [];
  for (const tensor of spec.tensors) {
    const header = Buffer.from(onnx.TensorProto.encode({ name: tensor.name, dataType: tensor.dataType, dims: tensor.dims }).finish());
    const rawDataPrefix = Buffer.concat([lengthDelimitedTag(9), varint(tensor.payloadBytes)]);
    const tensorLength = header.length + rawDataPrefix.length + tensor.payloadBytes;
    graph.push(lengthDelimitedTag(5), varint(tensorLength), header, rawDataPrefix, { hole: tensor.payloadBytes });
  }
  graph.push(Buffer.from(onnx.GraphProto.encode({ node: spec.nodes }).finish()));
  const graphLength = graph.reduce((total, piece) => total + pieceLength(piece), 0);
  const modelHead = Buffer.from(onnx.ModelProto.encode({ irVersion: 8, producerName: 'quantlens-sparse', opsetImport: spec.opsets }).finish());
  const pieces: Piece[] = [modelHead, lengthDelimitedTag(7), varint(graphLength), ...graph];

  const fd = openSync(file, 'w');
  try {
    let position = 0;
    for (const piece of pieces) {
      if (Buffer.isBuffer(piece)) writeSync(fd, piece, 0, piece.length, position);
      position += pieceLength(piece);
    }
    ftruncateSync(fd, position);
    return position;
  } finally {
    closeSync(fd);
  }
}

/** One 1 GiB float32 weight, then a MatMul and a MatMulNBits node behind it. */
export function oneGibModelSpec(): SparseModelSpec {
  const side = 16384;
  return {
    tensors: [{ name: 'huge', dataType: 1, dims: [side, side], payloadBytes: side * side * 4 }],
    nodes: [
      { opType: 'MatMul', input: ['x', 'huge'], output: ['y'] },
      {
        opType: 'MatMulNBits',
        domain: 'com.microsoft',
        input: ['y', 'w_q4', 'w_scales'],
        output: ['z'],
        attribute: [{ name: 'bits', type: onnx.AttributeProto.AttributeType.INT, i: 4 },
          { name: 'block_size', type: onnx.AttributeProto.AttributeType.INT, i: 32 }],
      },
    ],
    opsets: [{ domain: '', version: 17 }, { domain: 'com.microsoft', version: 1 }],
  };
}

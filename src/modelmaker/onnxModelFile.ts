import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { onnx } from 'onnx-proto';
import { GraphWriter } from './onnxWriter';
import { protobufVarint } from './protobufVarint';
import { bytesOf, GraphParts } from './quantize/graphParts';

/** A weight quantizer: rewrites the nodes that use the given initializers and replaces those. */
export type Quantizer = (parts: GraphParts) => GraphParts;

/** Tensors under this many bytes stay in the graph message, as onnx's `save_as_external_data` keeps them (size_threshold=1024). */
const INLINE_LIMIT_BYTES = 1024;
/** External tensors start on 64-byte boundaries so onnxruntime can use them in place. */
const EXTERNAL_ALIGNMENT = 64;
/** One serialized protobuf message (a whole .onnx without external data) must stay under 2 GiB. */
const PROTOBUF_LIMIT_BYTES = 2 ** 31 - 64 * 2 ** 20;
/** Protobuf tags (field number << 3 | wire type 2): ModelProto.graph = 7, GraphProto.initializer = 5. */
const TAG_MODEL_GRAPH = 0x3a;
const TAG_GRAPH_INITIALIZER = 0x2a;

export interface OnnxFileResult {
  /** Bytes of the .onnx file and of its `<file>_data` (0 when every tensor is inline). */
  modelBytes: number;
  externalDataBytes: number;
}

/**
 * Writes one variant of `graph` to `path`, one initializer at a time: each deferred weight is made,
 * handed to `quantize` alone (threading the node list through, so its consumers get rewritten),
 * written and dropped, so memory holds one tensor and its quantized form at a time — never the
 * whole model. With `externalData`, every tensor of 1 KiB or more goes to `<file>_data` beside it
 * (Optimum's `model.onnx` + `model.onnx_data`), TensorProto data_location EXTERNAL with
 * location/offset/length, which is how models past protobuf's 2 GB limit are stored. Without it,
 * the large tensors are encoded one by one into a spool file and appended to the graph message
 * (protobuf fields may come in any order), so an inline 1 GB file never sits in memory either.
 *
 * `quantize` must be local to the initializers it is given (as the quantizers in quantize/ are):
 * it sees the whole node list, inputs and outputs, but one initializer per call, so a rewrite it
 * applies to nodes must be idempotent across calls.
 */
export function writeOnnxModelFile(
  path: string,
  graph: GraphWriter,
  graphName: string,
  opsets: Array<{ domain: string; version: number }>,
  quantize: Quantizer | undefined,
  externalData: boolean,
): OnnxFileResult {
  const dataPath = externalData ? `${path}_data` : `${path}.initializers.tmp`;
  const fd = openSync(dataPath, 'w+');
  let offset = 0;
  let nodes = graph.nodes;
  // A whole-graph rewrite (q4f16's float16 conversion) retypes the graph's inputs and outputs too.
  let inputs: onnx.IValueInfoProto[] = graph.inputs;
  let outputs: onnx.IValueInfoProto[] = graph.outputs;
  const initializers: onnx.ITensorProto[] = [];
  try {
    for (const tensor of graph.initializers) {
      const make = graph.deferred.get(tensor.name!);
      const materialized: onnx.ITensorProto = make && !tensor.rawData ? { ...tensor, rawData: bytesOf(make()) } : tensor;
      const result = quantize ? quantize({ nodes, initializers: [materialized], inputs, outputs }) : { nodes, initializers: [materialized] };
      nodes = result.nodes;
      inputs = result.inputs ?? inputs;
      outputs = result.outputs ?? outputs;
      for (const out of result.initializers) {
        const bytes = out.rawData;
        if (!bytes || bytes.byteLength < INLINE_LIMIT_BYTES) {
          initializers.push(out);
        } else if (externalData) {
          offset = Math.ceil(offset / EXTERNAL_ALIGNMENT) * EXTERNAL_ALIGNMENT;
          writeAll(fd, bytes, offset);
          initializers.push(externalTensor(out, basename(dataPath), offset, bytes.byteLength));
          offset += bytes.byteLength;
        } else {
          const record = onnx.TensorProto.encode(out).finish();
          for (const piece of [Uint8Array.of(TAG_GRAPH_INITIALIZER, ...protobufVarint(record.byteLength)), record]) {
            writeAll(fd, piece, offset);
            offset += piece.byteLength;
          }
          if (offset > PROTOBUF_LIMIT_BYTES) throw new Error(`${path}: the weights pass protobuf's 2 GB limit for one .onnx file; write this variant with external data`);
        }
      }
    }
  } catch (error) {
    closeSync(fd);
    unlinkSync(dataPath);
    throw error;
  }

  const model = graph.modelProto(graphName, opsets, { nodes, initializers, inputs, outputs });
  const graphBytes = onnx.GraphProto.encode(model.graph!).finish();
  model.graph = null;
  const head = onnx.ModelProto.encode(model).finish();
  const spooled = externalData ? 0 : offset;
  const modelFd = openSync(path, 'w');
  let position = 0;
  try {
    for (const piece of [head, Uint8Array.of(TAG_MODEL_GRAPH, ...protobufVarint(graphBytes.byteLength + spooled)), graphBytes]) {
      writeAll(modelFd, piece, position);
      position += piece.byteLength;
    }
    if (!externalData) position += copySpool(fd, spooled, modelFd, position);
  } finally {
    closeSync(modelFd);
    closeSync(fd);
    if (!externalData) unlinkSync(dataPath);
  }
  return { modelBytes: position, externalDataBytes: externalData ? offset : 0 };
}

function externalTensor(tensor: onnx.ITensorProto, location: string, offset: number, length: number): onnx.ITensorProto {
  return {
    name: tensor.name,
    dataType: tensor.dataType,
    dims: tensor.dims,
    dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
    externalData: [
      { key: 'location', value: location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(length) },
    ],
  };
}

/** Appends the spooled initializer records to the model file in 64 MiB pieces. */
function copySpool(spoolFd: number, length: number, outFd: number, position: number): number {
  const chunk = Buffer.allocUnsafe(Math.min(length, 64 * 2 ** 20));
  let copied = 0;
  while (copied < length) {
    const read = readSync(spoolFd, chunk, 0, Math.min(chunk.byteLength, length - copied), copied);
    if (read === 0) throw new Error('writeOnnxModelFile: the initializer spool file ended early');
    writeAll(outFd, chunk.subarray(0, read), position + copied);
    copied += read;
  }
  return copied;
}


function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.byteLength) done += writeSync(fd, bytes, done, bytes.byteLength - done, position + done);
}

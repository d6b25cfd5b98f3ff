import { closeSync, openSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { onnx } from 'onnx-proto';
import { GraphWriter } from './onnxWriter';
import { bytesOf, GraphParts } from './quantize/graphParts';

/** A weight quantizer: rewrites the nodes that use the given initializers and replaces those. */
export type Quantizer = (parts: GraphParts) => GraphParts;

/** Tensors under this many bytes stay inside the .onnx file, as onnx's `save_as_external_data` keeps them (size_threshold=1024). */
const INLINE_LIMIT_BYTES = 1024;
/** One serialized protobuf message (the whole .onnx without external data) must stay under 2 GiB. */
const PROTOBUF_LIMIT_BYTES = 2 ** 31 - 64 * 2 ** 20;
/** External tensors start on 64-byte boundaries so onnxruntime can use them in place. */
const EXTERNAL_ALIGNMENT = 64;

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
 * location/offset/length, which is how models past protobuf's 2 GB limit are stored.
 *
 * `quantize` must be local to the initializers it is given (as the quantizers in quantize/ are):
 * it sees the whole node list but one initializer per call.
 */
export function writeOnnxModelFile(
  path: string,
  graph: GraphWriter,
  graphName: string,
  opsets: Array<{ domain: string; version: number }>,
  quantize: Quantizer | undefined,
  externalData: boolean,
): OnnxFileResult {
  const dataPath = `${path}_data`;
  const fd = externalData ? openSync(dataPath, 'w') : undefined;
  let offset = 0;
  let inlineBytes = 0;
  let nodes = graph.nodes;
  const initializers: onnx.ITensorProto[] = [];
  try {
    for (const tensor of graph.initializers) {
      const make = graph.deferred.get(tensor.name!);
      const materialized: onnx.ITensorProto = make && !tensor.rawData ? { ...tensor, rawData: bytesOf(make()) } : tensor;
      const result = quantize ? quantize({ nodes, initializers: [materialized] }) : { nodes, initializers: [materialized] };
      nodes = result.nodes;
      for (const out of result.initializers) {
        const bytes = out.rawData;
        if (fd === undefined || !bytes || bytes.byteLength < INLINE_LIMIT_BYTES) {
          inlineBytes += bytes?.byteLength ?? 0;
          if (inlineBytes > PROTOBUF_LIMIT_BYTES) throw new Error(`${path}: the weights pass protobuf's 2 GB limit for one .onnx file; write this variant with external data`);
          initializers.push(out);
          continue;
        }
        offset = Math.ceil(offset / EXTERNAL_ALIGNMENT) * EXTERNAL_ALIGNMENT;
        writeAll(fd, bytes, offset);
        initializers.push({
          name: out.name,
          dataType: out.dataType,
          dims: out.dims,
          dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
          externalData: [
            { key: 'location', value: basename(dataPath) },
            { key: 'offset', value: String(offset) },
            { key: 'length', value: String(bytes.byteLength) },
          ],
        });
        offset += bytes.byteLength;
      }
    }
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const model = graph.toModel(graphName, opsets, { nodes, initializers });
  const modelFd = openSync(path, 'w');
  try {
    writeAll(modelFd, model, 0);
  } finally {
    closeSync(modelFd);
  }
  return { modelBytes: model.byteLength, externalDataBytes: offset };
}

function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.byteLength) done += writeSync(fd, bytes, done, bytes.byteLength - done, position + done);
}

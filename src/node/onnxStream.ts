import { closeSync, openSync, readSync } from 'node:fs';
import { InputError } from '../shared/errors';
import type { QuantSignature } from '../shared/modelTypes';
import { throwReadError } from './fileReadErrors';
import { ProtoFileReader, WireFormatError, WireType, type FieldTag } from './protoFileReader';
import { SignatureCollector, type GraphNode, type TensorHeader } from './signatureCollector';

/*
 * Field numbers from onnx/onnx.proto. Only what the signature needs is decoded; every other field,
 * and every tensor payload, is skipped by moving the file offset.
 */
const Model = { producerName: 2, producerVersion: 3, graph: 7, opsetImport: 8 } as const;
const OperatorSetId = { domain: 1, version: 2 } as const;
const Graph = { node: 1, initializer: 5, sparseInitializer: 15 } as const;
const SparseTensor = { values: 1 } as const;
const Node = { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 } as const;
const Attribute = { name: 1, f: 2, i: 3, g: 6, ints: 8, graphs: 11 } as const;
const Tensor = { dims: 1, dataType: 2, stringData: 6, name: 8, externalData: 13, dataLocation: 14 } as const;
const StringStringEntry = { key: 1, value: 2 } as const;
const DATA_LOCATION_EXTERNAL = 1;

/**
 * Reads what an ONNX file's graph says about its quantization, streaming: memory stays flat and
 * time grows with the number of nodes and tensors, not with the weights' size.
 * Synchronous; a file costs milliseconds because its weights are never read.
 * @throws InputError naming the file when it cannot be read or is not a valid ONNX model.
 */
export function readQuantSignature(file: string): QuantSignature {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throwReadError(file, error);
  }
  try {
    const reader = new ProtoFileReader(fd);
    const collector = new SignatureCollector();
    const graphCount = readModel(reader, collector);
    if (graphCount === 0) throw notOnnx(file, reader.size === 0 ? 'the file is empty' : 'it holds no graph');
    return collector.finish();
  } catch (error) {
    if (error instanceof WireFormatError) {
      if (isGitLfsPointer(fd)) {
        throw new InputError(
          file,
          'is a Git LFS pointer, not the model itself.',
          'Fetch the real file with `git lfs pull` in that repository, or download the model again.',
        );
      }
      throw notOnnx(file, `${error.reason} at byte ${error.offset}`);
    }
    throwReadError(file, error);
  } finally {
    closeSync(fd);
  }
}

function notOnnx(file: string, detail: string): InputError {
  return new InputError(file, `is not a valid ONNX model (${detail}).`, 'Re-export or re-download the model.');
}

const GIT_LFS_POINTER_START = 'version https://git-lfs.github.com/spec/';

/** A model cloned without Git LFS leaves this small text file where the weights should be. */
function isGitLfsPointer(fd: number): boolean {
  const start = Buffer.alloc(GIT_LFS_POINTER_START.length);
  const read = readSync(fd, start, 0, start.length, 0);
  return start.toString('utf8', 0, read) === GIT_LFS_POINTER_START;
}

/** Walks a ModelProto; returns how many graph fields it held. */
function readModel(reader: ProtoFileReader, collector: SignatureCollector): number {
  let producerName = '';
  let producerVersion = '';
  let graphCount = 0;
  const end = reader.size;
  while (reader.position < end) {
    const tag = reader.readTag();
    switch (tag.field) {
      case Model.producerName:
        producerName = readStringField(reader, tag, end);
        break;
      case Model.producerVersion:
        producerVersion = readStringField(reader, tag, end);
        break;
      case Model.graph:
        readGraph(reader, reader.readMessageEnd(tag, end), collector);
        graphCount += 1;
        break;
      case Model.opsetImport:
        collector.opsetImports.push(readOperatorSetId(reader, reader.readMessageEnd(tag, end)));
        break;
      default:
        reader.skipValue(tag, end);
    }
  }
  const producer = [producerName, producerVersion].filter(Boolean).join(' ');
  if (producer) collector.producer = producer;
  return graphCount;
}

function readOperatorSetId(reader: ProtoFileReader, end: number): { domain: string; version: number } {
  const opset = { domain: '', version: 0 };
  while (reader.position < end) {
    const tag = reader.readTag();
    if (tag.field === OperatorSetId.domain) opset.domain = readStringField(reader, tag, end);
    else if (tag.field === OperatorSetId.version) opset.version = readIntField(reader, tag);
    else reader.skipValue(tag, end);
  }
  return opset;
}

/** Walks a GraphProto: the main graph, or a subgraph held by an If/Loop/Scan attribute. */
function readGraph(reader: ProtoFileReader, end: number, collector: SignatureCollector): void {
  while (reader.position < end) {
    const tag = reader.readTag();
    if (tag.field === Graph.node || tag.field === Graph.initializer || tag.field === Graph.sparseInitializer) {
      const fieldEnd = reader.readMessageEnd(tag, end);
      if (tag.field === Graph.node) collector.addNode(readNode(reader, fieldEnd, collector));
      else if (tag.field === Graph.initializer) collector.addInitializer(readTensorHeader(reader, fieldEnd));
      else readSparseTensorValues(reader, fieldEnd, collector);
    } else {
      reader.skipValue(tag, end);
    }
  }
}

/** A sparse initializer's weights are its `values` tensor (named like the initializer). */
function readSparseTensorValues(reader: ProtoFileReader, end: number, collector: SignatureCollector): void {
  while (reader.position < end) {
    const tag = reader.readTag();
    if (tag.field === SparseTensor.values) {
      collector.addInitializer(readTensorHeader(reader, reader.readMessageEnd(tag, end)));
    } else {
      reader.skipValue(tag, end);
    }
  }
}

function readNode(reader: ProtoFileReader, end: number, collector: SignatureCollector): GraphNode {
  const node: GraphNode = { opType: '', domain: '', name: '', inputs: [], outputs: [], attributes: new Map() };
  while (reader.position < end) {
    const tag = reader.readTag();
    switch (tag.field) {
      case Node.input:
        node.inputs.push(readStringField(reader, tag, end));
        break;
      case Node.output:
        node.outputs.push(readStringField(reader, tag, end));
        break;
      case Node.name:
        node.name = readStringField(reader, tag, end);
        break;
      case Node.opType:
        node.opType = readStringField(reader, tag, end);
        break;
      case Node.domain:
        node.domain = readStringField(reader, tag, end);
        break;
      case Node.attribute:
        readAttribute(reader, reader.readMessageEnd(tag, end), node.attributes, collector);
        break;
      default:
        reader.skipValue(tag, end);
    }
  }
  return node;
}

/** Keeps int, float and int-list values; walks subgraphs so their nodes are counted too. */
function readAttribute(
  reader: ProtoFileReader,
  end: number,
  attributes: Map<string, number | number[]>,
  collector: SignatureCollector,
): void {
  let name = '';
  let value: number | number[] | undefined;
  while (reader.position < end) {
    const tag = reader.readTag();
    switch (tag.field) {
      case Attribute.name:
        name = readStringField(reader, tag, end);
        break;
      case Attribute.i:
        value = readIntField(reader, tag);
        break;
      case Attribute.f:
        reader.expectWireType(tag, WireType.fixed32);
        value = reader.readFloat32();
        break;
      case Attribute.ints:
        value = [...(Array.isArray(value) ? value : []), ...readRepeatedInts(reader, tag, end)];
        break;
      case Attribute.g:
      case Attribute.graphs:
        readGraph(reader, reader.readMessageEnd(tag, end), collector);
        break;
      default:
        reader.skipValue(tag, end);
    }
  }
  if (name && value !== undefined) attributes.set(name, value);
}

/** A TensorProto's dims, type, name and where its data lives; the data itself is skipped. */
function readTensorHeader(reader: ProtoFileReader, end: number): TensorHeader {
  const dims: number[] = [];
  const header: TensorHeader = { name: '', dataType: 0, elementCount: 0, stringBytes: 0, external: false };
  while (reader.position < end) {
    const tag = reader.readTag();
    switch (tag.field) {
      case Tensor.dims:
        dims.push(...readRepeatedInts(reader, tag, end));
        break;
      case Tensor.dataType:
        header.dataType = readIntField(reader, tag);
        break;
      case Tensor.name:
        header.name = readStringField(reader, tag, end);
        break;
      case Tensor.stringData:
        header.stringBytes += reader.skipValue(tag, end);
        break;
      case Tensor.dataLocation:
        header.external ||= readIntField(reader, tag) === DATA_LOCATION_EXTERNAL;
        break;
      case Tensor.externalData: {
        const entry = readStringStringEntry(reader, reader.readMessageEnd(tag, end));
        if (entry.key === 'location') header.externalLocation = entry.value;
        break;
      }
      default:
        // raw_data, float_data, int32_data, int64_data, double_data, uint64_data, segment, doc_string.
        reader.skipValue(tag, end);
    }
  }
  // A tensor without dims is a scalar: one element.
  header.elementCount = dims.reduce((product, dim) => product * dim, 1);
  header.rows = dims[0] ?? 1;
  header.external ||= header.externalLocation !== undefined;
  return header;
}

function readStringStringEntry(reader: ProtoFileReader, end: number): { key: string; value: string } {
  const entry = { key: '', value: '' };
  while (reader.position < end) {
    const tag = reader.readTag();
    if (tag.field === StringStringEntry.key) entry.key = readStringField(reader, tag, end);
    else if (tag.field === StringStringEntry.value) entry.value = readStringField(reader, tag, end);
    else reader.skipValue(tag, end);
  }
  return entry;
}

function readStringField(reader: ProtoFileReader, tag: FieldTag, end: number): string {
  reader.expectWireType(tag, WireType.lengthDelimited);
  return reader.readString(reader.readLength(end));
}

function readIntField(reader: ProtoFileReader, tag: FieldTag): number {
  reader.expectWireType(tag, WireType.varint);
  return reader.readInt64();
}

/** A repeated int64 field, which writers may emit packed (one length-delimited run) or one value per tag. */
function readRepeatedInts(reader: ProtoFileReader, tag: FieldTag, end: number): number[] {
  if (tag.wireType === WireType.varint) return [reader.readInt64()];
  const runEnd = reader.readMessageEnd(tag, end);
  const values: number[] = [];
  while (reader.position < runEnd) values.push(reader.readInt64());
  if (reader.position !== runEnd) throw new WireFormatError('a packed list overruns its length', runEnd);
  return values;
}

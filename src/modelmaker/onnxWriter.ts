import { onnx } from 'onnx-proto';
import { Weight } from './llamaWeights';
import { GraphParts } from './quantize/graphParts';

/** ONNX tensor element types this project writes. */
export const DType = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float16: onnx.TensorProto.DataType.FLOAT16,
  int64: onnx.TensorProto.DataType.INT64,
  int8: onnx.TensorProto.DataType.INT8,
  uint8: onnx.TensorProto.DataType.UINT8,
  bool: onnx.TensorProto.DataType.BOOL,
} as const;

export type Dim = number | string;
type AttributeValue = number | number[] | string | { float: number } | { floats: number[] };

/**
 * Builds one ONNX graph: unique value names, nodes in topological order (the order of calls),
 * initializers stored as little-endian raw bytes (small files, fast to write).
 */
export class GraphWriter {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  readonly inputs: onnx.IValueInfoProto[] = [];
  readonly outputs: onnx.IValueInfoProto[] = [];
  /** Float initializers whose values are made on demand (no rawData until then), by name. */
  readonly deferred = new Map<string, () => Float32Array>();
  private counter = 0;

  input(name: string, elemType: number, shape: Dim[]): string {
    this.inputs.push(valueInfo(name, elemType, shape));
    return name;
  }

  output(name: string, elemType: number, shape: Dim[]): void {
    this.outputs.push(valueInfo(name, elemType, shape));
  }

  /** Adds an initializer; `bytes` are the raw little-endian element bytes. */
  initializer(name: string, elemType: number, dims: number[], bytes: Uint8Array): string {
    this.initializers.push({ name, dataType: elemType, dims, rawData: bytes });
    return name;
  }

  /** A float32 initializer; a function as `values` defers making them to the file writer. */
  float(name: string, dims: number[], values: Weight | number[]): string {
    if (typeof values === 'function') {
      this.deferred.set(name, values);
      this.initializers.push({ name, dataType: DType.float32, dims });
      return name;
    }
    const array = values instanceof Float32Array ? values : Float32Array.from(values);
    return this.initializer(name, DType.float32, dims, new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  }

  int64(name: string, dims: number[], values: number[]): string {
    const array = BigInt64Array.from(values.map((v) => BigInt(v)));
    return this.initializer(name, DType.int64, dims, new Uint8Array(array.buffer));
  }

  /** Emits a node and returns the names of its outputs (generated unless given). */
  op(opType: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, options: { outputs?: number | string[]; domain?: string; name?: string } = {}): string[] {
    const id = this.counter++;
    const outputNames = Array.isArray(options.outputs)
      ? options.outputs
      : Array.from({ length: options.outputs ?? 1 }, (_, i) => `/${opType.toLowerCase()}_${id}/out${i}`);
    this.nodes.push({
      name: options.name ?? `${opType}_${id}`,
      opType,
      domain: options.domain ?? '',
      input: inputs,
      output: outputNames,
      attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
    });
    return outputNames;
  }

  /** Shorthand for a single-output node. */
  op1(opType: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, options: { output?: string; domain?: string } = {}): string {
    return this.op(opType, inputs, attributes, { outputs: options.output ? [options.output] : 1, domain: options.domain })[0]!;
  }

  /** Encodes the graph; `parts` lets a quantizer substitute rewritten nodes and initializers. */
  toModel(graphName: string, opsets: Array<{ domain: string; version: number }>, parts: GraphParts = { nodes: this.nodes, initializers: this.initializers }): Uint8Array {
    if (this.deferred.size > 0 && parts.initializers.some((t) => this.deferred.has(t.name!) && !t.rawData && t.dataLocation !== onnx.TensorProto.DataLocation.EXTERNAL)) {
      throw new Error('GraphWriter.toModel: the graph has deferred weights; write it with writeOnnxModelFile');
    }
    return onnx.ModelProto.encode(this.modelProto(graphName, opsets, parts)).finish();
  }

  /** The ModelProto message, unencoded (writeOnnxModelFile encodes its graph in pieces). */
  modelProto(graphName: string, opsets: Array<{ domain: string; version: number }>, parts: GraphParts): onnx.ModelProto {
    return onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'quantlens-modelmaker',
      producerVersion: '1',
      opsetImport: opsets.map((o) => onnx.OperatorSetIdProto.create(o)),
      graph: onnx.GraphProto.create({
        name: graphName,
        node: parts.nodes,
        initializer: parts.initializers,
        input: parts.inputs ?? this.inputs,
        output: parts.outputs ?? this.outputs,
      }),
    });
  }
}

function valueInfo(name: string, elemType: number, shape: Dim[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attribute(name: string, value: AttributeValue): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') return { name, type: T.INT, i: value };
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  if ('float' in value) return { name, type: T.FLOAT, f: value.float };
  return { name, type: T.FLOATS, floats: value.floats };
}

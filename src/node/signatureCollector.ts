import type { MatMulNBitsNode, MatMulNBitsSetting, QuantSignature } from '../shared/modelTypes';
import { ONNX_UINT8, dataTypeName, packedByteSize } from './onnxDataTypes';

/** A NodeProto with what the signature needs: attribute values are ints (i), floats (f) or int lists (ints). */
export interface GraphNode {
  opType: string;
  domain: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes: Map<string, number | number[]>;
}

/** A TensorProto without its data. */
export interface TensorHeader {
  name: string;
  dataType: number;
  elementCount: number;
  /** The first dim (1 for a scalar): a gathered table's row count. */
  rows?: number;
  /** Sum of string_data lengths; the only way to size a string tensor. */
  stringBytes: number;
  /** data_location is EXTERNAL, or external_data names a location. */
  external: boolean;
  /** external_data's `location`: the data file, relative to the .onnx file. */
  externalLocation?: string;
}

interface InitializerRecord {
  dataType: number;
  elementCount: number;
  rows: number;
}

/** Operators that read rows of their data input (input 0) by index: embeddings, rotary caches. */
const ROW_GATHERS = new Set(['Gather', 'GatherBlockQuantized']);

/**
 * Inputs of quantized operators that hold scales, zero points or index tables. They are
 * quantization metadata, not model weights, so parameterCount leaves them out; otherwise a q4
 * variant would count more "parameters" than its fp32 baseline.
 */
const QUANT_METADATA_INPUTS: Readonly<Record<string, readonly number[]>> = {
  QuantizeLinear: [1, 2],
  DequantizeLinear: [1, 2],
  MatMulInteger: [2, 3],
  DynamicQuantizeMatMul: [2, 3],
  QLinearMatMul: [1, 2, 4, 5, 6, 7],
  MatMulNBits: [2, 3, 4],
  MatMulBnb4: [2],
  GatherBlockQuantized: [2, 3],
};

/** Initializer types that hold shapes, indices and flags (int32, int64, uint32, uint64, string, bool), never weights. */
const NON_WEIGHT_DATA_TYPES = new Set([6, 7, 12, 13, 8, 9]);

const DEFAULT_DOMAINS = new Set(['', 'ai.onnx']);

/** Accumulates nodes and initializer headers as the stream reader meets them, then builds the QuantSignature. */
export class SignatureCollector {
  producer?: string;
  readonly opsetImports: Array<{ domain: string; version: number }> = [];
  private readonly histogram = new Map<string, number>();
  private readonly dtypeUsage = new Map<string, { count: number; bytes: number }>();
  /** Weight initializers by name: the parameter count and the per-channel test need them after all nodes are seen. */
  private readonly initializers = new Map<string, InitializerRecord>();
  /** Elements of weight initializers without a name, which no node can refer to. */
  private unnamedElements = 0;
  private hasExternalData = false;
  private readonly externalLocations = new Set<string>();
  private readonly matMulNBits: MatMulNBitsNode[] = [];
  private readonly dequantizers: Array<{ axis?: number; scale: string }> = [];
  private readonly quantMetadata = new Set<string>();
  /** Activation scales DynamicQuantizeLinear computes at run time (quantize_dynamic's int8/uint8). */
  private readonly dynamicScales = new Set<string>();
  /** Packed weights whose parameter count is not their element count. */
  private readonly logicalElements = new Map<string, (record: InitializerRecord) => number>();
  /** Data inputs of row gathers, and every name some other input slot reads. */
  private readonly gatheredData = new Set<string>();
  private readonly otherwiseRead = new Set<string>();

  addNode(node: GraphNode): void {
    const key = DEFAULT_DOMAINS.has(node.domain) ? node.opType : `${node.domain}::${node.opType}`;
    this.histogram.set(key, (this.histogram.get(key) ?? 0) + 1);
    for (const index of QUANT_METADATA_INPUTS[node.opType] ?? []) {
      const input = node.inputs[index];
      if (input) this.quantMetadata.add(input);
    }
    const int = (name: string, fallback: number): number => {
      const value = node.attributes.get(name);
      return typeof value === 'number' ? value : fallback;
    };
    node.inputs.forEach((input, index) => {
      if (index === 0 && ROW_GATHERS.has(node.opType)) this.gatheredData.add(input);
      else this.otherwiseRead.add(input);
    });
    const packedWeight = node.inputs[1];
    switch (node.opType) {
      case 'DynamicQuantizeLinear': {
        if (node.outputs[1]) this.dynamicScales.add(node.outputs[1]);
        break;
      }
      case 'Mul': {
        // quantize_dynamic multiplies the activation scale by the weight's: that weight scale is
        // quantization metadata, not a parameter (nodes come in topological order, DQL first).
        if (node.inputs.some((input) => this.dynamicScales.has(input))) {
          for (const input of node.inputs) this.quantMetadata.add(input);
        }
        break;
      }
      case 'DequantizeLinear': {
        const axis = node.attributes.get('axis');
        this.dequantizers.push({ axis: typeof axis === 'number' ? axis : undefined, scale: node.inputs[1] ?? '' });
        break;
      }
      case 'MatMulNBits': {
        const K = int('K', 0);
        const N = int('N', 0);
        this.matMulNBits.push({
          name: node.name,
          bits: int('bits', 4),
          blockSize: int('block_size', 0),
          accuracyLevel: int('accuracy_level', 0),
          K,
          N,
        });
        if (packedWeight) this.logicalElements.set(packedWeight, () => K * N);
        break;
      }
      case 'MatMulBnb4': {
        const logical = int('K', 0) * int('N', 0);
        if (packedWeight) this.logicalElements.set(packedWeight, () => logical);
        break;
      }
      case 'GatherBlockQuantized': {
        // Stored as uint8, each byte packs 8/bits values; stored as (u)int4, elements are already logical.
        const perByte = 8 / int('bits', 4);
        const data = node.inputs[0];
        if (data) {
          this.logicalElements.set(data, (record) =>
            record.dataType === ONNX_UINT8 ? record.elementCount * perByte : record.elementCount);
        }
        break;
      }
    }
  }

  addInitializer(tensor: TensorHeader): void {
    const dtype = dataTypeName(tensor.dataType);
    const usage = this.dtypeUsage.get(dtype) ?? { count: 0, bytes: 0 };
    usage.count += 1;
    usage.bytes += packedByteSize(tensor.dataType, tensor.elementCount) ?? tensor.stringBytes;
    this.dtypeUsage.set(dtype, usage);
    this.hasExternalData ||= tensor.external;
    if (tensor.externalLocation !== undefined) this.externalLocations.add(tensor.externalLocation);
    if (NON_WEIGHT_DATA_TYPES.has(tensor.dataType)) return;
    if (tensor.name) {
      this.initializers.set(tensor.name, { dataType: tensor.dataType, elementCount: tensor.elementCount, rows: tensor.rows ?? 1 });
    } else {
      this.unnamedElements += tensor.elementCount;
    }
  }

  finish(): QuantSignature {
    const count = (opType: string): number => {
      let total = 0;
      for (const [key, value] of this.histogram) {
        if (key === opType || key.endsWith(`::${opType}`)) total += value;
      }
      return total;
    };
    return {
      opTypeHistogram: sortedRecord(this.histogram),
      initializerDtypes: sortedRecord(this.dtypeUsage),
      matMulNBits: this.matMulNBits,
      matMulNBitsSettings: this.distinctMatMulNBitsSettings(),
      qdq: {
        quantizeLinear: count('QuantizeLinear'),
        dequantizeLinear: count('DequantizeLinear'),
        perChannelAxes: this.perChannelAxes(),
        matMulInteger: count('MatMulInteger'),
        dynamicQuantizeLinear: count('DynamicQuantizeLinear'),
      },
      parameterCount: this.parameterCount(),
      gatherOnlyTables: this.gatherOnlyTables(),
      opsetImports: this.opsetImports,
      externalData: this.hasExternalData,
      externalDataLocations: [...this.externalLocations].sort(),
      ...(this.producer ? { producer: this.producer } : {}),
    };
  }

  private parameterCount(): number {
    let total = this.unnamedElements;
    for (const [name, record] of this.initializers) {
      if (this.quantMetadata.has(name)) continue;
      total += this.logicalElements.get(name)?.(record) ?? record.elementCount;
    }
    return total;
  }

  /**
   * Initializers that only row gathers read: a decode step reads one row of each, not the table.
   * A tied embedding that lm_head also reads (through a Transpose or a Gemm) is read in full and
   * is not listed; an export that wrote lm_head as its own copy leaves the Gather's table here.
   */
  private gatherOnlyTables(): NonNullable<QuantSignature['gatherOnlyTables']> {
    const tables: NonNullable<QuantSignature['gatherOnlyTables']> = [];
    for (const name of [...this.gatheredData].sort()) {
      const record = this.initializers.get(name);
      if (!record || this.otherwiseRead.has(name) || record.rows < 2) continue;
      const bytes = packedByteSize(record.dataType, record.elementCount) ?? 0;
      tables.push({ name, bytes, rows: record.rows, parameters: this.logicalElements.get(name)?.(record) ?? record.elementCount });
    }
    return tables;
  }

  /** Per ONNX, a DequantizeLinear without `axis` uses axis 1 when its scale is a 1-D tensor. */
  private perChannelAxes(): number[] {
    const axes = new Set<number>();
    for (const { axis, scale } of this.dequantizers) {
      const scaleElements = this.initializers.get(scale)?.elementCount;
      if (scaleElements === undefined ? axis !== undefined : scaleElements > 1) axes.add(axis ?? 1);
    }
    return [...axes].sort((a, b) => a - b);
  }

  private distinctMatMulNBitsSettings(): MatMulNBitsSetting[] {
    const settings = new Map<string, MatMulNBitsSetting>();
    for (const { bits, blockSize, accuracyLevel } of this.matMulNBits) {
      const key = `${bits}/${blockSize}/${accuracyLevel}`;
      const setting = settings.get(key) ?? { bits, blockSize, accuracyLevel, count: 0 };
      setting.count += 1;
      settings.set(key, setting);
    }
    return [...settings.values()];
  }
}

function sortedRecord<T>(map: Map<string, T>): Record<string, T> {
  return Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

import { onnx } from 'onnx-proto';
import { float32ToFloat16Bits } from '../../shared/float16';
import { bytesOf, floatValues, GraphParts, isWeight, matMulWeights } from './graphParts';

const { DataType } = onnx.TensorProto;
const AttributeType = onnx.AttributeProto.AttributeType;

/**
 * fp16: every weight stored as float16 and cast back to float32 where it is used, so the model's
 * I/O, KV cache and arithmetic stay float32 (onnxruntime's `keep_io_types` conversion does the same
 * for I/O). Halves the weight bytes; the fidelity loss is float16 rounding of the weights.
 */
export function quantizeFp16(parts: GraphParts): GraphParts {
  const casts: onnx.INodeProto[] = [];
  const initializers = parts.initializers.map((tensor) => {
    if (!isWeight(tensor)) return tensor;
    const values = floatValues(tensor);
    const halves = new Uint16Array(values.length);
    for (let i = 0; i < values.length; i++) halves[i] = float32ToFloat16Bits(values[i]!);
    const storedName = `${tensor.name}_fp16`;
    casts.push({ name: `Cast_${storedName}`, opType: 'Cast', domain: '', input: [storedName], output: [tensor.name!], attribute: [{ name: 'to', type: AttributeType.INT, i: DataType.FLOAT }] });
    return { name: storedName, dataType: DataType.FLOAT16, dims: tensor.dims, rawData: bytesOf(halves) };
  });
  return { ...parts, nodes: [...casts, ...parts.nodes], initializers };
}

/**
 * q8: int8 weight-only, symmetric, one scale per output channel (axis 1 of the [K, N] MatMul
 * weight), dequantized by DequantizeLinear right before the MatMul. Embedding gathers stay float.
 */
export function quantizeInt8PerChannel(parts: GraphParts): GraphParts {
  const targets = matMulWeights(parts);
  const dequantizers: onnx.INodeProto[] = [];
  const initializers = parts.initializers.flatMap((tensor) => {
    if (!targets.has(tensor.name!)) return [tensor];
    const [K, N] = tensor.dims!.map(Number) as [number, number];
    const values = floatValues(tensor);
    const scales = new Float32Array(N);
    for (let n = 0; n < N; n++) {
      let absMax = 0;
      for (let k = 0; k < K; k++) absMax = Math.max(absMax, Math.abs(values[k * N + n]!));
      scales[n] = absMax > 0 ? absMax / 127 : 1;
    }
    const quantized = new Int8Array(K * N);
    for (let k = 0; k < K; k++) {
      for (let n = 0; n < N; n++) quantized[k * N + n] = Math.max(-127, Math.min(127, Math.round(values[k * N + n]! / scales[n]!)));
    }
    const qName = `${tensor.name}_quantized`;
    const scaleName = `${tensor.name}_scale`;
    dequantizers.push({ name: `DequantizeLinear_${tensor.name}`, opType: 'DequantizeLinear', domain: '', input: [qName, scaleName], output: [tensor.name!], attribute: [{ name: 'axis', type: AttributeType.INT, i: 1 }] });
    return [
      { name: qName, dataType: DataType.INT8, dims: [K, N], rawData: bytesOf(quantized) },
      { name: scaleName, dataType: DataType.FLOAT, dims: [N], rawData: bytesOf(scales) },
    ];
  });
  return { ...parts, nodes: [...dequantizers, ...parts.nodes], initializers };
}

/**
 * q4: 4-bit block-wise (block 32 along K), symmetric, as onnxruntime's `com.microsoft` MatMulNBits
 * takes it: packed uint8 [N, K/32, 16] (low nibble first), float scales [N·K/32], zero point 8.
 */
export function quantizeQ4MatMulNBits(parts: GraphParts, blockSize = 32): GraphParts {
  const targets = matMulWeights(parts);
  const eligible = new Set([...targets.values()].filter((t) => Number(t.dims![0]) % blockSize === 0).map((t) => t.name!));
  const packedByName = new Map<string, onnx.ITensorProto[]>();
  for (const name of eligible) packedByName.set(name, packQ4(targets.get(name)!, blockSize));

  const initializers = parts.initializers.flatMap((t) => packedByName.get(t.name!) ?? [t]);
  const nodes = parts.nodes.map((node) => {
    const weightName = node.input?.[1];
    if (node.opType !== 'MatMul' || !weightName || !eligible.has(weightName)) return node;
    const [K, N] = targets.get(weightName)!.dims!.map(Number) as [number, number];
    const int = (name: string, i: number): onnx.IAttributeProto => ({ name, type: AttributeType.INT, i });
    return {
      name: `MatMulNBits_${weightName}`,
      opType: 'MatMulNBits',
      domain: 'com.microsoft',
      input: [node.input![0]!, `${weightName}_Q4`, `${weightName}_scales`],
      output: node.output,
      attribute: [int('K', K), int('N', N), int('bits', 4), int('block_size', blockSize), int('accuracy_level', 0)],
    };
  });
  return { ...parts, nodes, initializers };
}

function packQ4(tensor: onnx.ITensorProto, blockSize: number): onnx.ITensorProto[] {
  const [K, N] = tensor.dims!.map(Number) as [number, number];
  const values = floatValues(tensor);
  const blocks = K / blockSize;
  const packed = new Uint8Array(N * blocks * (blockSize / 2));
  const scales = new Float32Array(N * blocks);
  for (let n = 0; n < N; n++) {
    for (let b = 0; b < blocks; b++) {
      let absMax = 0;
      for (let i = 0; i < blockSize; i++) absMax = Math.max(absMax, Math.abs(values[(b * blockSize + i) * N + n]!));
      const scale = absMax > 0 ? absMax / 7 : 1;
      scales[n * blocks + b] = scale;
      for (let i = 0; i < blockSize; i += 2) {
        const low = quantizeNibble(values[(b * blockSize + i) * N + n]!, scale);
        const high = quantizeNibble(values[(b * blockSize + i + 1) * N + n]!, scale);
        packed[(n * blocks + b) * (blockSize / 2) + i / 2] = low | (high << 4);
      }
    }
  }
  return [
    { name: `${tensor.name}_Q4`, dataType: DataType.UINT8, dims: [N, blocks, blockSize / 2], rawData: packed },
    { name: `${tensor.name}_scales`, dataType: DataType.FLOAT, dims: [N * blocks], rawData: bytesOf(scales) },
  ];
}

function quantizeNibble(value: number, scale: number): number {
  return Math.max(0, Math.min(15, Math.round(value / scale) + 8));
}

import { onnx } from 'onnx-proto';
import { bytesOf, floatValues, GraphParts, matMulWeights } from './graphParts';

const { DataType } = onnx.TensorProto;
const AttributeType = onnx.AttributeProto.AttributeType;

/** MatMulBnb4's `quant_type`: 0 = FP4, 1 = NF4 (onnxruntime's Bnb_DataType_t). */
export const BNB4_FP4 = 0;
export const BNB4_NF4 = 1;

/**
 * The 4-bit codes' values (times a block's absmax), as onnxruntime's blockwise_quant_block_bnb4.h
 * dequantizes them: NF4 (bitsandbytes' NormalFloat, quantiles of a normal) and FP4 (1 sign bit,
 * exponent bias 3).
 */
export const BNB4_CODES: Readonly<Record<number, readonly number[]>> = {
  [BNB4_NF4]: [
    -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635, -0.18477343022823334,
    -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224,
    0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0,
  ],
  [BNB4_FP4]: [
    0, 5.208333333e-3, 0.66666667, 1, 0.33333333, 0.5, 0.16666667, 0.25,
    -0, -5.208333333e-3, -0.66666667, -1, -0.33333333, -0.5, -0.16666667, -0.25,
  ],
};

/**
 * bnb4: onnxruntime's MatMulBnb4Quantizer (transformers.js's `bnb4` dtype: NF4, block 64). Each
 * MatMul weight W [K, N] is transposed to [N, K] and flattened; consecutive runs of `blockSize`
 * values (they may cross rows) share one absmax (float32, the weight's type); each value becomes
 * the nearest code of value/absmax, two codes a byte, the first in the high nibble. The node is
 * `com.microsoft` MatMulBnb4(A, B_Bnb4 uint8 [ceil(K·N/2)], B_absmax [blocks]) with K, N,
 * block_size and quant_type. Embedding gathers stay float, as that quantizer leaves them.
 */
export function quantizeBnb4(parts: GraphParts, options: { blockSize?: number; quantType?: number } = {}): GraphParts {
  const blockSize = options.blockSize ?? 64;
  const quantType = options.quantType ?? BNB4_NF4;
  const codes = BNB4_CODES[quantType];
  if (!codes) throw new Error(`quantizeBnb4: quant_type ${quantType} is neither ${BNB4_FP4} (FP4) nor ${BNB4_NF4} (NF4)`);
  if (!Number.isInteger(blockSize) || blockSize < 16 || (blockSize & (blockSize - 1)) !== 0) {
    throw new Error(`quantizeBnb4: block_size ${blockSize} must be a power of 2 of at least 16, as MatMulBnb4 requires`);
  }
  const targets = matMulWeights(parts);
  const initializers = parts.initializers.flatMap((t) => (targets.has(t.name!) ? packBnb4(t, blockSize, codes) : [t]));
  const int = (name: string, i: number): onnx.IAttributeProto => ({ name, type: AttributeType.INT, i });
  const nodes = parts.nodes.map((node) => {
    const weightName = node.input?.[1];
    if (node.opType !== 'MatMul' || (node.domain ?? '') !== '' || !weightName || !targets.has(weightName)) return node;
    const [K, N] = targets.get(weightName)!.dims!.map(Number) as [number, number];
    return {
      name: `${node.name}_Bnb4`,
      opType: 'MatMulBnb4',
      domain: 'com.microsoft',
      input: [node.input![0]!, `${weightName}_Bnb4`, `${weightName}_absmax`],
      output: node.output,
      attribute: [int('K', K), int('N', N), int('block_size', blockSize), int('quant_type', quantType)],
    };
  });
  return { ...parts, nodes, initializers };
}

function packBnb4(tensor: onnx.ITensorProto, blockSize: number, codes: readonly number[]): onnx.ITensorProto[] {
  const [K, N] = tensor.dims!.map(Number) as [number, number];
  const values = floatValues(tensor);
  const numel = K * N;
  const transposed = new Float32Array(numel);
  for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) transposed[n * K + k] = values[k * N + n]!;
  const blocks = Math.ceil(numel / blockSize);
  const absmax = new Float32Array(blocks);
  const packed = new Uint8Array(Math.ceil(numel / 2));
  for (let b = 0; b < blocks; b++) {
    const start = b * blockSize;
    const end = Math.min(numel, start + blockSize);
    let max = 0;
    for (let i = start; i < end; i++) max = Math.max(max, Math.abs(transposed[i]!));
    absmax[b] = max;
    const reciprocal = max ? Math.fround(1 / max) : 0;
    for (let i = start; i < end; i += 2) {
      const high = nearestCode(Math.fround(transposed[i]! * reciprocal), codes);
      const low = i + 1 < end ? nearestCode(Math.fround(transposed[i + 1]! * reciprocal), codes) : nearestCode(0, codes);
      packed[i / 2] = (high << 4) | low;
    }
  }
  return [
    { name: `${tensor.name}_Bnb4`, dataType: DataType.UINT8, dims: [packed.length], rawData: packed },
    { name: `${tensor.name}_absmax`, dataType: DataType.FLOAT, dims: [blocks], rawData: bytesOf(absmax) },
  ];
}

/** Index of the code nearest x; a tie goes to the lower code, as onnxruntime's strict `>` thresholds do. */
function nearestCode(x: number, codes: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < codes.length; i++) if (Math.abs(codes[i]! - x) < Math.abs(codes[best]! - x)) best = i;
  return best;
}

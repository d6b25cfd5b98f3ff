import { onnx } from 'onnx-proto';
import { float16BitsToFloat32 } from '../../src/shared/float16';
import { BNB4_CODES } from '../../src/modelmaker/quantize/bnb4';
import { GraphParts } from '../../src/modelmaker/quantize/graphParts';

const { DataType } = onnx.TensorProto;
const AttributeType = onnx.AttributeProto.AttributeType;

/**
 * The reference a quantized graph must match tightly: every quantized MatMul replaced by a plain
 * float32 MatMul on weights dequantized here in JS from the stored bytes, read by each operator's
 * documented layout (not by the packers' code), so a packing, nibble-order, zero-point or scale bug
 * shows as a mismatch. Dynamic int8/uint8: the activation keeps its run-time DynamicQuantizeLinear,
 * dequantized by DequantizeLinear, so only the integer MatMul is replaced. A float16 graph's MatMuls
 * run in float32 between Casts, as onnxruntime's CPU kernels accumulate.
 */
export function dequantizedReference(parts: GraphParts): { reference: GraphParts; weightsByOutput: Map<string, Float32Array> } {
  const byName = new Map(parts.initializers.map((t) => [t.name!, t]));
  const producers = new Map(parts.nodes.flatMap((n) => (n.output ?? []).map((o) => [o, n] as const)));
  const consumers = (value: string): onnx.INodeProto[] => parts.nodes.filter((n) => n.input?.includes(value));
  const added: onnx.ITensorProto[] = [];
  const dropped = new Set<onnx.INodeProto>();
  const replaced = new Map<onnx.INodeProto, onnx.INodeProto[]>();
  /** The dequantized [K, N] weight of each replaced MatMul, by the MatMul's output name (kept from the fp32 graph). */
  const weightsByOutput = new Map<string, Float32Array>();
  const attr = (node: onnx.INodeProto, name: string): number => Number(node.attribute!.find((a) => a.name === name)!.i);
  const floatMatMul = (node: onnx.INodeProto, input: string, output: string, weight: Float32Array, K: number, N: number, half: boolean): onnx.INodeProto[] => {
    const name = `${node.name}_reference_weight`;
    weightsByOutput.set(output, weight);
    added.push({ name, dataType: DataType.FLOAT, dims: [K, N], rawData: new Uint8Array(weight.buffer) });
    if (!half) return [{ name: `${node.name}_reference`, opType: 'MatMul', domain: '', input: [input, name], output: [output] }];
    const cast = (from: string, to: string, type: number): onnx.INodeProto => ({ name: `${to}_cast`, opType: 'Cast', domain: '', input: [from], output: [to], attribute: [{ name: 'to', type: AttributeType.INT, i: type }] });
    return [
      cast(input, `${output}_reference_in`, DataType.FLOAT),
      { name: `${node.name}_reference`, opType: 'MatMul', domain: '', input: [`${output}_reference_in`, name], output: [`${output}_reference_out`] },
      cast(`${output}_reference_out`, output, DataType.FLOAT16),
    ];
  };

  for (const node of parts.nodes) {
    if (node.opType === 'MatMulInteger') {
      const [aq, bq, azp, bzp] = node.input as [string, string, string, string];
      const dynamic = producers.get(aq)!;
      const castNode = consumers(node.output![0]!)[0]!;
      const outMul = consumers(castNode.output![0]!)[0]!;
      const scalesMul = producers.get(outMul.input![1]!)!;
      const weightScale = scalesMul.input!.find((i) => i !== dynamic.output![1])!;
      const weight = byName.get(bq)!;
      const [K, N] = weight.dims!.map(Number) as [number, number];
      const q = weight.dataType === DataType.INT8 ? new Int8Array(copy(weight)) : new Uint8Array(copy(weight));
      const zp = integers(byName.get(bzp)!);
      const scale = floats(byName.get(weightScale)!);
      const w = new Float32Array(K * N);
      for (let k = 0; k < K; k++) {
        for (let n = 0; n < N; n++) w[k * N + n] = (q[k * N + n]! - zp[zp.length === 1 ? 0 : n]!) * scale[scale.length === 1 ? 0 : n]!;
      }
      const activation = `${node.name}_reference_activation`;
      replaced.set(node, [
        { name: `${activation}_dq`, opType: 'DequantizeLinear', domain: '', input: [aq, dynamic.output![1]!, azp], output: [activation] },
        ...floatMatMul(node, activation, outMul.output![0]!, w, K, N, false),
      ]);
      dropped.add(castNode).add(outMul).add(scalesMul);
    } else if (node.opType === 'MatMulNBits') {
      const [input, packedName, scalesName] = node.input as [string, string, string];
      const K = attr(node, 'K');
      const N = attr(node, 'N');
      const blockSize = attr(node, 'block_size');
      const blocks = K / blockSize;
      const packed = new Uint8Array(copy(byName.get(packedName)!));
      const scalesTensor = byName.get(scalesName)!;
      const scales = floats(scalesTensor);
      const w = new Float32Array(K * N);
      for (let n = 0; n < N; n++) {
        for (let k = 0; k < K; k++) {
          const byte = packed[n * (K / 2) + (k >> 1)]!; // [N, K/block, block/2] is row n's K/2 bytes
          const code = k % 2 === 0 ? byte & 0x0f : byte >> 4; // low nibble first
          w[k * N + n] = (code - 8) * scales[n * blocks + Math.floor(k / blockSize)]!;
        }
      }
      replaced.set(node, floatMatMul(node, input, node.output![0]!, w, K, N, scalesTensor.dataType === DataType.FLOAT16));
    } else if (node.opType === 'MatMulBnb4') {
      const [input, packedName, absmaxName] = node.input as [string, string, string];
      const K = attr(node, 'K');
      const N = attr(node, 'N');
      const blockSize = attr(node, 'block_size');
      const codes = BNB4_CODES[attr(node, 'quant_type')]!;
      const packed = new Uint8Array(copy(byName.get(packedName)!));
      const absmax = floats(byName.get(absmaxName)!);
      const w = new Float32Array(K * N);
      for (let i = 0; i < K * N; i++) { // i indexes the flattened transposed [N, K] weight
        const byte = packed[i >> 1]!;
        const code = i % 2 === 0 ? byte >> 4 : byte & 0x0f; // high nibble first
        const [n, k] = [Math.floor(i / K), i % K];
        w[k * N + n] = codes[code]! * absmax[Math.floor(i / blockSize)]!;
      }
      replaced.set(node, floatMatMul(node, input, node.output![0]!, w, K, N, false));
    }
  }
  const nodes = parts.nodes.flatMap((n) => replaced.get(n) ?? (dropped.has(n) ? [] : [n]));
  return { reference: { ...parts, nodes, initializers: [...parts.initializers, ...added] }, weightsByOutput };
}

/** A copy of the raw bytes (Uint8Array.from: a decoded Buffer's slice() would share the whole decode buffer). */
function copy(tensor: onnx.ITensorProto): ArrayBuffer {
  return Uint8Array.from(tensor.rawData!).buffer;
}

function floats(tensor: onnx.ITensorProto): Float32Array {
  if (tensor.dataType === DataType.FLOAT16) return Float32Array.from(new Uint16Array(copy(tensor)), float16BitsToFloat32);
  return new Float32Array(copy(tensor));
}

function integers(tensor: onnx.ITensorProto): Int32Array {
  return Int32Array.from(tensor.dataType === DataType.INT8 ? new Int8Array(copy(tensor)) : new Uint8Array(copy(tensor)));
}

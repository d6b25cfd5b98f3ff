import type { QuantSignature } from './modelTypes';

/** One line that says how a variant is quantized, for tables, tooltips and the CLI. */
export function summarizeSignature(signature: QuantSignature | undefined): string {
  if (!signature) return 'signature unavailable';
  const parts: string[] = [];
  for (const s of signature.matMulNBitsSettings) parts.push(`MatMulNBits×${s.count} (${s.bits}-bit, block ${s.blockSize}, accuracy ${s.accuracyLevel})`);
  if (signature.qdq.dequantizeLinear) {
    const axes = signature.qdq.perChannelAxes.length ? `per-channel axis ${signature.qdq.perChannelAxes.join('/')}` : 'per-tensor';
    parts.push(`DequantizeLinear×${signature.qdq.dequantizeLinear} (${axes})`);
  }
  if (signature.qdq.matMulInteger) parts.push(`MatMulInteger×${signature.qdq.matMulInteger}`);
  const weightBytes = Object.entries(signature.initializerDtypes)
    .sort((a, b) => b[1].bytes - a[1].bytes)
    .slice(0, 3)
    .map(([dtype, usage]) => `${dtype} ${(usage.bytes / 2 ** 20).toFixed(2)} MiB`);
  parts.push(`weights: ${weightBytes.join(', ')}`);
  parts.push(`${(signature.parameterCount / 1e6).toFixed(2)}M params`);
  return parts.join('; ');
}

import * as ort from 'onnxruntime-node';
import { float16BitsToFloat32 } from '../../src/shared/float16';

interface DecoderConfig {
  num_hidden_layers: number;
  num_key_value_heads: number;
  head_dim: number;
  vocab_size: number;
}

/**
 * One plain onnxruntime forward pass over `tokens` (batch 1), independent of transformers.js and
 * of the engine: tests compare the engine's numbers against this.
 */
export async function logitsOf(
  session: ort.InferenceSession,
  config: DecoderConfig,
  tokens: number[],
  options: { past?: Record<string, ort.Tensor>; keepCache?: boolean } = {},
): Promise<{ logits: Float32Array; present: Record<string, ort.Tensor> }> {
  // A float16 graph (q4f16) takes a float16 KV cache: the empty first-step cache follows the inputs' metadata.
  const metadata = (session as unknown as { inputMetadata?: Array<{ name: string; type?: string }> }).inputMetadata ?? [];
  const kvType = metadata.find((m) => m.name === 'past_key_values.0.key')?.type === 'float16' ? 'float16' : 'float32';
  const pastLength = options.past ? Number(options.past['past_key_values.0.key']!.dims[2]) : 0;
  const total = pastLength + tokens.length;
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', BigInt64Array.from(tokens.map(BigInt)), [1, tokens.length]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]),
    position_ids: new ort.Tensor('int64', BigInt64Array.from(tokens.map((_, i) => BigInt(pastLength + i))), [1, tokens.length]),
  };
  for (let i = 0; i < config.num_hidden_layers; i++) {
    for (const kind of ['key', 'value']) {
      feeds[`past_key_values.${i}.${kind}`] =
        options.past?.[`past_key_values.${i}.${kind}`] ??
        new ort.Tensor(kvType, kvType === 'float16' ? new Uint16Array(0) : new Float32Array(0), [1, config.num_key_value_heads, 0, config.head_dim]);
    }
  }
  const out = await session.run(feeds);
  const present: Record<string, ort.Tensor> = {};
  for (let i = 0; i < config.num_hidden_layers; i++) {
    for (const kind of ['key', 'value']) present[`past_key_values.${i}.${kind}`] = out[`present.${i}.${kind}`]!;
  }
  const logits = out.logits!;
  // float16 logits come back as raw half bits.
  return { logits: logits.type === 'float16' ? Float32Array.from(logits.data as Uint16Array, float16BitsToFloat32) : (logits.data as Float32Array), present };
}

/** Softmax in float64 with the max subtracted. */
export function softmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += out[i] = Math.exp(logits[i]! - max);
  for (let i = 0; i < logits.length; i++) out[i]! /= sum;
  return out;
}

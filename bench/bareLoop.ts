/**
 * A bare onnxruntime-node decode loop, the yardstick the engine benches compare with: one
 * session.run per step on hand-built feeds and the previous step's present.* as past, no argmax,
 * no framework. Shared by bench/engine and bench/protocol.
 */
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';

type Metadata = Array<{ name: string; type?: string; shape: Array<number | string> }>;

export function bareFeeds(session: ort.InferenceSession, tokens: readonly number[], past: number, cache: Record<string, ort.Tensor>): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', BigInt64Array.from(tokens.map(BigInt)), [1, tokens.length]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(past + tokens.length).fill(1n), [1, past + tokens.length]),
    position_ids: new ort.Tensor('int64', BigInt64Array.from(tokens.map((_, i) => BigInt(past + i))), [1, tokens.length]),
    ...cache,
  };
  for (const name of session.inputNames) {
    if (name.startsWith('past_key_values.') && !out[name]) {
      const meta = (session as unknown as { inputMetadata: Metadata }).inputMetadata.find((m) => m.name === name)!;
      const half = meta.type === 'float16';
      out[name] = new ort.Tensor(half ? 'float16' : 'float32', half ? new Uint16Array(0) : new Float32Array(0), [1, meta.shape[1] as number, 0, meta.shape[3] as number]);
    }
  }
  return out;
}

/** Per-step ms of a bare loop: the prompt's forward (untimed), then `generated` fed back one token a step. */
export async function bareDecode(session: ort.InferenceSession, prompt: readonly number[], generated: readonly number[]): Promise<number> {
  let output = await session.run(bareFeeds(session, prompt, 0, {}));
  let past = prompt.length;
  const started = performance.now();
  for (let i = 0; i < generated.length - 1; i++) {
    const cache: Record<string, ort.Tensor> = {};
    for (const name of session.inputNames) if (name.startsWith('past_key_values.')) cache[name] = output[name.replace('past_key_values.', 'present.')] as ort.Tensor;
    output = await session.run(bareFeeds(session, [generated[i]!], past, cache));
    past += 1;
  }
  return (performance.now() - started) / (generated.length - 1);
}

/** One forward of `tokens` from an empty cache, timed. */
export async function timedForward(session: ort.InferenceSession, tokens: number[]): Promise<number> {
  const f = bareFeeds(session, tokens, 0, {});
  const started = performance.now();
  await session.run(f);
  return performance.now() - started;
}

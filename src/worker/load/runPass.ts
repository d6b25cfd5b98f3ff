import { errorMessage } from '../../shared/errors';
import { arrivalOffsetsMs } from './arrivals';
import type { LoadClock } from './clock';
import { ConcurrencyLimiter } from './limiter';
import type { CellPlan, PassRecord, RequestRecord } from './loadMetrics';
import { failureOf } from './loadMetrics';
import type { LoadTarget, StreamedRequest } from './loadTarget';

/**
 * One timed pass of a cell, as vLLM's `benchmark()` runs it: requests arrive on the precomputed
 * schedule (arrivals.ts) whatever the server's state; each then waits for one of `concurrency`
 * slots (the client's cap) and is sent to replica i mod replicas. The pass lasts from its start to
 * the end of its last request. Per request the generator does nothing but wait; the target stamps
 * the chunks. `onDone` is told of each finished request (progress).
 */
export async function runPass(target: LoadTarget, plan: CellPlan, prompts: readonly (readonly number[])[], seed: string, clock: LoadClock, signal: AbortSignal, onDone: () => void = () => {}): Promise<PassRecord> {
  const n = prompts.length;
  const offsets = arrivalOffsetsMs(n, plan.requestRate, plan.burstiness, seed);
  const limiter = new ConcurrencyLimiter(plan.concurrency);
  const records: RequestRecord[] = new Array(n);
  const replicas = target.baseUrls.length;
  if (replicas === 0) throw new Error('the served variant has no base URL to send requests to');
  const tasks: Promise<void>[] = [];
  const start = clock.now();
  for (let i = 0; i < n; i++) {
    if (offsets[i]! > 0) await clock.sleepUntil(start + offsets[i]!, signal);
    if (signal.aborted) break;
    const arrivedAtMs = clock.now();
    const replica = i % replicas;
    tasks.push((async () => {
      await limiter.acquire();
      let result: StreamedRequest;
      try {
        result = await target.streamRequest({ promptTokens: prompts[i]!, outputTokens: plan.outputTokens, fixedLength: plan.fixedLength, replica }, signal);
      } catch (error) {
        result = failedRequest(clock.now(), errorMessage(error));
      } finally {
        limiter.release();
      }
      records[i] = { replica, inputTokens: prompts[i]!.length, arrivedAtMs, result };
      onDone();
    })());
  }
  await Promise.all(tasks);
  return { durationMs: clock.now() - start, requests: records.filter((r) => r !== undefined), peakInFlight: limiter.peak };
}

/**
 * Untimed requests before a cell: all at once under the cell's cap, spread over the replicas so each
 * is warm. Throws when every one failed — the server is not answering, and vLLM's initial test run
 * stops there too.
 */
export async function warmUp(target: LoadTarget, plan: CellPlan, prompts: readonly (readonly number[])[], signal: AbortSignal): Promise<void> {
  if (prompts.length === 0) return;
  const limiter = new ConcurrencyLimiter(plan.concurrency);
  const replicas = target.baseUrls.length;
  const errors: string[] = [];
  await Promise.all(prompts.map(async (promptTokens, i) => {
    await limiter.acquire();
    try {
      const r = await target.streamRequest({ promptTokens, outputTokens: plan.outputTokens, fixedLength: plan.fixedLength, replica: i % replicas }, signal);
      const failure = failureOf(r);
      if (failure !== null) errors.push(failure);
    } catch (error) {
      errors.push(errorMessage(error));
    } finally {
      limiter.release();
    }
  }));
  if (!signal.aborted && errors.length === prompts.length) throw new Error(`every warmup request failed (${errors[0]}); the server is not answering completions`);
}

function failedRequest(atMs: number, error: string): StreamedRequest {
  return { sentAtMs: atMs, chunkTimesMs: [], chunkTokens: [], outputTokens: 0, fixedLengthHonoured: false, error };
}

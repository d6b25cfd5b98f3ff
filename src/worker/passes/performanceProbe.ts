import { performance } from 'node:perf_hooks';
import type { ModelVariant } from '../../shared/modelTypes';
import type { ExecutionProviderChoice } from '../../shared/report/schema';
import { errorMessage } from '../../shared/errors';
import { OnnxDecoderBackend } from '../backend/onnxBackend';

/** Parent → probe: measure this variant. */
export interface ProbeRequest {
  type: 'probe';
  modelFolder: string;
  variant: ModelVariant;
  executionProvider: ExecutionProviderChoice;
  threads: { intraOp: number; interOp: number };
  promptTokens: number[];
  outputTokens: number;
  warmups: number;
  repetitions: number;
}

/** One timed request: when it started and when each token was available (ms). */
export interface TimedRequest {
  startedAtMs: number;
  tokenTimesMs: number[];
}

export type ProbeMessage =
  | { type: 'loaded'; executionProvider: string; loadMs: number; rssBeforeLoadBytes: number; rssAfterLoadBytes: number }
  | { type: 'measured'; requests: TimedRequest[]; maxRssBytes: number }
  | { type: 'probe-error'; message: string };

/**
 * Runs in a fresh process (worker bundle with --perf-probe), so its memory figures are this
 * variant's alone. Loads once, then warmups + repetitions of a fixed prompt and a fixed output
 * length with EOS ignored.
 */
export function runPerformanceProbe(): void {
  process.once('message', (message: ProbeRequest) => {
    void measure(message)
      .catch((error) => send({ type: 'probe-error', message: errorMessage(error) }))
      .finally(() => process.disconnect?.());
  });
}

async function measure(request: ProbeRequest): Promise<void> {
  const rssBeforeLoadBytes = process.memoryUsage().rss;
  const started = performance.now();
  const backend = await OnnxDecoderBackend.load({
    modelFolder: request.modelFolder,
    variant: request.variant,
    executionProvider: request.executionProvider,
    threads: request.threads,
    eosTokenIds: [],
  });
  const loadMs = performance.now() - started;
  send({ type: 'loaded', executionProvider: backend.executionProvider, loadMs, rssBeforeLoadBytes, rssAfterLoadBytes: process.memoryUsage().rss });
  const requests: TimedRequest[] = [];
  for (let i = 0; i < request.warmups + request.repetitions; i++) {
    const result = await backend.generateGreedy(request.promptTokens, { maxNewTokens: request.outputTokens, stopOnEos: false });
    if (i >= request.warmups) requests.push({ startedAtMs: result.startedAtMs, tokenTimesMs: result.tokenTimesMs });
  }
  send({ type: 'measured', requests, maxRssBytes: process.resourceUsage().maxRSS * 1024 });
  await backend.dispose();
}

function send(message: ProbeMessage): void {
  process.send?.(message);
}

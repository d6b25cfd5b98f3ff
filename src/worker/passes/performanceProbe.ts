import { performance } from 'node:perf_hooks';
import { needsMoreIterations, workloadLabel } from '../../shared/perf/sweep';
import { errorMessage } from '../../shared/errors';
import { unknownMessageError } from '../../shared/messageGuards';
import { loadProbeDecoder, ProbeDecoder } from './probeDecoder';
import { isProbeRequest, ProbeCell, ProbeMessage, ProbeRequest, TimedIteration } from './probeProtocol';

/**
 * Runs in a fresh process (worker bundle with --perf-probe), so its memory figures are this
 * variant's alone. Loads once, then per cell: warmups, prefill alone (max_new_tokens 1) and then
 * full requests of a fixed output length with EOS ignored, each until both floors are met.
 */
export function runPerformanceProbe(): void {
  process.once('message', (message: unknown) => {
    const measuring = isProbeRequest(message) ? measure(message) : Promise.reject(unknownMessageError('the performance probe', message));
    void measuring
      .catch((error) => send({ type: 'probe-error', message: errorMessage(error) }))
      .finally(() => process.disconnect?.());
  });
}

async function measure(request: ProbeRequest): Promise<void> {
  const rssBeforeLoadBytes = process.memoryUsage().rss;
  const fallbacks: Array<{ provider: string; reason: string }> = [];
  const started = performance.now();
  const backend = await loadProbeDecoder({
    modelFolder: request.modelFolder,
    variant: request.variant,
    executionProvider: request.executionProvider,
    threads: request.threads,
    onFallback: (provider, reason) => fallbacks.push({ provider, reason }),
  });
  const loadMs = performance.now() - started;
  send({ type: 'loaded', executionProvider: backend.executionProvider, loadMs, rssBeforeLoadBytes, rssAfterLoadBytes: process.memoryUsage().rss, fallbacks, kvElementBytes: backend.kvElementBytes });
  const eos = new Set(request.eosTokenIds);
  for (const [index, cell] of request.cells.entries()) {
    send({ type: 'cell-started', index });
    const { prefillMs, iterations } = await measureCell(backend, cell, request.warmups, eos);
    send({ type: 'cell-measured', index, prefillMs, iterations, rssBytes: process.memoryUsage().rss });
  }
  send({ type: 'measured', maxRssBytes: process.resourceUsage().maxRSS * 1024 });
  await backend.dispose();
}

/**
 * `concurrency` requests of `batchSize` rows, all submitted at one moment. onnxruntime-node runs
 * session.run on the calling thread, so requests in flight together advance step by step in turn:
 * the figures show queueing under load, as a single-process server would see it.
 */
export async function submitTogether(backend: ProbeDecoder, cell: Pick<ProbeCell, 'workload' | 'prompts'>, maxNewTokens: number, eos: ReadonlySet<number>): Promise<TimedIteration> {
  const { batchSize, concurrency } = cell.workload;
  const submittedAt = performance.now();
  const results = await Promise.all(Array.from({ length: concurrency }, (_, r) =>
    backend.generateGreedyBatch(cell.prompts.slice(r * batchSize, (r + 1) * batchSize), { maxNewTokens, stopOnEos: false })));
  return {
    requests: results.map((result) => ({
      startedAtMs: submittedAt,
      tokenTimesMs: result.tokenTimesMs,
      rows: batchSize,
      firstEos: result.rows.map((tokens) => {
        const at = tokens.findIndex((t) => eos.has(t));
        return at < 0 ? null : at;
      }),
    })),
  };
}

async function measureCell(backend: ProbeDecoder, cell: ProbeCell, warmups: number, eos: ReadonlySet<number>): Promise<{ prefillMs: number[]; iterations: TimedIteration[] }> {
  const output = cell.workload.outputTokens;
  const { limits } = backend;
  if (limits && (cell.workload.batchSize > limits.maxBatchSize || cell.workload.concurrency > limits.maxConcurrency)) {
    throw new Error(`cell ${workloadLabel(cell.workload)} asks for batch ${cell.workload.batchSize} × concurrency ${cell.workload.concurrency}, but ${limits.why}: time it at batch ≤ ${limits.maxBatchSize} and concurrency ≤ ${limits.maxConcurrency} (quantlens.performance.batchSizes / concurrency)`);
  }
  for (let i = 0; i < warmups; i++) await submitTogether(backend, cell, output, eos);
  const prefillMs: number[] = [];
  let done = 0;
  let started = performance.now();
  while (needsMoreIterations(done, performance.now() - started, cell.minIterations, cell.minMs)) {
    const iteration = await submitTogether(backend, cell, 1, eos);
    for (const r of iteration.requests) prefillMs.push(r.tokenTimesMs[0]! - r.startedAtMs);
    done++;
  }
  const iterations: TimedIteration[] = [];
  started = performance.now();
  while (needsMoreIterations(iterations.length, performance.now() - started, cell.minIterations, cell.minMs)) {
    iterations.push(await submitTogether(backend, cell, output, eos));
  }
  return { prefillMs, iterations };
}

function send(message: ProbeMessage): void {
  process.send?.(message);
}

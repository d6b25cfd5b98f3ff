import { fork } from 'node:child_process';
import { summarizeDistribution } from '../../shared/stats/summary';
import type { PerformanceUnitResult } from '../../shared/report/schema';
import { MemorySampler } from '../../node/memorySampler';
import type { ProbeMessage, ProbeRequest, TimedRequest } from './performanceProbe';

/** Latency figures of timed requests, by the vLLM definitions (METRICS.md). */
export function latencyFigures(requests: readonly TimedRequest[]): Pick<PerformanceUnitResult, 'ttftMs' | 'tpotMs' | 'itlMs' | 'e2eMs' | 'outputTokensPerSecond'> {
  const ttft: number[] = [];
  const tpot: number[] = [];
  const itl: number[] = [];
  const e2e: number[] = [];
  const throughput: number[] = [];
  for (const r of requests) {
    const n = r.tokenTimesMs.length;
    if (n === 0) continue;
    const first = r.tokenTimesMs[0]! - r.startedAtMs;
    const total = r.tokenTimesMs[n - 1]! - r.startedAtMs;
    ttft.push(first);
    e2e.push(total);
    throughput.push(n / (total / 1000));
    if (n > 1) tpot.push((total - first) / (n - 1));
    for (let i = 1; i < n; i++) itl.push(r.tokenTimesMs[i]! - r.tokenTimesMs[i - 1]!);
  }
  return {
    ttftMs: summarizeDistribution(ttft),
    tpotMs: summarizeDistribution(tpot),
    itlMs: summarizeDistribution(itl),
    e2eMs: summarizeDistribution(e2e),
    outputTokensPerSecond: summarizeDistribution(throughput),
  };
}

/**
 * Measures one variant in a fresh child process while sampling its RSS from here every ~10 ms.
 * `workerScript` is this worker's own bundle, which becomes a probe with --perf-probe.
 */
export function runPerformanceUnit(workerScript: string, request: ProbeRequest, shouldStop: () => boolean): Promise<PerformanceUnitResult | null> {
  return new Promise((resolve, reject) => {
    const child = fork(workerScript, ['--perf-probe'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    const sampler = new MemorySampler(child.pid!);
    sampler.start();
    let loaded: Extract<ProbeMessage, { type: 'loaded' }> | undefined;
    let settled = false;
    const finish = (value: PerformanceUnitResult | null, error?: Error): void => {
      if (settled) return;
      settled = true;
      clearInterval(cancelPoll);
      sampler.stop();
      if (child.exitCode === null) child.kill();
      if (error) reject(error);
      else resolve(value);
    };
    const cancelPoll = setInterval(() => {
      if (shouldStop()) finish(null);
    }, 50);
    child.on('message', (message: ProbeMessage) => {
      if (message.type === 'loaded') loaded = message;
      else if (message.type === 'probe-error') finish(null, new Error(message.message));
      else if (message.type === 'measured') {
        sampler.stop();
        const peak = Math.max(sampler.peakRssBytes, loaded?.rssAfterLoadBytes ?? 0);
        finish({
          kind: 'performance',
          variantId: request.variant.id,
          executionProvider: loaded?.executionProvider ?? 'unknown',
          loadMs: loaded?.loadMs ?? NaN,
          sessionRssBytes: loaded ? loaded.rssAfterLoadBytes - loaded.rssBeforeLoadBytes : NaN,
          peakRssBytes: peak,
          highWaterRssBytes: Math.max(sampler.highWaterBytes, message.maxRssBytes),
          rssSampleIntervalMs: sampler.samples > 0 ? sampler.intervalMs : NaN,
          promptTokens: request.promptTokens.length,
          outputTokens: request.outputTokens,
          ...latencyFigures(message.requests),
        });
      }
    });
    child.on('exit', (code, signal) => finish(null, new Error(`the performance probe for ${request.variant.id} exited (${signal ?? `code ${code}`}) before reporting`)));
    child.on('error', (error) => finish(null, error));
    child.send(request);
  });
}

import { fork } from 'node:child_process';
import { summarizeDistribution } from '../../shared/stats/summary';
import type { GpuMemoryReading, OutputLengthCheck, PerformanceCell, PerformanceUnitResult } from '../../shared/report/schema';
import { isNoisy } from '../../shared/perf/noise';
import type { PerformanceWorkload } from '../../shared/perf/sweep';
import { MemorySampler } from '../perf/memorySampler';
import { nvidiaGpuPresence, readGpuMemory } from '../perf/gpuMemory';
import { unknownMessageError } from '../../shared/messageGuards';
import { isProbeMessage, ProbeLoadedMessage, ProbeRequest, TimedIteration, TimedRequest } from './probeProtocol';

type LatencyFigures = Pick<PerformanceUnitResult, 'ttftMs' | 'tpotMs' | 'itlMs' | 'e2eMs' | 'outputTokensPerSecond'>;

/** Latency figures of timed requests, by the vLLM definitions (docs/metrics.md, "Latency and throughput"). Throughput counts every row of a batched request. */
export function latencyFigures(requests: readonly TimedRequest[]): LatencyFigures {
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
    throughput.push(((r.rows ?? 1) * n) / (total / 1000));
    if (n > 1) tpot.push((total - first) / (n - 1));
    for (let i = 1; i < n; i++) itl.push(r.tokenTimesMs[i]! - r.tokenTimesMs[i - 1]!);
  }
  return {
    ttftMs: summarizeDistribution(ttft),
    tpotMs: tpot.length ? summarizeDistribution(tpot) : null,
    itlMs: itl.length ? summarizeDistribution(itl) : null,
    e2eMs: summarizeDistribution(e2e),
    outputTokensPerSecond: summarizeDistribution(throughput),
  };
}

/** Under load: per iteration, Σ output tokens / wall duration and completed requests / wall duration. */
export function loadFigures(iterations: readonly TimedIteration[]): { outputTokensPerSecond: number[]; requestsPerSecond: number[]; seconds: number } {
  const tokens: number[] = [];
  const requests: number[] = [];
  let seconds = 0;
  for (const it of iterations) {
    if (it.requests.length === 0) continue;
    const start = Math.min(...it.requests.map((r) => r.startedAtMs));
    const end = Math.max(...it.requests.map((r) => r.tokenTimesMs.at(-1) ?? r.startedAtMs));
    const wall = (end - start) / 1000;
    const out = it.requests.reduce((sum, r) => sum + (r.rows ?? 1) * r.tokenTimesMs.length, 0);
    seconds += wall;
    tokens.push(out / wall);
    requests.push(it.requests.length / wall);
  }
  return { outputTokensPerSecond: tokens, requestsPerSecond: requests, seconds };
}

/** Output lengths are fixed by design; any spread is drift, and an EOS inside says natural decoding would have stopped early. */
export function outputLengthCheck(requests: readonly TimedRequest[], expected: number): OutputLengthCheck {
  const lengths = requests.map((r) => r.tokenTimesMs.length);
  const eos: number[] = [];
  let rows = 0;
  for (const r of requests) {
    for (const at of r.firstEos ?? []) {
      rows++;
      if (at !== null && at < expected - 1) eos.push(at);
    }
  }
  const min = lengths.length ? Math.min(...lengths) : 0;
  const max = lengths.length ? Math.max(...lengths) : 0;
  return {
    expected,
    min,
    max,
    drift: min !== expected || max !== expected,
    eosBeforeEnd: rows ? eos.length / rows : 0,
    medianEosIndex: eos.length ? summarizeDistribution(eos).median : null,
  };
}

/** What one probe process measured in one cell. */
export interface CellMeasurement {
  prefillMs: number[];
  iterations: TimedIteration[];
  peakRssBytes: number;
  gpuMemory: GpuMemoryReading;
}

/** What one probe process measured. */
export interface ProbeOutcome {
  executionProvider: string;
  fallbacks: Array<{ provider: string; reason: string }>;
  kvElementBytes: number;
  loadMs: number;
  sessionRssBytes: number;
  peakRssBytes: number;
  highWaterRssBytes: number;
  rssSampleIntervalMs: number;
  cells: CellMeasurement[];
}

/** Pools one cell's measurements over the rounds into its statistics. */
export function summarizeCell(workload: PerformanceWorkload, rounds: readonly CellMeasurement[], kvCacheBytes: number): PerformanceCell {
  const iterations = rounds.flatMap((m) => m.iterations);
  const requests = iterations.flatMap((it) => it.requests);
  const latency = latencyFigures(requests);
  const load = loadFigures(iterations);
  const gpu = rounds.map((m) => m.gpuMemory);
  return {
    ...workload,
    iterations: iterations.length,
    seconds: load.seconds,
    prefillMs: summarizeDistribution(rounds.flatMap((m) => m.prefillMs)),
    ttftMs: latency.ttftMs,
    tpotMs: latency.tpotMs,
    itlMs: latency.itlMs,
    e2eMs: latency.e2eMs,
    outputTokensPerSecond: summarizeDistribution(load.outputTokensPerSecond),
    requestsPerSecond: summarizeDistribution(load.requestsPerSecond),
    tpotMsByRound: latency.tpotMs ? rounds.map((m) => latencyFigures(m.iterations.flatMap((it) => it.requests)).tpotMs?.mean ?? 0) : [],
    peakRssBytes: Math.max(...rounds.map((m) => m.peakRssBytes)),
    kvCacheBytes,
    gpuMemory: gpu.reduce((best, g) => ((g.deviceUsedBytes ?? -1) > (best.deviceUsedBytes ?? -1) ? g : best), gpu[0]!),
    outputLength: outputLengthCheck(requests, workload.outputTokens),
    // Prefill-only cells have no TPOT; their noise is judged on TTFT.
    noisy: isNoisy(latency.tpotMs ?? latency.ttftMs),
  };
}

let gpuPresence: ReturnType<typeof nvidiaGpuPresence> | undefined;

/** CPU stacks: onnxruntime's cpu provider and node-llama-cpp's CPU build ('llama.cpp-cpu'). */
export function runsOnGpu(provider: string): boolean {
  return provider !== 'cpu' && !provider.endsWith('-cpu') && provider !== 'unknown';
}

function gpuMemoryOf(provider: string, pid: number): GpuMemoryReading {
  // Any GPU stack (cuda, tensorrt, webgpu through Vulkan, llama.cpp's cuda/vulkan builds) is read;
  // nvidia-smi simply has nothing to say about a non-NVIDIA GPU and the reason says so.
  if (runsOnGpu(provider)) return readGpuMemory(pid);
  gpuPresence ??= nvidiaGpuPresence();
  return { source: 'none', reason: `the session runs on ${provider}, so no GPU memory is in use${gpuPresence.present ? '' : ` (${gpuPresence.reason})`}` };
}

/**
 * Measures one variant in a fresh child process while sampling its RSS from here every ~10 ms,
 * with the peak kept per cell. `workerScript` is this worker's own bundle, which becomes a probe
 * with --perf-probe.
 */
export function runProbeProcess(workerScript: string, request: ProbeRequest, shouldStop: () => boolean): Promise<ProbeOutcome | null> {
  return new Promise((resolve, reject) => {
    const child = fork(workerScript, ['--perf-probe'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    const sampler = new MemorySampler(child.pid!);
    sampler.start();
    let loaded: ProbeLoadedMessage | undefined;
    const cells: CellMeasurement[] = [];
    let settled = false;
    const finish = (value: ProbeOutcome | null, error?: Error): void => {
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
    child.on('message', (message: unknown) => {
      if (!isProbeMessage(message)) finish(null, unknownMessageError(`the performance phase (probe for ${request.variant.id})`, message));
      else if (message.type === 'loaded') loaded = message;
      else if (message.type === 'cell-started') sampler.startWindow();
      else if (message.type === 'cell-measured') {
        sampler.sample();
        // Where the parent cannot read the child's memory (no /proc), the probe's own reading stands in.
        const peak = Math.max(sampler.windowPeakRssBytes, message.rssBytes);
        cells[message.index] = { prefillMs: message.prefillMs, iterations: message.iterations, peakRssBytes: peak, gpuMemory: gpuMemoryOf(loaded?.executionProvider ?? 'unknown', child.pid!) };
      } else if (message.type === 'probe-error') finish(null, new Error(message.message));
      else if (message.type === 'measured') {
        sampler.stop();
        finish({
          executionProvider: loaded?.executionProvider ?? 'unknown',
          fallbacks: loaded?.fallbacks ?? [],
          kvElementBytes: loaded?.kvElementBytes ?? 4,
          loadMs: loaded?.loadMs ?? NaN,
          sessionRssBytes: loaded ? loaded.rssAfterLoadBytes - loaded.rssBeforeLoadBytes : NaN,
          peakRssBytes: Math.max(sampler.peakRssBytes, loaded?.rssAfterLoadBytes ?? 0, ...cells.map((c) => c.peakRssBytes)),
          highWaterRssBytes: Math.max(sampler.highWaterBytes, message.maxRssBytes),
          rssSampleIntervalMs: sampler.samples > 0 ? sampler.intervalMs : NaN,
          cells,
        });
      }
    });
    child.on('exit', (code, signal) => finish(null, new Error(`the performance probe for ${request.variant.id} exited (${signal ?? `code ${code}`}) before reporting`)));
    child.on('error', (error) => finish(null, error));
    child.send(request);
  });
}

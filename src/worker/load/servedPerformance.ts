import { setMaxListeners } from 'node:events';
import { headlineFigures } from '../perf/headlineFigures';
import type { PerformanceCell, PerformanceSweep, PerformanceUnitResult } from '../../shared/report/schema';
import type { PromptSource } from '../inputs/exactLengthPrompts';
import type { PerformanceProgress } from '../passes/performancePhase';
import { LoadClock, realClock } from './clock';
import { cellLabel, PassRecord, SERVED_METRIC_DEFINITIONS, summarizeServedCell } from './loadMetrics';
import { promptSlices, requestsPerPass, resolveLoadSweep, servedCells } from './loadSweep';
import type { LoadTarget } from './loadTarget';
import { runPass, warmUp } from './runPass';

/** What the engine hands over for a served variant's performance unit (all of it from the run spec). */
export interface ServedPerformanceSpec {
  variantId: string;
  /** spec.performance.sweep: input and output lengths, concurrency, rounds, and `load` (rates, burstiness, SLOs, …). */
  sweep: Pick<PerformanceSweep, 'inputLengths' | 'outputLengths' | 'concurrency' | 'rounds' | 'load'>;
  /** spec.performance.warmups: warmup requests per cell unless `sweep.load` says otherwise. */
  warmups: number;
  /** spec.seed: the arrival times' seed unless `sweep.load` says otherwise. */
  seed: number;
}

export interface ServedPerformanceOptions {
  /** Tests pass a virtual clock; the real one is performance.now() and timers. */
  clock?: LoadClock;
  /** How often shouldStop is polled while requests are in flight (ms of real time). */
  stopPollMs?: number;
}

/**
 * A served variant's performance unit: every cell of the load sweep (input × output length ×
 * concurrency × request rate), each warmed up and then run `passes` times, measured by the vLLM
 * definitions (loadMetrics.ts). Prompts are exact-length slices of the corpus, a fresh slice per
 * request. Resolves null when `shouldStop` turns true (the in-flight streams are aborted).
 */
export async function runServedPerformance(target: LoadTarget, spec: ServedPerformanceSpec, prompts: PromptSource, progress: PerformanceProgress, shouldStop: () => boolean, options: ServedPerformanceOptions = {}): Promise<PerformanceUnitResult | null> {
  const clock = options.clock ?? realClock;
  const load = resolveLoadSweep(spec.sweep.load, { warmups: spec.warmups, rounds: spec.sweep.rounds, seed: spec.seed });
  const plans = servedCells(spec.sweep, load);
  const hosts = target.baseUrls.map(hostOf);
  const total = plans.reduce((n, c) => n + load.warmupRequests + load.passes * requestsPerPass(load, c), 0);
  const controller = new AbortController();
  // Every request in flight listens on this one signal (its fetch, its stream): more than Node's default 10.
  setMaxListeners(Infinity, controller.signal);
  const poll = setInterval(() => {
    if (shouldStop()) controller.abort();
  }, options.stopPollMs ?? 50);
  poll.unref?.();
  const notes: string[] = [];
  const cells: PerformanceCell[] = [];
  let done = 0;
  let lastProgress = -Infinity;
  const tick = (): void => {
    done++;
    // At most a few progress messages a second: the engine forwards each one.
    const now = clock.now();
    if (now - lastProgress >= 250) {
      lastProgress = now;
      progress(done, total, spec.variantId);
    }
  };
  try {
    let slice = 0;
    let wrapped = false;
    for (const [index, plan] of plans.entries()) {
      if (shouldStop()) return null;
      const perPass = requestsPerPass(load, plan);
      const cut = promptSlices(prompts, plan.inputTokens, slice, load.warmupRequests + load.passes * perPass);
      slice += cut.prompts.length;
      wrapped ||= cut.wrapped;
      await warmUp(target, plan, cut.prompts.slice(0, load.warmupRequests), controller.signal);
      done += load.warmupRequests;
      const passes: PassRecord[] = [];
      for (let p = 0; p < load.passes; p++) {
        const first = load.warmupRequests + p * perPass;
        passes.push(await runPass(target, plan, cut.prompts.slice(first, first + perPass), `${load.seed}:${index}:${p}`, clock, controller.signal, tick));
        if (controller.signal.aborted || shouldStop()) return null;
      }
      try {
        cells.push(summarizeServedCell(plan, passes, hosts));
      } catch (error) {
        throw new Error(`${spec.variantId} (${hosts.join(', ')}): ${(error as Error).message}`);
      }
    }
    if (wrapped) notes.push('The corpus is too short for a fresh prompt slice per request: prompts repeat, so a server with prefix caching may answer some from its cache and TTFT reads low. Give a longer corpus.');
    const failed = cells.reduce((n, c) => n + c.served!.failed, 0);
    const requests = cells.reduce((n, c) => n + c.served!.requests, 0);
    if (failed) notes.push(`${failed} of ${requests} timed requests failed after their retries; they are in no latency figure and count against goodput.`);
    const notHonoured = cells.filter((c) => c.served!.fixedLength.asked && !c.served!.fixedLength.honoured);
    if (notHonoured.length) notes.push(`The server did not honour the fixed output length (ignore_eos / min_tokens) in ${notHonoured.length} of ${cells.length} cells (${notHonoured.map((c) => cellLabel({ ...c, requestRate: c.served!.requestRate })).join('; ')}): their per-token figures are not comparable with fixed-length ones.`);
    progress(total, total, spec.variantId);
    return {
      kind: 'performance',
      variantId: spec.variantId,
      executionProvider: 'served',
      loadMs: null,
      sessionRssBytes: null,
      peakRssBytes: null,
      highWaterRssBytes: null,
      rssSampleIntervalMs: null,
      ...headlineFigures(cells),
      rounds: load.passes,
      cells,
      served: { definitions: SERVED_METRIC_DEFINITIONS, hosts, load, requests, failed, fixedLengthHonoured: notHonoured.length === 0, notes },
    };
  } finally {
    clearInterval(poll);
    controller.abort();
  }
}

/** scheme://host:port of a base URL, never its credentials, path or query. */
export function hostOf(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    return `${url.protocol}//${url.host}`;
  } catch {
    return 'an unparsable URL';
  }
}

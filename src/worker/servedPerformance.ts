import type { ModelVariant } from '../shared/modelTypes';
import { compareCells } from '../shared/perf/noise';
import type { PerformanceUnitResult } from '../shared/report/schema';
import type { ModelBackend } from './backend/modelBackend';
import type { LoadTarget } from './load/loadTarget';
import { runServedPerformance } from './load/servedPerformance';
import type { PerformanceProgress } from './passes/performancePhase';
import type { PreparedRun } from './runSetup';

/** The endpoint backend is the load generator's target too; an in-process backend is not. */
function isLoadTarget(backend: ModelBackend): backend is ModelBackend & LoadTarget {
  return typeof (backend as Partial<LoadTarget>).streamRequest === 'function' && Array.isArray((backend as Partial<LoadTarget>).baseUrls);
}

/**
 * A served variant's performance unit: the load sweep (src/worker/load/) over HTTP from this
 * process, against its endpoint backend as the LoadTarget, instead of a probe process (the
 * server's memory and load time are not the client's to measure). The sweep is the run spec's:
 * its input/output lengths and concurrency, and `load` (rates, burstiness, SLOs) resolved by runSetup.
 */
export async function measureServedPerformance(variant: ModelVariant, backend: ModelBackend, prepared: PreparedRun, progress: PerformanceProgress, shouldStop: () => boolean, baseline?: PerformanceUnitResult): Promise<PerformanceUnitResult | null> {
  if (!isLoadTarget(backend)) throw new Error(`${variant.id} is served, but its backend cannot stream load requests`);
  if (!prepared.performanceSource) throw new Error('no corpus to cut performance prompts from');
  const { spec } = prepared;
  const sweep = spec.performance.sweep!;
  const result = await runServedPerformance(backend, { variantId: variant.id, sweep, warmups: spec.performance.warmups, seed: spec.seed }, prepared.performanceSource, progress, shouldStop);
  if (result && baseline && baseline.variantId !== variant.id) compareWithBaseline(result, baseline);
  return result;
}

/**
 * Each served cell against the baseline's cell of the same workload (input and output lengths,
 * concurrency; every request rate of the served sweep against the one baseline cell), so "TPOT vs
 * base" is filled for served variants too. The baseline was timed in another way (in-process probe
 * processes, or another server), so the comparison says when the stacks differ.
 */
export function compareWithBaseline(result: PerformanceUnitResult, baseline: PerformanceUnitResult): void {
  const otherStack = result.executionProvider !== baseline.executionProvider;
  for (const cell of result.cells ?? []) {
    const base = baseline.cells?.find((b) => b.inputTokens === cell.inputTokens && b.outputTokens === cell.outputTokens && b.batchSize === 1 && b.concurrency === cell.concurrency);
    if (base) cell.vsBaseline = { ...compareCells(cell, base), ...(otherStack ? { otherStack: true as const } : {}) };
  }
}

import type { ModelVariant } from '../shared/modelTypes';
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
export async function measureServedPerformance(variant: ModelVariant, backend: ModelBackend, prepared: PreparedRun, progress: PerformanceProgress, shouldStop: () => boolean): Promise<PerformanceUnitResult | null> {
  if (!isLoadTarget(backend)) throw new Error(`${variant.id} is served, but its backend cannot stream load requests`);
  if (!prepared.performanceSource) throw new Error('no corpus to cut performance prompts from');
  const { spec } = prepared;
  const sweep = spec.performance.sweep!;
  return runServedPerformance(backend, { variantId: variant.id, sweep, warmups: spec.performance.warmups, seed: spec.seed }, prepared.performanceSource, progress, shouldStop);
}

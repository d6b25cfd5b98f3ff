import type { ModelVariant } from '../shared/modelTypes';
import type { PerformanceUnitResult } from '../shared/report/schema';
import type { ModelBackend } from './backend/modelBackend';
import type { PerformanceProgress } from './passes/performancePhase';
import type { PreparedRun } from './runSetup';

/**
 * A served variant's performance unit: the load sweep (src/worker/load/) over HTTP from this
 * process, against its endpoint backend as the LoadTarget, instead of a probe process (the
 * server's memory and load time are not the client's to measure).
 */
export async function measureServedPerformance(variant: ModelVariant, backend: ModelBackend, _prepared: PreparedRun, _progress: PerformanceProgress, _shouldStop: () => boolean): Promise<PerformanceUnitResult | null> {
  void backend;
  throw new Error(`${variant.id} is served at ${variant.served!.hosts.join(', ')}, and this build of QuantLens has no served load sweep yet`);
}

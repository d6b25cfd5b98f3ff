import type { LockstepUnitResult, PerformanceUnitResult, PerplexityUnitResult, RunCard, RunReport, SampleRecord, TaskUnitResult, UnitResult } from '../report/schema';

/** One run as the comparison reads it: its card, report, completed unit results and samples. */
export interface RunInput {
  folder: string;
  card: RunCard;
  report: RunReport;
  results: readonly UnitResult[];
  samples: readonly SampleRecord[];
}

export function unitOf<K extends UnitResult['kind']>(run: RunInput, kind: K, variantId: string): Extract<UnitResult, { kind: K }> | undefined {
  return run.results.find((r): r is Extract<UnitResult, { kind: K }> => r.kind === kind && r.variantId === variantId);
}

/** The corpus pass of a variant: its own perplexity unit for the baseline, the lockstep unit otherwise. */
export function corpusUnitOf(run: RunInput, variantId: string): PerplexityUnitResult | LockstepUnitResult | undefined {
  return unitOf(run, 'lockstep', variantId) ?? unitOf(run, 'perplexity', variantId);
}

export function performanceOf(run: RunInput, variantId: string): PerformanceUnitResult | undefined {
  return unitOf(run, 'performance', variantId);
}

export function tasksOf(run: RunInput, variantId: string): TaskUnitResult[] {
  return run.results.filter((r): r is TaskUnitResult => r.kind === 'task' && r.variantId === variantId);
}

import { explainRoofline } from '../perf/roofline';
import { checkVariants } from './comparability';
import { checkRunGoals } from './runGoals';
import { robustnessEntries } from '../robustness/robustnessReport';
import type { RunCard, RunReport, RunStatus, TaskSummary, TaskUnitResult, UnavailableMeasure, UnitResult, VariantSummary } from './schema';

/**
 * Folds the unit results of a run (from events.jsonl) into the summary report. Pure, so a view or a
 * resumed run rebuilds exactly the same report from the same events.
 */
/** `unavailable`: units the backend could not give (not scored, not failed), the last of each unit in events.jsonl. */
export function buildReport(card: RunCard, results: readonly UnitResult[], failures: RunReport['failures'], warnings: string[], status: RunStatus, finishedAt: string, unavailable: readonly UnavailableMeasure[] = []): RunReport {
  const byVariant = new Map<string, UnitResult[]>();
  for (const r of results) byVariant.set(r.variantId, [...(byVariant.get(r.variantId) ?? []), r]);
  const baselineId = card.spec.baselineId;
  const baselineCard = card.variants.find((v) => v.id === baselineId);
  const find = <K extends UnitResult['kind']>(variantId: string, kind: K): Extract<UnitResult, { kind: K }> | undefined =>
    byVariant.get(variantId)?.find((r): r is Extract<UnitResult, { kind: K }> => r.kind === kind);
  const basePerf = find(baselineId, 'performance');
  const taskUnitsOf = (variantId: string): TaskUnitResult[] => (byVariant.get(variantId) ?? []).filter((r): r is TaskUnitResult => r.kind === 'task');

  const variants: VariantSummary[] = card.variants.map((v) => {
    const isBaseline = v.id === baselineId;
    const lockstep = find(v.id, 'lockstep');
    const performance = find(v.id, 'performance');
    const summary: VariantSummary = {
      id: v.id,
      dtype: v.dtype,
      isBaseline,
      sizeBytes: v.sizeBytes,
      sizeRatioToBaseline: baselineCard && v.sizeBytes > 0 && baselineCard.sizeBytes > 0 ? v.sizeBytes / baselineCard.sizeBytes : NaN,
      perplexity: isBaseline ? find(v.id, 'perplexity')?.perplexity : lockstep?.perplexity,
      kld: lockstep?.kld,
      deltaPerplexity: lockstep ? lockstep.kld.pplDifference : isBaseline ? { value: 0, se: 0 } : undefined,
      generation: find(v.id, 'generation'),
      performance,
    };
    if (performance && basePerf) {
      summary.speedup = {
        tpot: basePerf.tpotMs && performance.tpotMs ? basePerf.tpotMs.mean / performance.tpotMs.mean : null,
        ttft: basePerf.ttftMs.mean / performance.ttftMs.mean,
        throughput: performance.outputTokensPerSecond.mean / basePerf.outputTokensPerSecond.mean,
      };
    }
    if (performance) summary.rooflineExplanation = explainRoofline(v.id, performance, baselineId, basePerf, performance.cells?.[0]?.vsBaseline?.resolved);
    const tasks = taskUnitsOf(v.id);
    if (tasks.length) summary.tasks = tasks.map(taskSummary);
    if (tasks.some((t) => t.perturbation)) summary.robustness = robustnessEntries(v.id, baselineId, results.filter((r): r is TaskUnitResult => r.kind === 'task'), card.spec.seed);
    const missing = unavailable.filter((u) => u.variantId === v.id);
    if (missing.length) summary.unavailable = missing;
    return summary;
  });
  // Run-level goals compare each variant with the baseline's summary, so they come once all exist.
  const baseline = variants.find((v) => v.isBaseline);
  for (const summary of variants) {
    if (!summary.isBaseline && card.spec.goals?.length) summary.goals = checkRunGoals(card.spec.goals, summary, baseline);
    const verdicts = [...taskUnitsOf(summary.id).flatMap((t) => t.goals ?? []), ...(summary.goals ?? [])];
    if (verdicts.length) summary.gatesPassed = verdicts.every((g) => g.pass);
  }
  return { schemaVersion: card.schemaVersion, runId: card.runId, status, finishedAt, baselineId, variants, failures, ...(unavailable.length ? { unavailable: [...unavailable] } : {}), warnings, comparability: checkVariants(card, results) };
}

/** A task unit as the report shows it: each metric with its comparison and the goals on it. */
function taskSummary(t: TaskUnitResult): TaskSummary {
  return {
    task: t.task,
    type: t.taskType,
    file: t.taskFile,
    n: t.itemKeys.length,
    metrics: t.metrics.map(({ itemValues: _itemValues, ...m }) => {
      const vsBaseline = t.comparisons?.find((c) => c.metric === m.metric);
      const goals = t.goals?.filter((g) => g.metric === m.metric);
      return { ...m, ...(vsBaseline ? { vsBaseline } : {}), ...(goals?.length ? { goals } : {}) };
    }),
    ...(t.calibration ? { calibration: t.calibration } : {}),
  };
}

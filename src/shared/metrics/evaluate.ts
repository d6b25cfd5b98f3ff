/**
 * Turning per-item scores into what a report carries: the corpus value with its uncertainty
 * (a seeded bootstrap interval for every aggregate, plus the standard error where the metric is a
 * mean), and the paired comparison of a variant against the baseline on the same items.
 */
import { BootstrapInterval, BootstrapOptions, bootstrapInterval } from '../stats/bootstrap';
import { Goal, GateVerdict, evaluateGoal } from '../stats/gates';
import { Flips, McNemarResult, PairedBootstrapResult, TostResult, countFlips, mcnemar, pairedBootstrap, pairedTost } from '../stats/paired';
import { AnyMetric, InputKind, ItemScore, Metric, MetricInput } from './types';

export function scoreItems<S>(metric: Metric<InputKind, S>, inputs: readonly MetricInput[]): ItemScore<S>[] {
  return inputs.map((input) => metric.score(input));
}

export interface MetricSummary {
  metric: string;
  n: number;
  value: number;
  /** Sample std / sqrt(n) for mean metrics (lm-evaluation-harness mean_stderr); the bootstrap se otherwise. */
  se: number;
  seMethod: 'stderr' | 'bootstrap';
  ci: BootstrapInterval;
  details: Record<string, number>;
  signature?: string;
  warnings: string[];
}

function sampleStderr(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return NaN;
  let mean = 0;
  for (const v of values) mean += v;
  mean /= n;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return Math.sqrt(squares / (n - 1)) / Math.sqrt(n);
}

export function summarizeMetric(metric: AnyMetric, items: readonly ItemScore[], options: BootstrapOptions = {}): MetricSummary {
  const stats = items.map((i) => i.stats);
  const m = metric as Metric<InputKind, unknown>;
  const corpus = m.corpus(stats);
  const ci = bootstrapInterval(stats.length, (indices) => m.aggregate(stats, indices), options);
  const useStderr = metric.uncertainty === 'stderr' && metric.aggregation === 'mean';
  const summary: MetricSummary = {
    metric: metric.name,
    n: items.length,
    value: corpus.value,
    se: useStderr ? sampleStderr(items.map((i) => i.value)) : ci.se,
    seMethod: useStderr ? 'stderr' : 'bootstrap',
    ci,
    details: corpus.details,
    warnings: corpus.warnings,
  };
  if (corpus.signature) summary.signature = corpus.signature;
  return summary;
}

export interface ComparisonOptions {
  bootstrap?: BootstrapOptions;
  /** Run TOST at this margin (metric units) when the metric is a mean of item values. */
  equivalenceMargin?: number;
  /** TOST alpha (default 0.05). */
  alpha?: number;
}

export interface MetricComparison {
  metric: string;
  n: number;
  higherIsBetter: boolean;
  baseline: number;
  variant: number;
  /** variant − baseline. */
  delta: number;
  /** Paired bootstrap of the delta over the same items. */
  paired: PairedBootstrapResult;
  /** For right/wrong metrics (acc, EM): flips and McNemar's test. */
  flips?: Flips;
  mcnemar?: McNemarResult;
  /** For mean metrics when a margin is given. */
  tost?: TostResult;
}

/** Item i of `baseline` and item i of `variant` must be the same dataset item. */
export function compareMetric(
  metric: AnyMetric,
  baseline: readonly ItemScore[],
  variant: readonly ItemScore[],
  options: ComparisonOptions = {},
): MetricComparison {
  if (baseline.length !== variant.length) {
    throw new RangeError(`paired comparison needs the same items: baseline has ${baseline.length}, variant has ${variant.length}`);
  }
  const m = metric as Metric<InputKind, unknown>;
  const baseStats = baseline.map((i) => i.stats);
  const varStats = variant.map((i) => i.stats);
  const paired = pairedBootstrap(
    baseline.length,
    (idx) => m.aggregate(baseStats, idx),
    (idx) => m.aggregate(varStats, idx),
    options.bootstrap,
  );
  const out: MetricComparison = {
    metric: metric.name,
    n: baseline.length,
    higherIsBetter: metric.higherIsBetter,
    baseline: paired.baseline,
    variant: paired.variant,
    delta: paired.delta,
    paired,
  };
  if (metric.binary) {
    const top = metric.range[1];
    const b = baseline.map((i) => i.value >= top);
    const v = variant.map((i) => i.value >= top);
    out.flips = countFlips(b, v);
    out.mcnemar = mcnemar(b, v);
  }
  if (options.equivalenceMargin !== undefined && metric.aggregation === 'mean' && baseline.length > 1) {
    out.tost = pairedTost(
      baseline.map((i) => i.value),
      variant.map((i) => i.value),
      options.equivalenceMargin,
      options.alpha,
    );
  }
  return out;
}

/**
 * A task-file goal checked against a comparison: the paired bootstrap interval of the delta is the
 * CI evidence, the paired t TOST (when the metric is a mean) the equivalence evidence.
 */
export function checkGoal(goal: Goal, comparison: MetricComparison): GateVerdict {
  const { paired, tost } = comparison;
  return evaluateGoal(goal, comparison.baseline, comparison.variant, comparison.higherIsBetter, {
    deltaCi: { low: paired.low, high: paired.high, confidence: paired.confidence, method: 'paired percentile bootstrap of the delta (same items)' },
    ...(tost ? { tost: { margin: tost.margin, equivalent: tost.equivalent, pValue: tost.pValue, ci: tost.ci, method: `paired t TOST (${Math.round((1 - 2 * tost.alpha) * 100)}% interval)` } } : {}),
    ...(!tost && goal.evidence === 'equivalence' ? { noCiReason: 'TOST needs a metric averaged over items and a positive margin' } : {}),
  });
}

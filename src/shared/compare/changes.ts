import { pairedBootstrap } from '../stats/paired';
import { studentTQuantile } from '../stats/distributions';
import { summarizeDistribution, type DistributionSummary } from '../stats/summary';
import { welch } from '../perf/noise';
import type { IndexedStatistic } from '../stats/bootstrap';
import type { MetricChange } from './types';
import { verdictOf } from './verdict';

/** The normal 97.5% quantile: the independent-se interval is delta ± Z·se. */
const Z975 = 1.959963984540054;

/** What a metric is, independent of how its change is measured. */
export interface MetricInfo {
  metric: string;
  title: string;
  lowerIsBetter: boolean;
}

function finish(info: MetricInfo, a: number | null, b: number | null, rest: Pick<MetricChange, 'ci' | 'se' | 'method'> & Partial<Pick<MetricChange, 'pairedOn' | 'note'>>): MetricChange {
  const delta = a === null || b === null ? null : b - a;
  const relative = delta === null || a === 0 ? null : delta / Math.abs(a!);
  return { ...info, a, b, delta, relative, ...rest, verdict: verdictOf(delta, rest.ci, info.lowerIsBetter, rest.method) };
}

/** Two independent estimates, each ± its standard error. */
export function independentChange(info: MetricInfo, a: { value: number; se: number } | undefined, b: { value: number; se: number } | undefined, note?: string): MetricChange {
  if (!a || !b) return missingChange(info, a?.value ?? null, b?.value ?? null);
  const se = Math.hypot(a.se, b.se);
  const delta = b.value - a.value;
  const ci = Number.isFinite(se) ? { low: delta - Z975 * se, high: delta + Z975 * se } : null;
  return finish(info, a.value, b.value, { ci, se: Number.isFinite(se) ? se : null, method: 'independent-se', ...(note ? { note } : {}) });
}

/** Two independent means from their spreads: Welch's t interval with Welch–Satterthwaite df. */
export function welchChange(info: MetricInfo, a: DistributionSummary | null | undefined, b: DistributionSummary | null | undefined, note?: string): MetricChange {
  if (!a || !b) return missingChange(info, a?.mean ?? null, b?.mean ?? null);
  const { df } = welch(b, a);
  const se = Math.sqrt((a.n > 1 ? a.std ** 2 / a.n : NaN) + (b.n > 1 ? b.std ** 2 / b.n : NaN));
  const delta = b.mean - a.mean;
  const half = se === 0 ? 0 : studentTQuantile(0.975, df) * se;
  const ci = Number.isFinite(half) ? { low: delta - half, high: delta + half } : null;
  return finish(info, a.mean, b.mean, { ci, se: Number.isFinite(se) ? se : null, method: 'welch', ...(note ? { note } : {}) });
}

/** Per-unit values of both runs, not matched: Welch on their means. */
export function unmatchedValuesChange(info: MetricInfo, a: readonly number[], b: readonly number[], note: string): MetricChange {
  if (a.length === 0 || b.length === 0) return missingChange(info, a.length ? mean(a) : null, b.length ? mean(b) : null);
  return welchChange(info, summarizeDistribution(a), summarizeDistribution(b), note);
}

/**
 * The same units in both runs, matched by key: one paired bootstrap resamples unit indices and
 * evaluates both runs' aggregate on them, so noise the runs share (hard windows, hard prompts)
 * cancels out of the interval.
 */
export function pairedChange(info: MetricInfo, unit: 'windows' | 'samples' | 'items', n: number, statisticA: IndexedStatistic, statisticB: IndexedStatistic, seed: number): MetricChange {
  const result = pairedBootstrap(n, statisticA, statisticB, { seed });
  return finish(info, result.baseline, result.variant, { ci: { low: result.low, high: result.high }, se: result.se, method: 'paired-bootstrap', pairedOn: { unit, n } });
}

/** A figure with no noise (bytes on disk): the interval is the delta itself. */
export function exactChange(info: MetricInfo, a: number | undefined, b: number | undefined): MetricChange {
  if (a === undefined || b === undefined) return missingChange(info, a ?? null, b ?? null);
  return finish(info, a, b, { ci: { low: b - a, high: b - a }, se: 0, method: 'exact' });
}

/** A figure without any uncertainty (one measurement, a percentile): shown, not judged. */
export function untestedChange(info: MetricInfo, a: number | null | undefined, b: number | null | undefined, note: string): MetricChange {
  return finish(info, a ?? null, b ?? null, { ci: null, se: null, method: 'none', note });
}

function missingChange(info: MetricInfo, a: number | null, b: number | null): MetricChange {
  return finish(info, a, b, { ci: null, se: null, method: 'none', note: a === null && b === null ? 'measured in neither run' : a === null ? 'not measured in run A' : 'not measured in run B' });
}

function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

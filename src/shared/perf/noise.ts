import type { CellComparison } from '../report/schema';
import { studentTQuantile } from '../stats/distributions';
import type { DistributionSummary } from '../stats/summary';

/** A TPOT coefficient of variation above this marks a cell as measured on a noisy machine. */
export const NOISE_CV_THRESHOLD = 0.1;

/**
 * Welch's t for the difference of two means from their summaries (unequal variances), with the
 * Welch–Satterthwaite degrees of freedom; `resolved` when |t| exceeds Student's 97.5% quantile at
 * that df (a two-sided test at 5%).
 */
export function welch(a: DistributionSummary, b: DistributionSummary): { t: number; df: number; resolved: boolean } {
  const va = a.n > 1 ? (a.std * a.std) / a.n : NaN;
  const vb = b.n > 1 ? (b.std * b.std) / b.n : NaN;
  const se2 = va + vb;
  if (!Number.isFinite(se2)) return { t: NaN, df: NaN, resolved: false };
  if (se2 === 0) {
    const differ = a.mean !== b.mean;
    return { t: differ ? Infinity * Math.sign(a.mean - b.mean) : 0, df: a.n + b.n - 2, resolved: differ };
  }
  const t = (a.mean - b.mean) / Math.sqrt(se2);
  const df = (se2 * se2) / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  return { t, df, resolved: Math.abs(t) > studentTQuantile(0.975, df) };
}

/** A variant's cell against the baseline's same cell. Ratios are variant ÷ baseline (below 1: faster). */
export function compareCells(variant: { tpotMs: DistributionSummary | null; ttftMs: DistributionSummary }, baseline: { tpotMs: DistributionSummary | null; ttftMs: DistributionSummary }): CellComparison {
  // Prefill-only cells (one output token) have no TPOT: they are compared on TTFT, and tpotRatio is 0.
  const both = variant.tpotMs && baseline.tpotMs ? { v: variant.tpotMs, b: baseline.tpotMs } : null;
  const w = both ? welch(both.v, both.b) : welch(variant.ttftMs, baseline.ttftMs);
  return { tpotRatio: both ? both.v.mean / both.b.mean : 0, ttftRatio: variant.ttftMs.mean / baseline.ttftMs.mean, resolved: w.resolved, welchT: w.t, df: w.df };
}

export function isNoisy(summary: DistributionSummary): boolean {
  return Number.isFinite(summary.cv) && summary.cv > NOISE_CV_THRESHOLD;
}

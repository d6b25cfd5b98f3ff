/**
 * Paired comparisons of a variant against the baseline on the same items: whether a difference is
 * real. Paired bootstrap of the delta, McNemar's test on correctness, flips (Dutta et al.,
 * "Accuracy is Not All You Need", NeurIPS 2024), and a TOST equivalence test at a user margin.
 */
import { BootstrapOptions, DEFAULT_BOOTSTRAP, IndexedStatistic, forEachResample, identityIndices, percentileInterval } from './bootstrap';
import { binomialCdf, chiSquareSurvival, studentTCdf, studentTQuantile } from './distributions';

export interface PairedBootstrapResult {
  baseline: number;
  variant: number;
  /** variant − baseline on the original items. */
  delta: number;
  /** Percentile interval of the resampled deltas. */
  low: number;
  high: number;
  se: number;
  /**
   * Two-sided bootstrap p-value for "no difference": 2·min(share of resampled deltas ≤ 0, share
   * ≥ 0), capped at 1 (the paired bootstrap resampling test of Koehn 2004, two-sided).
   */
  pValue: number;
  confidence: number;
  resamples: number;
  seed: number;
  method: 'paired-percentile';
}

/**
 * Resamples item indices once per round and evaluates both aggregates on the same indices, so the
 * interval is of the paired difference, not of two independent estimates.
 */
export function pairedBootstrap(
  n: number,
  baselineStatistic: IndexedStatistic,
  variantStatistic: IndexedStatistic,
  options: BootstrapOptions = {},
): PairedBootstrapResult {
  const all = identityIndices(n);
  const baseline = baselineStatistic(all);
  const variant = variantStatistic(all);
  const draws: number[] = [];
  if (n > 0) forEachResample(n, options, (indices) => draws.push(variantStatistic(indices) - baselineStatistic(indices)));
  const interval = percentileInterval(variant - baseline, draws, options);
  let atOrBelow = 0;
  let atOrAbove = 0;
  let finite = 0;
  for (const d of draws) {
    if (!Number.isFinite(d)) continue;
    finite++;
    if (d <= 0) atOrBelow++;
    if (d >= 0) atOrAbove++;
  }
  return {
    baseline,
    variant,
    delta: variant - baseline,
    low: interval.low,
    high: interval.high,
    se: interval.se,
    pValue: finite ? Math.min(1, (2 * Math.min(atOrBelow, atOrAbove)) / finite) : NaN,
    confidence: interval.confidence,
    resamples: options.resamples ?? DEFAULT_BOOTSTRAP.resamples,
    seed: options.seed ?? DEFAULT_BOOTSTRAP.seed,
    method: 'paired-percentile',
  };
}

/** How items moved between baseline and variant (correct = truthy / nonzero). */
export interface Flips {
  n: number;
  bothCorrect: number;
  bothWrong: number;
  /** Right under the baseline, wrong under the variant. */
  correctToWrong: number;
  /** Wrong under the baseline, right under the variant. */
  wrongToCorrect: number;
  /** correctToWrong + wrongToCorrect. */
  flips: number;
  /** flips / n (0 when n = 0). */
  flipRate: number;
  correctToWrongRate: number;
  wrongToCorrectRate: number;
}

export function countFlips(baselineCorrect: ArrayLike<unknown>, variantCorrect: ArrayLike<unknown>): Flips {
  assertSameLength(baselineCorrect.length, variantCorrect.length);
  const n = baselineCorrect.length;
  let bothCorrect = 0;
  let bothWrong = 0;
  let correctToWrong = 0;
  let wrongToCorrect = 0;
  for (let i = 0; i < n; i++) {
    const b = Boolean(baselineCorrect[i]);
    const v = Boolean(variantCorrect[i]);
    if (b && v) bothCorrect++;
    else if (!b && !v) bothWrong++;
    else if (b) correctToWrong++;
    else wrongToCorrect++;
  }
  const rate = (x: number): number => (n ? x / n : 0);
  return {
    n,
    bothCorrect,
    bothWrong,
    correctToWrong,
    wrongToCorrect,
    flips: correctToWrong + wrongToCorrect,
    flipRate: rate(correctToWrong + wrongToCorrect),
    correctToWrongRate: rate(correctToWrong),
    wrongToCorrectRate: rate(wrongToCorrect),
  };
}

export interface McNemarResult {
  /** Discordant pairs: baseline right, variant wrong. */
  correctToWrong: number;
  /** Discordant pairs: baseline wrong, variant right. */
  wrongToCorrect: number;
  /** (|b − c| − 1)² / (b + c) for the chi-square method; null for the exact test. */
  statistic: number | null;
  pValue: number;
  /**
   * 'exact-binomial' when b + c < `exactBelow` (default 25): two-sided, 2·P(X ≤ min(b, c)) for
   * X ~ Binomial(b + c, 1/2), capped at 1. Otherwise 'chi-square-corrected': Edwards' continuity
   * correction, 1 degree of freedom. These are statsmodels' `mcnemar(exact=True)` and
   * `mcnemar(exact=False, correction=True)`.
   */
  method: 'exact-binomial' | 'chi-square-corrected';
}

export function mcnemarFromCounts(correctToWrong: number, wrongToCorrect: number, exactBelow = 25): McNemarResult {
  const b = correctToWrong;
  const c = wrongToCorrect;
  const discordant = b + c;
  if (discordant < exactBelow) {
    const pValue = discordant === 0 ? 1 : Math.min(1, 2 * binomialCdf(Math.min(b, c), discordant, 0.5));
    return { correctToWrong: b, wrongToCorrect: c, statistic: null, pValue, method: 'exact-binomial' };
  }
  const statistic = (Math.abs(b - c) - 1) ** 2 / discordant;
  return { correctToWrong: b, wrongToCorrect: c, statistic, pValue: chiSquareSurvival(statistic, 1), method: 'chi-square-corrected' };
}

/** McNemar's test on paired correctness (truthy = correct). */
export function mcnemar(baselineCorrect: ArrayLike<unknown>, variantCorrect: ArrayLike<unknown>, exactBelow = 25): McNemarResult {
  const flips = countFlips(baselineCorrect, variantCorrect);
  return mcnemarFromCounts(flips.correctToWrong, flips.wrongToCorrect, exactBelow);
}

export interface TostResult {
  n: number;
  /** Mean of variant − baseline over the items. */
  meanDifference: number;
  /** Sample std of the differences / sqrt(n). */
  se: number;
  df: number;
  margin: number;
  alpha: number;
  /** t for H0: δ ≤ −margin, and its one-sided p-value P(T ≥ t). */
  tLower: number;
  pLower: number;
  /** t for H0: δ ≥ +margin, and its one-sided p-value P(T ≤ t). */
  tUpper: number;
  pUpper: number;
  /** max(pLower, pUpper): the TOST p-value. */
  pValue: number;
  /** True when pValue < alpha: the difference lies within ±margin. */
  equivalent: boolean;
  /** The (1 − 2α) t interval of the mean difference; equivalence ⇔ it lies inside ±margin. */
  ci: [number, number];
}

/**
 * Schuirmann's two one-sided tests on paired differences (t-based): the variant is equivalent to
 * the baseline within ±margin (in the metric's units) when both one-sided nulls are rejected.
 */
export function pairedTost(
  baseline: ArrayLike<number>,
  variant: ArrayLike<number>,
  margin: number,
  alpha = 0.05,
): TostResult {
  assertSameLength(baseline.length, variant.length);
  if (!(margin > 0)) throw new RangeError(`TOST margin must be positive, got ${margin}`);
  const n = baseline.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += variant[i]! - baseline[i]!;
  mean /= n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (variant[i]! - baseline[i]! - mean) ** 2;
  const df = n - 1;
  const se = n > 1 ? Math.sqrt(squares / df / n) : NaN;
  let tLower: number;
  let tUpper: number;
  let pLower: number;
  let pUpper: number;
  let ci: [number, number];
  if (n < 2) {
    tLower = tUpper = pLower = pUpper = NaN;
    ci = [NaN, NaN];
  } else if (se === 0) {
    // Every difference is the same: the mean is exact.
    tLower = mean + margin > 0 ? Infinity : -Infinity;
    tUpper = mean - margin < 0 ? -Infinity : Infinity;
    pLower = mean > -margin ? 0 : 1;
    pUpper = mean < margin ? 0 : 1;
    ci = [mean, mean];
  } else {
    tLower = (mean + margin) / se;
    tUpper = (mean - margin) / se;
    pLower = 1 - studentTCdf(tLower, df);
    pUpper = studentTCdf(tUpper, df);
    const half = studentTQuantile(1 - alpha, df) * se;
    ci = [mean - half, mean + half];
  }
  const pValue = Math.max(pLower, pUpper);
  return { n, meanDifference: mean, se, df, margin, alpha, tLower, pLower, tUpper, pUpper, pValue, equivalent: pValue < alpha, ci };
}

function assertSameLength(a: number, b: number): void {
  if (a !== b) throw new RangeError(`paired statistics need the same items: baseline has ${a}, variant has ${b}`);
}

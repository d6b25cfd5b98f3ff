/** Descriptive statistics with the exact conventions of docs/metrics.md, "Conventions". */

export interface MeanWithError {
  mean: number;
  /** Standard error of the mean: sqrt((E[x²] − E[x]²)/(n − 1)), as llama.cpp computes it. */
  se: number;
  n: number;
}

export function meanAndError(values: ArrayLike<number>): MeanWithError {
  const n = values.length;
  if (n === 0) return { mean: NaN, se: NaN, n };
  let sum = 0;
  let sum2 = 0;
  for (let i = 0; i < n; i++) {
    sum += values[i]!;
    sum2 += values[i]! * values[i]!;
  }
  const mean = sum / n;
  const variance = Math.max(sum2 / n - mean * mean, 0);
  return { mean, se: n > 1 ? Math.sqrt(variance / (n - 1)) : NaN, n };
}

/** Percentile by linear interpolation at f·(n − 1) of the sorted values (f in [0, 1]). */
export function percentileOfSorted(sorted: ArrayLike<number>, fraction: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const position = fraction * (n - 1);
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, n - 1);
  const weight = position - lower;
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * weight;
}

/**
 * Distribution-free interval for the `fraction`-quantile of independent values: the order
 * statistics at n·f ∓ z·√(n·f·(1 − f)) (the normal approximation to the binomial count of values
 * below the quantile; Conover, Practical Nonparametric Statistics, §3.2), widened to whole ranks.
 * `z` = 1.96 gives about 95% coverage.
 */
export function quantileIntervalOfSorted(sorted: ArrayLike<number>, fraction: number, z: number): [number, number] {
  const n = sorted.length;
  if (n === 0) return [NaN, NaN];
  const center = n * fraction;
  const spread = z * Math.sqrt(n * fraction * (1 - fraction));
  // 1-based ranks r = ⌊nf − spread⌋ and s = ⌈nf + spread⌉ + 1, clamped to the sample.
  const lower = Math.min(Math.max(Math.floor(center - spread), 1), n);
  const upper = Math.min(Math.max(Math.ceil(center + spread) + 1, 1), n);
  return [sorted[lower - 1]!, sorted[upper - 1]!];
}

export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values as ArrayLike<number>).sort();
}

/** Latency-style summary: mean, median, sample std, p90, p99 and a 95% CI of the mean (Student t). */
export interface DistributionSummary {
  n: number;
  mean: number;
  median: number;
  std: number;
  p90: number;
  p99: number;
  min: number;
  max: number;
  ci95: [number, number];
  /** Coefficient of variation std/mean: how noisy the measurement was. */
  cv: number;
}

export function summarizeDistribution(values: ArrayLike<number>): DistributionSummary {
  const n = values.length;
  const sorted = sortedCopy(values);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += sorted[i]!;
  mean /= n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (sorted[i]! - mean) ** 2;
  const std = n > 1 ? Math.sqrt(squares / (n - 1)) : 0;
  const half = n > 1 ? studentT975(n - 1) * (std / Math.sqrt(n)) : 0;
  return {
    n,
    mean,
    median: percentileOfSorted(sorted, 0.5),
    std,
    p90: percentileOfSorted(sorted, 0.9),
    p99: percentileOfSorted(sorted, 0.99),
    min: n ? sorted[0]! : NaN,
    max: n ? sorted[n - 1]! : NaN,
    ci95: [mean - half, mean + half],
    cv: mean !== 0 ? std / Math.abs(mean) : NaN,
  };
}

/** Two-sided 97.5% quantile of Student's t with `df` degrees of freedom. */
export function studentT975(df: number): number {
  const table = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];
  if (df < 1) return NaN;
  if (df <= table.length) return table[df - 1]!;
  // Cornish–Fisher expansion around the normal quantile; error < 1e-3 beyond 30 df.
  const z = 1.959963984540054;
  const g1 = (z ** 3 + z) / 4;
  const g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96;
  return z + g1 / df + g2 / df ** 2;
}

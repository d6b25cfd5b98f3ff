import { SeededRandom } from './seededRandom';
import { percentileOfSorted } from './summary';

/**
 * Seeded nonparametric bootstrap with the percentile method: resample the n items with
 * replacement `resamples` times, recompute the aggregate on each resample, and take the
 * (1 − confidence)/2 and (1 + confidence)/2 percentiles (linear interpolation, as numpy does).
 * The aggregate sees item indices, so a corpus-level metric (BLEU, chrF, ECE) is recomputed from
 * its per-item sufficient statistics rather than averaged.
 */
export interface BootstrapOptions {
  /** Number of resamples (default 1000). */
  resamples?: number;
  /** PRNG seed (default 0): the same seed gives the same interval. */
  seed?: number;
  /** Two-sided coverage (default 0.95). */
  confidence?: number;
}

export interface BootstrapInterval {
  /** The aggregate on the original sample. */
  estimate: number;
  low: number;
  high: number;
  /** Standard deviation of the bootstrap distribution (a bootstrap standard error). */
  se: number;
  confidence: number;
  resamples: number;
  seed: number;
  method: 'percentile';
  /** Resamples whose aggregate was not a finite number (left out of the percentiles). */
  undefinedResamples: number;
}

/** An aggregate over a subset of items, given as indices into the caller's arrays (may repeat). */
export type IndexedStatistic = (indices: Uint32Array) => number;

export const DEFAULT_BOOTSTRAP = { resamples: 1000, seed: 0, confidence: 0.95 } as const;

export function identityIndices(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** Calls `visit` with each resample's indices; the same Uint32Array is reused between calls. */
export function forEachResample(n: number, options: BootstrapOptions, visit: (indices: Uint32Array) => void): void {
  const resamples = options.resamples ?? DEFAULT_BOOTSTRAP.resamples;
  const random = new SeededRandom(options.seed ?? DEFAULT_BOOTSTRAP.seed);
  const indices = new Uint32Array(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) indices[i] = random.int(n);
    visit(indices);
  }
}

export function percentileInterval(
  estimate: number,
  draws: number[],
  options: BootstrapOptions,
): BootstrapInterval {
  const confidence = options.confidence ?? DEFAULT_BOOTSTRAP.confidence;
  const finite = Float64Array.from(draws.filter((d) => Number.isFinite(d))).sort();
  let mean = 0;
  for (const d of finite) mean += d;
  mean /= finite.length || 1;
  let squares = 0;
  for (const d of finite) squares += (d - mean) ** 2;
  const alpha = 1 - confidence;
  return {
    estimate,
    low: percentileOfSorted(finite, alpha / 2),
    high: percentileOfSorted(finite, 1 - alpha / 2),
    se: finite.length > 1 ? Math.sqrt(squares / (finite.length - 1)) : NaN,
    confidence,
    resamples: options.resamples ?? DEFAULT_BOOTSTRAP.resamples,
    seed: options.seed ?? DEFAULT_BOOTSTRAP.seed,
    method: 'percentile',
    undefinedResamples: draws.length - finite.length,
  };
}

/** Bootstrap percentile interval of any aggregate over n items. */
export function bootstrapInterval(n: number, statistic: IndexedStatistic, options: BootstrapOptions = {}): BootstrapInterval {
  const estimate = statistic(identityIndices(n));
  const draws: number[] = [];
  if (n > 0) forEachResample(n, options, (indices) => draws.push(statistic(indices)));
  return percentileInterval(estimate, draws, options);
}

/** Bootstrap percentile interval of the mean of per-item values. */
export function bootstrapMean(values: ArrayLike<number>, options: BootstrapOptions = {}): BootstrapInterval {
  return bootstrapInterval(values.length, (indices) => meanAt(values, indices), options);
}

export function meanAt(values: ArrayLike<number>, indices: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < indices.length; i++) sum += values[indices[i]!]!;
  return sum / indices.length;
}

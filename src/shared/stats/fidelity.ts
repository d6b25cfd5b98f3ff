import { GrowableFloat64 } from './growableArray';
import { meanAndError, MeanWithError, percentileOfSorted, quantileIntervalOfSorted, sortedCopy } from './summary';
import type { TopKFidelity } from './partialKldSummary';
import { TokenComparison } from './tokenComparison';

/** The percentiles llama.cpp's `--kl-divergence` prints for KLD, as fractions. */
export const KLD_PERCENTILES = [0.999, 0.99, 0.95, 0.9, 0.5, 0.1, 0.05, 0.01, 0.001] as const;
/** …and for Δp (it adds the quartiles). */
export const DELTA_P_PERCENTILES = [0.999, 0.99, 0.95, 0.9, 0.75, 0.5, 0.25, 0.1, 0.05, 0.01, 0.001] as const;

/** Per-token values of a lockstep pass, kept as arrays so percentiles are exact. */
export class LockstepAccumulator {
  readonly kld = new GrowableFloat64();
  readonly reverseKld = new GrowableFloat64();
  readonly deltaP = new GrowableFloat64();
  readonly nllBase = new GrowableFloat64();
  readonly nllVariant = new GrowableFloat64();
  sameTopCount = 0;

  add(c: TokenComparison): void {
    this.kld.push(c.kld);
    this.reverseKld.push(c.reverseKld);
    this.deltaP.push(c.deltaP);
    this.nllBase.push(c.nllBase);
    this.nllVariant.push(c.nllVariant);
    if (c.sameTop) this.sameTopCount++;
  }

  get count(): number {
    return this.kld.length;
  }
}

export interface DistributionStats {
  mean: number;
  se: number;
  min: number;
  max: number;
  /** Keyed by percent as llama.cpp labels them: "99.9", "99", … "0.1". */
  percentiles: Record<string, number>;
  /**
   * Per percentile key, order-statistic intervals (quantileIntervalOfSorted) at 95% and 90%: what a
   * goal on a percentile decides by. Only KLD carries them; tokens of one window are not
   * independent, so the intervals are narrower than the truth. Absent in reports made before them.
   */
  percentileCi?: Record<string, { ci95: [number, number]; ci90: [number, number] }>;
}

const Z95 = 1.959963984540054;
const Z90 = 1.6448536269514722;

/** Every statistic llama.cpp's `--kl-divergence` reports, plus the reverse KLD. */
export interface KldReport {
  tokens: number;
  /** ln PPL of the variant and the baseline on the same tokens (means of NLL) ± se. */
  meanNllVariant: MeanWithError;
  meanNllBase: MeanWithError;
  pplVariant: { value: number; se: number };
  pplBase: { value: number; se: number };
  /** Correlation of per-token ln-probabilities of variant and baseline (llama.cpp's Cor(ln PPL(Q), ln PPL(base))). */
  correlationLnPpl: number;
  /** mean NLL_Q − mean NLL_base ± sqrt(σQ² + σb² − 2·cov). */
  meanLnPplRatio: { value: number; se: number };
  pplRatio: { value: number; se: number };
  pplDifference: { value: number; se: number };
  kld: DistributionStats;
  reverseKld: DistributionStats;
  deltaP: DistributionStats;
  rmsDeltaP: { value: number; se: number };
  sameTop: { value: number; se: number };
  /**
   * 'lower' when a side gave only its top-k (a served model): kld and reverseKld (mean, every
   * percentile, max) are then lower bounds of the true divergence (top-k plus one tail bucket,
   * src/shared/stats/partialKld.ts), while the NLLs, PPLs, Δp and Same top p stay exact (from the
   * actual tokens' log-probabilities and the known argmaxes). Absent: every figure is exact.
   */
  bound?: 'lower';
  /** With `bound`: k, the tail mass the bound could not see, the asked ids that came back. */
  topK?: TopKFidelity;
}

function percentLabel(fraction: number): string {
  return String(Math.round(fraction * 1000) / 10);
}

export function distributionStats(values: Float64Array, fractions: readonly number[], withIntervals = false): DistributionStats {
  const { mean, se } = meanAndError(values);
  const sorted = sortedCopy(values);
  const percentiles: Record<string, number> = {};
  for (const f of fractions) percentiles[percentLabel(f)] = percentileOfSorted(sorted, f);
  const stats: DistributionStats = { mean, se, min: sorted[0] ?? NaN, max: sorted[sorted.length - 1] ?? NaN, percentiles };
  if (withIntervals && sorted.length) {
    stats.percentileCi = {};
    for (const f of fractions) stats.percentileCi[percentLabel(f)] = { ci95: quantileIntervalOfSorted(sorted, f, Z95), ci90: quantileIntervalOfSorted(sorted, f, Z90) };
  }
  return stats;
}

/** Covariance of two series with llama.cpp's normalisation: (E[xy] − E[x]E[y])/(n − 1). */
function covarianceOfMeans(x: Float64Array, y: Float64Array): number {
  const n = x.length;
  let sx = 0;
  let sy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sx += x[i]!;
    sy += y[i]!;
    sxy += x[i]! * y[i]!;
  }
  return (sxy / n - (sx / n) * (sy / n)) / (n - 1);
}

export function summarizeLockstep(acc: LockstepAccumulator): KldReport {
  const n = acc.count;
  const nllQ = acc.nllVariant.values();
  const nllB = acc.nllBase.values();
  const meanNllVariant = meanAndError(nllQ);
  const meanNllBase = meanAndError(nllB);
  const cov = covarianceOfMeans(nllQ, nllB);
  const pplVariant = Math.exp(meanNllVariant.mean);
  const pplBase = Math.exp(meanNllBase.mean);
  const ratioSe = Math.sqrt(Math.max(meanNllVariant.se ** 2 + meanNllBase.se ** 2 - 2 * cov, 0));
  const lnRatio = meanNllVariant.mean - meanNllBase.mean;
  const pplCov = pplVariant * pplBase * cov;
  const pplVariantSe = pplVariant * meanNllVariant.se;
  const pplBaseSe = pplBase * meanNllBase.se;

  const deltaP = acc.deltaP.values();
  const squares = deltaP.map((d) => d * d);
  const meanSquare = meanAndError(squares);
  const rms = Math.sqrt(meanSquare.mean);
  const sameTop = acc.sameTopCount / n;

  return {
    tokens: n,
    meanNllVariant,
    meanNllBase,
    pplVariant: { value: pplVariant, se: pplVariantSe },
    pplBase: { value: pplBase, se: pplBaseSe },
    correlationLnPpl: cov / (meanNllVariant.se * meanNllBase.se),
    meanLnPplRatio: { value: lnRatio, se: ratioSe },
    pplRatio: { value: Math.exp(lnRatio), se: Math.exp(lnRatio) * ratioSe },
    pplDifference: {
      value: pplVariant - pplBase,
      se: Math.sqrt(Math.max(pplVariantSe ** 2 + pplBaseSe ** 2 - 2 * pplCov, 0)),
    },
    kld: distributionStats(acc.kld.values(), KLD_PERCENTILES, true),
    reverseKld: distributionStats(acc.reverseKld.values(), KLD_PERCENTILES),
    deltaP: distributionStats(deltaP, DELTA_P_PERCENTILES),
    rmsDeltaP: { value: rms, se: rms > 0 ? (0.5 / rms) * meanSquare.se : 0 },
    sameTop: { value: sameTop, se: Math.sqrt((sameTop * (1 - sameTop)) / (n - 1)) },
  };
}

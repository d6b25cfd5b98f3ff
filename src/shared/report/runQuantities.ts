/**
 * The run's headline quantities that goals can name, as data: how to read the baseline's and a
 * variant's value from the report, which direction is better, and the uncertainty of their
 * difference that each quantity honestly has (normal from the report's se, order statistics for
 * KLD percentiles, Wilson for Same-top p, Welch for latencies and throughput, none for disk size
 * and peak RSS).
 */
import { wilsonInterval } from '../annotations/summary';
import { normalCdf, studentTCdf, studentTQuantile } from '../stats/distributions';
import type { GoalUncertainty } from '../stats/gates';
import type { DistributionSummary } from '../stats/summary';
import type { VariantSummary } from './schema';

const Z = { 0.95: 1.959963984540054, 0.9: 1.6448536269514722 } as const;
type Confidence = keyof typeof Z;

/** The two values and what is known about their difference (variant − baseline, in the quantity's units). */
export interface QuantityReading {
  baseline: number;
  variant: number;
  /** The difference's intervals at 95% (CI evidence) and 90% (TOST at α = 0.05); absent without one. */
  delta?: Record<Confidence, [number, number]>;
  method?: string;
  /** Estimate and standard error of the difference on a t (df) or normal (df = Infinity) scale: TOST's p-value. */
  test?: { estimate: number; se: number; df: number };
  noCiReason?: string;
  /** The variant's value is only a lower bound of the quantity (KLD from top-k rows), and why: a goal it meets is inconclusive. */
  lowerBound?: string;
}

/** The reason a KLD reading is only a lower bound, or undefined when it is exact. */
function kldBoundReason(v: VariantSummary): string | undefined {
  const t = v.kld?.topK;
  if (v.kld?.bound !== 'lower') return undefined;
  return `the KLD is a lower bound from top-${t?.k ?? '?'} log-probabilities (mean tail mass ${t ? (100 * t.baseTailMass.mean).toFixed(1) : '?'}% unseen)`;
}

const withBound = (reading: QuantityReading | string, v: VariantSummary): QuantityReading | string => {
  const reason = typeof reading === 'object' ? kldBoundReason(v) : undefined;
  return reason ? { ...(reading as QuantityReading), lowerBound: reason } : reading;
};

export interface RunQuantity {
  /** What a goal's `metric` names. */
  name: string;
  title: string;
  unit: string;
  higherIsBetter: boolean;
  /** The baseline's value is 0 by definition (KLD from itself): a percent allowance of it is always 0. */
  zeroBaseline?: true;
  /** The reading, or why this report has none. */
  read(variant: VariantSummary, baseline: VariantSummary): QuantityReading | string;
}

const intervalsOf = (at: (confidence: Confidence) => [number, number]): Record<Confidence, [number, number]> => ({ 0.95: at(0.95), 0.9: at(0.9) });

/** A difference with a standard error on the normal scale. */
function normal(baseline: number, variant: number, se: number, method: string): QuantityReading {
  const d = variant - baseline;
  if (!Number.isFinite(se)) return { baseline, variant, noCiReason: 'no standard error' };
  return { baseline, variant, delta: intervalsOf((c) => [d - Z[c] * se, d + Z[c] * se]), method, test: { estimate: d, se, df: Infinity } };
}

/** Welch's interval for the difference of two means (the variants ran in separate processes: unpaired). */
function welch(base: DistributionSummary, variant: DistributionSummary, method: string): QuantityReading {
  const reading: QuantityReading = { baseline: base.mean, variant: variant.mean };
  if (base.n < 2 || variant.n < 2) return { ...reading, noCiReason: 'fewer than 2 timed repetitions' };
  const vb = base.std ** 2 / base.n;
  const vv = variant.std ** 2 / variant.n;
  const se = Math.sqrt(vb + vv);
  const d = variant.mean - base.mean;
  if (se === 0) return { ...reading, delta: intervalsOf(() => [d, d]), method };
  const df = (vb + vv) ** 2 / (vb ** 2 / (base.n - 1) + vv ** 2 / (variant.n - 1));
  return { ...reading, delta: intervalsOf((c) => { const t = studentTQuantile(1 - (1 - c) / 2, df); return [d - t * se, d + t * se]; }), method, test: { estimate: d, se, df } };
}

const NO_FIDELITY = 'no KLD in this run (measure fidelity)';
const NO_PERFORMANCE = 'no performance measurement in this run (measure performance)';

function kldPercentile(label: string): RunQuantity {
  const read = (v: VariantSummary): QuantityReading | string => {
    if (!v.kld) return NO_FIDELITY;
    const value = v.kld.kld.percentiles[label];
    if (value === undefined) return `no ${label}th percentile of KLD in this report`;
    const ci = v.kld.kld.percentileCi?.[label];
    // The baseline's KLD from itself is 0 at every percentile.
    if (!ci) return { baseline: 0, variant: value, noCiReason: 'this report has no percentile intervals (made before they existed)' };
    return { baseline: 0, variant: value, delta: { 0.95: ci.ci95, 0.9: ci.ci90 }, method: 'order statistics of the per-token KLD (tokens taken as independent)' };
  };
  return {
    name: `kld_p${label}`,
    title: `KLD p${label}`,
    unit: 'nats',
    higherIsBetter: false,
    zeroBaseline: true,
    // Every per-token value is a lower bound, so each order statistic is one too.
    read: (v) => withBound(read(v), v),
  };
}

function latency(name: string, title: string, pick: (p: NonNullable<VariantSummary['performance']>) => DistributionSummary | null, higherIsBetter: boolean, unit: string): RunQuantity {
  return {
    name,
    title,
    unit,
    higherIsBetter,
    read: (v, b) => {
      if (!v.performance || !b.performance) return NO_PERFORMANCE;
      const [base, variant] = [pick(b.performance), pick(v.performance)];
      if (!base || !variant) return `no ${title} (every request produced one token)`;
      return welch(base, variant, "Welch's t interval of the difference of means (separate processes, unpaired)");
    },
  };
}

export const RUN_QUANTITIES: readonly RunQuantity[] = [
  {
    name: 'ppl_ratio',
    title: 'PPL ratio',
    unit: '',
    higherIsBetter: false,
    read: (v) => {
      if (!v.kld) return NO_FIDELITY;
      const { value, se } = v.kld.meanLnPplRatio;
      // PPL(variant)/PPL(base) = exp(mean ln-ratio): the interval is made on the log scale.
      return { baseline: 1, variant: v.kld.pplRatio.value, delta: intervalsOf((c) => [Math.exp(value - Z[c] * se) - 1, Math.exp(value + Z[c] * se) - 1]), method: 'normal on ln PPL ratio (paired tokens)' };
    },
  },
  {
    name: 'kld_mean',
    title: 'Mean KLD',
    unit: 'nats',
    higherIsBetter: false,
    zeroBaseline: true,
    read: (v) => withBound(v.kld ? normal(0, v.kld.kld.mean, v.kld.kld.se, 'normal, mean ± z·se over tokens') : NO_FIDELITY, v),
  },
  ...['50', '90', '95', '99', '99.9'].map(kldPercentile),
  {
    name: 'same_top',
    title: 'Same top p',
    unit: '',
    higherIsBetter: true,
    read: (v) => {
      if (!v.kld) return NO_FIDELITY;
      const { value, se } = v.kld.sameTop;
      const n = v.kld.tokens;
      const same = Math.round(value * n);
      // The baseline's top token is always its own: Same-top p is 1 there.
      return { baseline: 1, variant: value, delta: intervalsOf((c) => wilsonInterval(same, n, Z[c]).map((x) => x - 1) as [number, number]), method: 'Wilson interval over tokens', test: { estimate: value - 1, se, df: Infinity } };
    },
  },
  {
    name: 'rms_delta_p',
    title: 'RMS Δp',
    unit: '',
    higherIsBetter: false,
    zeroBaseline: true,
    read: (v) => (v.kld ? normal(0, v.kld.rmsDeltaP.value, v.kld.rmsDeltaP.se, 'normal, value ± z·se (delta method)') : NO_FIDELITY),
  },
  latency('tpot', 'TPOT', (p) => p.tpotMs, false, 'ms'),
  latency('ttft', 'TTFT', (p) => p.ttftMs, false, 'ms'),
  latency('tokens_per_second', 'Throughput', (p) => p.outputTokensPerSecond, true, 'tok/s'),
  {
    name: 'disk_size',
    title: 'Disk size',
    unit: 'bytes',
    higherIsBetter: false,
    // A served variant's files are on the server (sizeBytes 0 = not visible): no reading, not 0 bytes.
    read: (v, b) => (v.sizeBytes > 0 && b.sizeBytes > 0 ? { baseline: b.sizeBytes, variant: v.sizeBytes, noCiReason: 'file sizes are exact' } : `no disk size for ${v.sizeBytes > 0 ? b.id : v.id} (a served variant: its files are on the server)`),
  },
  {
    name: 'peak_rss',
    title: 'Peak RSS',
    unit: 'bytes',
    higherIsBetter: false,
    read: (v, b) => {
      if (!v.performance || !b.performance) return NO_PERFORMANCE;
      const [base, variant] = [b.performance.peakRssBytes, v.performance.peakRssBytes];
      // A served variant's memory is the server's, out of the client's sight: no reading, not 0.
      if (base === null || variant === null) return `no peak RSS for ${base === null ? b.id : v.id} (a served variant: the server's memory is not visible to the client)`;
      return { baseline: base, variant, noCiReason: 'one peak reading per variant' };
    },
  },
];

export function findRunQuantity(name: string): RunQuantity | undefined {
  const wanted = name.toLowerCase();
  return RUN_QUANTITIES.find((q) => q.name === wanted);
}

/** What is wrong with a goal on a run quantity before any number exists (unknown name, a percent of a zero baseline). */
export function runGoalProblem(metric: string, percent: boolean): string | undefined {
  const quantity = findRunQuantity(metric);
  if (!quantity) return `unknown quantity "${metric}" (goals name one of ${RUN_QUANTITIES.map((q) => q.name).join(', ')})`;
  if (percent && quantity.zeroBaseline) return `${quantity.name} is 0 on the baseline, so a percent of it allows nothing: use max_degradation`;
  return undefined;
}

/** The reading's uncertainty as a gate takes it, the TOST at ±margin made from the 90% interval. */
export function readingUncertainty(reading: QuantityReading, margin: number): GoalUncertainty {
  const out: GoalUncertainty = {};
  if (reading.noCiReason) out.noCiReason = reading.noCiReason;
  if (!reading.delta) return out;
  const [low, high] = reading.delta[0.95];
  out.deltaCi = { low, high, confidence: 0.95, method: reading.method ?? '' };
  if (margin > 0 && Number.isFinite(margin)) {
    const ci = reading.delta[0.9];
    let pValue: number | null = null;
    const t = reading.test;
    if (t && t.se > 0) {
      const cdf = (x: number): number => (t.df === Infinity ? normalCdf(x) : studentTCdf(x, t.df));
      pValue = Math.max(1 - cdf((t.estimate + margin) / t.se), cdf((t.estimate - margin) / t.se));
    }
    // Equivalence at α = 0.05 ⇔ the 90% interval of the difference lies inside ±margin.
    out.tost = { margin, equivalent: ci[0] > -margin && ci[1] < margin, pValue, ci, method: `TOST: 90% interval (${reading.method}) inside ±margin` };
  }
  return out;
}

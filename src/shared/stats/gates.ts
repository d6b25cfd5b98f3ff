/**
 * Tolerance goals (Olive's `goal` types, Intel Neural Compressor's `tolerable_loss`):
 * - max-degradation v: pass if variant ≥ baseline − v (higher-is-better), variant ≤ baseline + v
 *   (lower-is-better);
 * - percent-max-degradation v: pass if variant ≥ baseline·(1 − v/100), or variant ≤
 *   baseline·(1 + v/100) for lower-is-better. |baseline| is used so a negative baseline (a
 *   log-likelihood) still gets a threshold on the worse side.
 *
 * What decides (`evidence`):
 * - 'point' (the default): the variant's point estimate against the threshold;
 * - 'ci': a bound of the 95% interval of the variant's value (baseline + the interval of
 *   variant − baseline) against the threshold. The default bound is the worse side (upper when
 *   lower is better), so the goal passes only when the data rule out a degradation beyond the
 *   margin; the other bound passes unless the data show one. Without an interval (disk size, a
 *   single memory reading) the point decides, and the verdict says so;
 * - 'equivalence': Schuirmann's TOST at ±margin (the goal's allowance unless a margin is given).
 *   Without a TOST result the 95% CI bound decides, or the point without one, and the verdict says so.
 */

export type GoalEvidence = 'point' | 'ci' | 'equivalence';
export type CiBound = 'upper' | 'lower';

/** Exactly one of maxDegradation and percentMaxDegradation (a goal with both or neither fails). */
export interface Goal {
  metric: string;
  maxDegradation?: number;
  percentMaxDegradation?: number;
  /** What decides the verdict; absent = 'point' (goals written before evidence existed). */
  evidence?: GoalEvidence;
  /** With evidence 'ci': which bound of the value's 95% interval; absent = the worse side. */
  ciBound?: CiBound;
  /** TOST margin in metric units; when absent, allowedDegradation(goal, baseline). */
  equivalenceMargin?: number;
}

/** The degradation a goal allows in metric units (v, or |baseline|·v/100): also the default TOST margin. */
export function allowedDegradation(goal: Goal, baseline: number): number {
  return goal.percentMaxDegradation !== undefined ? (Math.abs(baseline) * goal.percentMaxDegradation) / 100 : (goal.maxDegradation ?? NaN);
}

/** The bound on the worse side: a lower-is-better value is worst at its upper bound. */
export function worseBound(higherIsBetter: boolean): CiBound {
  return higherIsBetter ? 'lower' : 'upper';
}

/** What the data say about variant − baseline, beyond the two point estimates. */
export interface GoalUncertainty {
  /** Interval of variant − baseline in metric units (paired bootstrap, Welch, normal…). */
  deltaCi?: { low: number; high: number; confidence: number; method: string };
  /** The equivalence test at ±margin (metric units); `ci` is its (1 − 2α) interval of the difference. */
  tost?: { margin: number; equivalent: boolean; pValue: number | null; ci: [number, number]; method: string };
  /** Why the quantity has no interval, for the verdict's note (e.g. "disk size is exact"). */
  noCiReason?: string;
}

export interface GateVerdict {
  metric: string;
  kind: 'max_degradation' | 'percent_max_degradation';
  /** The user's v. */
  limit: number;
  higherIsBetter: boolean;
  baseline: number;
  variant: number;
  /** The worst value that still passes. */
  threshold: number;
  /** How much worse the variant's point estimate is (positive = worse, negative = better), in metric units. */
  degradation: number;
  /** degradation / |baseline| · 100 (NaN when the baseline is 0). */
  percentDegradation: number;
  pass: boolean;
  /** Why the gate could not pass, when a value is missing. */
  reason?: string;
  /** The evidence that decided (after any fallback). */
  evidence: GoalEvidence;
  /** What the goal asked for, when another evidence had to decide. */
  requestedEvidence?: GoalEvidence;
  /** With evidence 'ci': the bound that decided. */
  ciBound?: CiBound;
  /** The number set against the threshold: the point, the CI bound, or the TOST interval's worse end. */
  decidingValue: number;
  /** The variant's value interval used (baseline + the delta interval). */
  ci?: { low: number; high: number; confidence: number; method: string };
  tost?: GoalUncertainty['tost'];
  /** What the point estimate alone would have decided. */
  pointPass: boolean;
  /** A fallback or caveat in words. */
  note?: string;
}

function decide(value: number, threshold: number, higherIsBetter: boolean): boolean {
  return higherIsBetter ? value >= threshold : value <= threshold;
}

const finiteInterval = (ci: GoalUncertainty['deltaCi']): ci is NonNullable<GoalUncertainty['deltaCi']> =>
  ci !== undefined && Number.isFinite(ci.low) && Number.isFinite(ci.high);

export function evaluateGoal(goal: Goal, baseline: number, variant: number, higherIsBetter: boolean, uncertainty: GoalUncertainty = {}): GateVerdict {
  const percent = goal.percentMaxDegradation !== undefined;
  const limit = percent ? goal.percentMaxDegradation! : (goal.maxDegradation ?? NaN);
  const allowance = allowedDegradation(goal, baseline);
  const threshold = higherIsBetter ? baseline - allowance : baseline + allowance;
  const degradation = higherIsBetter ? baseline - variant : variant - baseline;
  const pointPass = decide(variant, threshold, higherIsBetter);
  const verdict: GateVerdict = {
    metric: goal.metric,
    kind: percent ? 'percent_max_degradation' : 'max_degradation',
    limit,
    higherIsBetter,
    baseline,
    variant,
    threshold,
    degradation,
    percentDegradation: baseline !== 0 ? (degradation / Math.abs(baseline)) * 100 : NaN,
    pass: pointPass,
    evidence: 'point',
    decidingValue: variant,
    pointPass,
  };
  const requested = goal.evidence ?? (goal.ciBound ? 'ci' : 'point');
  const { deltaCi, tost } = uncertainty;
  const interval = finiteInterval(deltaCi) ? { low: baseline + deltaCi.low, high: baseline + deltaCi.high, confidence: deltaCi.confidence, method: deltaCi.method } : undefined;
  if (interval) verdict.ci = interval;
  const useCi = (): void => {
    const bound = goal.ciBound ?? worseBound(higherIsBetter);
    verdict.evidence = 'ci';
    verdict.ciBound = bound;
    verdict.decidingValue = bound === 'upper' ? interval!.high : interval!.low;
    verdict.pass = decide(verdict.decidingValue, threshold, higherIsBetter);
  };
  const fellBack = (to: string): void => {
    verdict.requestedEvidence = requested;
    verdict.note = `no ${requested === 'equivalence' ? 'equivalence test' : 'confidence interval'} for ${goal.metric}${uncertainty.noCiReason ? ` (${uncertainty.noCiReason})` : ''}: decided on ${to}`;
  };
  if (requested === 'ci') {
    if (interval) useCi();
    else fellBack('the point estimate');
  } else if (requested === 'equivalence') {
    if (tost && Number.isFinite(tost.ci[0]) && Number.isFinite(tost.ci[1])) {
      verdict.evidence = 'equivalence';
      verdict.tost = tost;
      verdict.pass = tost.equivalent;
      verdict.decidingValue = baseline + (higherIsBetter ? tost.ci[0] : tost.ci[1]);
    } else if (interval) {
      useCi();
      fellBack(`the 95% CI ${verdict.ciBound} bound`);
    } else {
      fellBack('the point estimate');
    }
  }

  if ((goal.maxDegradation === undefined) === (goal.percentMaxDegradation === undefined)) {
    verdict.pass = false;
    verdict.reason = 'a goal needs exactly one of max_degradation and percent_max_degradation';
  } else if (!Number.isFinite(baseline) || !Number.isFinite(variant)) {
    verdict.pass = false;
    verdict.reason = `no ${Number.isFinite(baseline) ? 'variant' : 'baseline'} value for ${goal.metric}`;
  } else if (!(limit >= 0)) {
    verdict.pass = false;
    verdict.reason = `the allowed degradation must be a non-negative number, got ${limit}`;
  }
  if (verdict.reason) verdict.pointPass = false;
  return verdict;
}

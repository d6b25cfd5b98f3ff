/**
 * Tolerance goals (Olive's `goal` types, Intel Neural Compressor's `tolerable_loss`):
 * - max-degradation v: pass if variant ≥ baseline − v (higher-is-better), variant ≤ baseline + v
 *   (lower-is-better);
 * - percent-max-degradation v: pass if variant ≥ baseline·(1 − v/100), or variant ≤
 *   baseline·(1 + v/100) for lower-is-better. |baseline| is used so a negative baseline (a
 *   log-likelihood) still gets a threshold on the worse side.
 */

/** Exactly one of maxDegradation and percentMaxDegradation (a goal with both or neither fails). */
export interface Goal {
  metric: string;
  maxDegradation?: number;
  percentMaxDegradation?: number;
}

/** The degradation a goal allows in metric units (v, or |baseline|·v/100): also the default TOST margin. */
export function allowedDegradation(goal: Goal, baseline: number): number {
  return goal.percentMaxDegradation !== undefined ? (Math.abs(baseline) * goal.percentMaxDegradation) / 100 : (goal.maxDegradation ?? NaN);
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
  /** How much worse the variant is (positive = worse, negative = better), in metric units. */
  degradation: number;
  /** degradation / |baseline| · 100 (NaN when the baseline is 0). */
  percentDegradation: number;
  pass: boolean;
  /** Why the gate could not pass, when a value is missing. */
  reason?: string;
}

export function evaluateGoal(goal: Goal, baseline: number, variant: number, higherIsBetter: boolean): GateVerdict {
  const percent = goal.percentMaxDegradation !== undefined;
  const limit = percent ? goal.percentMaxDegradation! : (goal.maxDegradation ?? NaN);
  const allowance = allowedDegradation(goal, baseline);
  const threshold = higherIsBetter ? baseline - allowance : baseline + allowance;
  const degradation = higherIsBetter ? baseline - variant : variant - baseline;
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
    pass: higherIsBetter ? variant >= threshold : variant <= threshold,
  };
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
  return verdict;
}

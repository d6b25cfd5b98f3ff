/** A gate's verdict as report.json stores it: non-finite numbers become null (JSON has no NaN). */
import type { GateVerdict } from '../stats/gates';
import type { GoalVerdict } from './schema';

const finite = (x: number | undefined): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

export function toGoalVerdict(v: GateVerdict): GoalVerdict {
  const out: GoalVerdict = {
    metric: v.metric,
    kind: v.kind,
    limit: v.limit,
    higherIsBetter: v.higherIsBetter,
    baseline: finite(v.baseline),
    variant: finite(v.variant),
    threshold: finite(v.threshold),
    degradation: finite(v.degradation),
    percentDegradation: finite(v.percentDegradation),
    pass: v.pass,
    evidence: v.evidence,
    decidingValue: finite(v.decidingValue),
    pointPass: v.pointPass,
  };
  if (v.reason) out.reason = v.reason;
  if (v.requestedEvidence) out.requestedEvidence = v.requestedEvidence;
  if (v.ciBound) out.ciBound = v.ciBound;
  if (v.ci) out.ci = { low: finite(v.ci.low), high: finite(v.ci.high), confidence: v.ci.confidence, method: v.ci.method };
  if (v.tost) out.tost = { margin: v.tost.margin, pValue: finite(v.tost.pValue ?? undefined), equivalent: v.tost.equivalent, ci: v.tost.ci.map((x) => finite(x)), method: v.tost.method };
  if (v.note) out.note = v.note;
  return out;
}

/**
 * Goal verdicts in words, with the evidence that decided and its numbers: what the CLI prints,
 * the panel shows in its verdict markers' titles, and exports can reuse.
 */
import { formatBytes, formatNumber, formatSigned } from './format';
import type { GoalVerdict, RunReport } from './report/schema';

export const GOAL_COLUMNS = ['variant', 'goal', 'value [95% CI]', 'threshold', 'decided by', 'verdict'] as const;

const num = (x: number | null | undefined): number | undefined => (x === null ? undefined : x);

/** A value in the goal's unit: bytes as KiB/MiB, others with 4 significant figures. */
function formatValue(x: number | null | undefined, unit: string | undefined): string {
  if (unit === 'bytes') return formatBytes(num(x));
  const text = formatNumber(num(x), 4);
  return unit && text !== '—' ? `${text} ${unit}` : text;
}

/** "the point estimate", "95% CI upper bound 0.2301", "TOST at ±0.05: not equivalent (p 0.12, 90% CI of Δ [−0.01, +0.07])". */
export function describeEvidence(goal: GoalVerdict): string {
  if (goal.evidence === 'ci') {
    const pct = Math.round((goal.ci?.confidence ?? 0.95) * 100);
    return `${pct}% CI ${goal.ciBound ?? 'upper'} bound ${formatValue(goal.decidingValue, goal.unit)}`;
  }
  if (goal.evidence === 'equivalence' && goal.tost) {
    const t = goal.tost;
    const p = t.pValue !== null ? `p ${formatNumber(t.pValue, 2)}, ` : '';
    return `TOST at ±${formatNumber(t.margin, 4)}: ${t.equivalent ? 'equivalent' : 'not equivalent'} (${p}90% CI of Δ [${formatSigned(num(t.ci[0]), 4)}, ${formatSigned(num(t.ci[1]), 4)}])`;
  }
  return 'the point estimate';
}

/**
 * "pass"/"FAIL", what the goal allows and what the variant got, and what decided, e.g.
 * "FAIL (max drop 0.05, got 0.02) by 95% CI upper bound 0.31; the point would pass".
 */
export function describeVerdict(goal: GoalVerdict): string {
  const percent = goal.kind === 'percent_max_degradation';
  const allowed = percent ? `${formatNumber(goal.limit)}%` : formatNumber(goal.limit);
  const drop = percent ? goal.percentDegradation : goal.degradation;
  const got = drop === null ? (goal.reason ?? 'no value') : `${formatNumber(drop)}${percent ? '%' : ''}`;
  let text = `${verdictWord(goal)} (max drop ${allowed}, got ${got})`;
  if (goal.reason && drop !== null) text += `: ${goal.reason}`;
  if (goal.evidence === undefined || goal.reason) return text;
  text += ` by ${describeEvidence(goal)}`;
  if (goal.evidence !== 'point' && goal.pointPass !== undefined && goal.pointPass !== goal.pass) text += `; the point would ${goal.pointPass ? 'pass' : 'fail'}`;
  if (goal.note) text += ` (${goal.note})`;
  return text;
}

/** pass, FAIL, or INCONCLUSIVE (a lower bound that meets the goal: not a pass). */
function verdictWord(goal: GoalVerdict): string {
  return goal.pass ? 'pass' : goal.inconclusive ? 'INCONCLUSIVE' : 'FAIL';
}

/** "KLD p99 ≤ 0.227" from the verdict's threshold and direction. */
function goalHeading(goal: GoalVerdict): string {
  const limit = goal.kind === 'percent_max_degradation' ? `${formatNumber(goal.limit)}%` : formatValue(goal.limit, goal.unit);
  return `${goal.title ?? goal.metric} (max ${goal.higherIsBetter ? 'drop' : 'rise'} ${limit})`;
}

/** One row per variant and run-level goal. */
export function goalRows(report: RunReport): string[][] {
  const rows: string[][] = [];
  for (const v of report.variants) {
    for (const g of v.goals ?? []) {
      // The unit once, after the interval (bytes carry their own KiB/MiB).
      const bare = g.unit === 'bytes' ? g.unit : undefined;
      const unit = g.unit && g.unit !== 'bytes' ? ` ${g.unit}` : '';
      const value = g.ci ? `${formatValue(g.variant, bare)} [${formatValue(g.ci.low, bare)}, ${formatValue(g.ci.high, bare)}]${unit}` : formatValue(g.variant, g.unit);
      const threshold = g.threshold === null ? '—' : `${g.higherIsBetter ? '≥' : '≤'} ${formatValue(g.threshold, g.unit)}`;
      const verdict = g.reason ? `FAIL: ${g.reason}` : `${verdictWord(g)}${g.evidence !== 'point' && g.pointPass !== undefined && g.pointPass !== g.pass ? ` (point would ${g.pointPass ? 'pass' : 'fail'})` : ''}`;
      const decidedBy = g.reason ? '—' : `${describeEvidence(g)}${g.note ? ` (${g.note})` : ''}`;
      rows.push([v.id, goalHeading(g), value, threshold, decidedBy, verdict]);
    }
  }
  return rows;
}

/** Some variant failed a goal, task or run-level. */
export function anyGateFailed(report: RunReport): boolean {
  return report.variants.some((v) => v.gatesPassed === false);
}

/** "A task goal failed: q4 (mmlu acc, KLD p99)" ("run-level" when only run-level goals failed). */
export function failedGoalsSentence(report: RunReport): string {
  let taskFailed = false;
  const variants = report.variants
    .filter((v) => v.gatesPassed === false)
    .map((v) => {
      const task = (v.tasks ?? []).flatMap((t) => t.metrics.flatMap((m) => (m.goals ?? []).filter((g) => !g.pass).map((g) => `${t.task} ${g.metric}`)));
      if (task.length) taskFailed = true;
      const failed = [...task, ...(v.goals ?? []).filter((g) => !g.pass).map((g) => g.title ?? g.metric)];
      return `${v.id}${failed.length ? ` (${failed.join(', ')})` : ''}`;
    });
  return `A ${taskFailed ? 'task' : 'run-level'} goal failed: ${variants.join('; ')}`;
}

/** The per-task table the CLI prints (and exports can reuse): one row per variant, task and metric. */
import { formatNumber, formatSigned } from './format';
import type { RunReport, TaskGoalVerdict } from './report/schema';

export const TASK_COLUMNS = ['variant', 'task', 'metric', 'value [95% CI]', 'Δ vs baseline [paired 95% CI]', 'verdict'] as const;

const num = (x: number | null | undefined): number | undefined => (x === null ? undefined : x);

/** "pass" / "FAIL" with what the goal allows, e.g. "FAIL (max drop 0.05, got 0.2)". */
export function describeVerdict(goal: TaskGoalVerdict): string {
  const allowed = goal.kind === 'percent_max_degradation' ? `${formatNumber(goal.limit)}%` : formatNumber(goal.limit);
  const drop = goal.kind === 'percent_max_degradation' ? goal.percentDegradation : goal.degradation;
  const got = drop === null ? (goal.reason ?? 'no value') : `${formatNumber(drop)}${goal.kind === 'percent_max_degradation' ? '%' : ''}`;
  return `${goal.pass ? 'pass' : 'FAIL'} (max drop ${allowed}, got ${got})`;
}

export function taskResultRows(report: RunReport): string[][] {
  const rows: string[][] = [];
  for (const v of report.variants) {
    for (const t of v.tasks ?? []) {
      for (const m of t.metrics) {
        const c = m.vsBaseline;
        let delta = v.isBaseline ? 'baseline' : '—';
        if (c) {
          delta = `${formatSigned(num(c.delta))} [${formatSigned(num(c.ci.low))}, ${formatSigned(num(c.ci.high))}]`;
          if (c.flips) delta += ` flips ${c.flips.correctToWrong}↓${c.flips.wrongToCorrect}↑`;
          if (c.mcnemar?.pValue !== null && c.mcnemar?.pValue !== undefined) delta += ` McNemar p=${formatNumber(c.mcnemar.pValue, 2)}`;
          else if (c.pValue !== null) delta += ` p=${formatNumber(c.pValue, 2)}`;
        }
        rows.push([
          v.id,
          t.task,
          m.metric,
          `${formatNumber(num(m.value))} [${formatNumber(num(m.ci.low))}, ${formatNumber(num(m.ci.high))}]`,
          delta,
          (m.goals ?? []).map(describeVerdict).join('; '),
        ]);
      }
    }
  }
  return rows;
}

/** Some variant failed a task goal. */
export function anyGateFailed(report: RunReport): boolean {
  return report.variants.some((v) => v.gatesPassed === false);
}

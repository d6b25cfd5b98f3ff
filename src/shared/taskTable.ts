/** The per-task table the CLI prints (and exports can reuse): one row per variant, task and metric. */
import { formatNumber, formatSigned } from './format';
import { describeVerdict } from './goalTable';
import type { RunReport, TaskMetricComparison } from './report/schema';

export const TASK_COLUMNS = ['variant', 'task', 'metric', 'value [95% CI]', 'Δ vs baseline [paired 95% CI]', 'equivalence (TOST)', 'verdict'] as const;

const num = (x: number | null | undefined): number | undefined => (x === null ? undefined : x);

/** "flips 2↓1↑": items right on the baseline and wrong on the variant (↓), and the reverse (↑). */
export function describeFlips(flips: Pick<NonNullable<TaskMetricComparison['flips']>, 'correctToWrong' | 'wrongToCorrect'>): string {
  return `flips ${flips.correctToWrong}↓${flips.wrongToCorrect}↑`;
}

/** "equivalent ±0.05 (p 0.01)", "not equivalent ±0.05 (p 0.3)", or "—" where no TOST was run. */
export function describeTost(c: TaskMetricComparison | undefined): string {
  const t = c?.tost;
  if (!t) return '—';
  return `${t.equivalent ? 'equivalent' : 'not equivalent'} ±${formatNumber(t.margin)}${t.pValue !== null ? ` (p ${formatNumber(t.pValue, 2)})` : ''}`;
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
          if (c.flips) delta += ` ${describeFlips(c.flips)}`;
          if (c.mcnemar?.pValue !== null && c.mcnemar?.pValue !== undefined) delta += ` McNemar p=${formatNumber(c.mcnemar.pValue, 2)}`;
          else if (c.pValue !== null) delta += ` p=${formatNumber(c.pValue, 2)}`;
        }
        rows.push([
          v.id,
          t.task,
          m.metric,
          `${formatNumber(num(m.value))} [${formatNumber(num(m.ci.low))}, ${formatNumber(num(m.ci.high))}]`,
          delta,
          v.isBaseline ? '—' : describeTost(c),
          (m.goals ?? []).map(describeVerdict).join('; '),
        ]);
      }
    }
  }
  return rows;
}

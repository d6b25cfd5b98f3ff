/** The robustness table the CLI prints and the panel shows: one row per variant, task, perturbation and metric. */
import { formatNumber, formatSigned } from '../format';
import type { RunReport } from '../report/schema';

export const ROBUSTNESS_COLUMNS = ['variant', 'task', 'perturbation', 'metric', 'clean', 'perturbed', 'drop', 'baseline drop', 'drop − baseline drop [95% CI]', 'paired p', 'changed'] as const;

const num = (x: number | null | undefined): number | undefined => (x === null ? undefined : x);

export function robustnessRows(report: RunReport): string[][] {
  const rows: string[][] = [];
  for (const v of report.variants) {
    for (const e of v.robustness ?? []) {
      const difference = e.dropDifference === undefined ? '—' : `${formatSigned(num(e.dropDifference))}${e.ci ? ` [${formatSigned(num(e.ci.low))}, ${formatSigned(num(e.ci.high))}]` : ''}`;
      const p = e.pValue === undefined ? (v.isBaseline ? 'baseline' : '—') : e.pValue === null ? '—' : `${formatNumber(e.pValue, 3)}${e.pMethod === 'exact' ? ' (exact)' : ''}`;
      rows.push([
        v.id,
        e.task,
        e.perturbation,
        e.metric,
        formatNumber(num(e.clean)),
        formatNumber(num(e.perturbed)),
        formatSigned(num(e.drop)),
        e.baselineDrop === undefined ? '—' : formatSigned(num(e.baselineDrop)),
        difference,
        p,
        `${e.changed}/${e.n}`,
      ]);
    }
  }
  return rows;
}

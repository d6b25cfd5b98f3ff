/** The robustness table the CLI prints and the panel shows: one row per variant, task, perturbation and metric. */
import { formatNumber, formatSigned } from '../format';
import type { RobustnessEntry } from '../report/robustnessTypes';
import type { RunReport, VariantSummary } from '../report/schema';
import type { CsvSection, ExportSection } from '../export/exportSection';

export const ROBUSTNESS_COLUMNS = ['variant', 'task', 'perturbation', 'metric', 'clean', 'perturbed', 'drop', 'baseline drop', 'drop − baseline drop [95% CI]', 'paired p', 'changed'] as const;

/** How the table's numbers are computed, under its title in the CLI and the exports. */
export const ROBUSTNESS_CAPTION =
  "drop = clean − perturbed, positive = worse; variant's drop vs the baseline's: paired sign-flip permutation test on per-item drop differences, paired bootstrap 95% CI";

const num = (x: number | null | undefined): number | undefined => (x === null ? undefined : x);

/** Every variant's robustness entries in report order: the one walk the display and CSV rows share. */
function robustnessEntries(report: RunReport): Array<{ v: VariantSummary; e: RobustnessEntry }> {
  return report.variants.flatMap((v) => (v.robustness ?? []).map((e) => ({ v, e })));
}

export function robustnessRows(report: RunReport): string[][] {
  return robustnessEntries(report).map(({ v, e }) => {
    const difference = e.dropDifference === undefined ? '—' : `${formatSigned(num(e.dropDifference))}${e.ci ? ` [${formatSigned(num(e.ci.low))}, ${formatSigned(num(e.ci.high))}]` : ''}`;
    const p = e.pValue === undefined ? (v.isBaseline ? 'baseline' : '—') : e.pValue === null ? '—' : `${formatNumber(e.pValue, 3)}${e.pMethod === 'exact' ? ' (exact)' : ''}`;
    return [
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
    ];
  });
}

/** The Markdown and HTML exports' Robustness section (no rows without perturbations). */
export function robustnessSection(report: RunReport): ExportSection {
  return { title: 'Robustness', caption: ROBUSTNESS_CAPTION, columns: ROBUSTNESS_COLUMNS, rows: robustnessRows(report) };
}

/** The CSV export's robustness section: the entries' raw numbers (empty cells where undefined). */
export function robustnessCsvSection(report: RunReport): CsvSection {
  return {
    title: 'robustness',
    header: ['variant', 'task', 'perturbation', 'metric', 'higher_is_better', 'n', 'changed', 'clean', 'perturbed', 'drop', 'baseline_drop', 'drop_difference', 'ci_low', 'ci_high', 'ci_confidence', 'p_value', 'p_method'],
    rows: robustnessEntries(report).map(({ v, e }) => [
      v.id,
      e.task,
      e.perturbation,
      e.metric,
      e.higherIsBetter,
      e.n,
      e.changed,
      e.clean,
      e.perturbed,
      e.drop,
      e.baselineDrop,
      e.dropDifference,
      e.ci?.low,
      e.ci?.high,
      e.ci?.confidence,
      e.pValue,
      e.pMethod,
    ]),
  };
}

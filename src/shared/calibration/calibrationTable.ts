/** Calibration per variant and multiple-choice task: ECE, its bins, and selective accuracy at 50/80/100% coverage. */
import { formatNumber } from '../format';
import type { CsvSection, ExportSection } from '../export/exportSection';
import type { CalibrationSummary } from '../report/robustnessTypes';
import type { RunReport } from '../report/schema';
import { SELECTIVE_COVERAGES } from './reliability';

export const CALIBRATION_COLUMNS = ['variant', 'task', 'n', 'ECE', 'bins', ...SELECTIVE_COVERAGES.map((c) => `acc @ ${Math.round(c * 100)}% coverage`)] as const;

/** How the table's numbers are computed, under its title in the CLI and the exports. */
export const CALIBRATION_CAPTION =
  "confidence = max choice probability; equal-mass bins as HELM's ece_10_bin; selective accuracy on the most confident share, ties at the cut at their mean";

/** Every variant's calibrated tasks in report order: the one walk the display and CSV rows share. */
function calibrationEntries(report: RunReport): Array<{ variant: string; task: string; c: CalibrationSummary }> {
  return report.variants.flatMap((v) => (v.tasks ?? []).flatMap((t) => (t.calibration ? [{ variant: v.id, task: t.task, c: t.calibration }] : [])));
}

export function calibrationRows(report: RunReport): string[][] {
  return calibrationEntries(report).map(({ variant, task, c }) => [
    variant,
    task,
    String(c.n),
    c.ece === null ? '—' : formatNumber(c.ece, 4),
    `${c.bins.length} of ${c.numBins} ${c.binning}`,
    ...SELECTIVE_COVERAGES.map((coverage) => {
      const s = c.selective.find((x) => x.coverage === coverage);
      return s && s.accuracy !== null ? `${formatNumber(s.accuracy, 4)} (${s.items})` : '—';
    }),
  ]);
}

/** The Markdown and HTML exports' Calibration section (no rows without multiple-choice tasks). */
export function calibrationSection(report: RunReport): ExportSection {
  return { title: 'Calibration', caption: CALIBRATION_CAPTION, columns: CALIBRATION_COLUMNS, rows: calibrationRows(report) };
}

/** The CSV export's calibration section: raw ECE and selective accuracy (items counted beside each). */
export function calibrationCsvSection(report: RunReport): CsvSection {
  const percent = (c: number): number => Math.round(c * 100);
  return {
    title: 'calibration',
    header: ['variant', 'task', 'n', 'ece', 'bins', 'num_bins', 'binning', 'confidence', ...SELECTIVE_COVERAGES.flatMap((c) => [`accuracy_at_${percent(c)}`, `items_at_${percent(c)}`])],
    rows: calibrationEntries(report).map(({ variant, task, c }) => [
      variant,
      task,
      c.n,
      c.ece,
      c.bins.length,
      c.numBins,
      c.binning,
      c.confidence,
      ...SELECTIVE_COVERAGES.flatMap((coverage) => {
        const s = c.selective.find((x) => x.coverage === coverage);
        return [s?.accuracy, s?.items];
      }),
    ]),
  };
}

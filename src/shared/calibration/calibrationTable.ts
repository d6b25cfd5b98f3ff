/** Calibration per variant and multiple-choice task: ECE, its bins, and selective accuracy at 50/80/100% coverage. */
import { formatNumber } from '../format';
import type { RunReport } from '../report/schema';
import { SELECTIVE_COVERAGES } from './reliability';

export const CALIBRATION_COLUMNS = ['variant', 'task', 'n', 'ECE', 'bins', ...SELECTIVE_COVERAGES.map((c) => `acc @ ${Math.round(c * 100)}% coverage`)] as const;

export function calibrationRows(report: RunReport): string[][] {
  const rows: string[][] = [];
  for (const v of report.variants) {
    for (const t of v.tasks ?? []) {
      const c = t.calibration;
      if (!c) continue;
      rows.push([
        v.id,
        t.task,
        String(c.n),
        c.ece === null ? '—' : formatNumber(c.ece, 4),
        `${c.bins.length} of ${c.numBins} ${c.binning}`,
        ...SELECTIVE_COVERAGES.map((coverage) => {
          const s = c.selective.find((x) => x.coverage === coverage);
          return s && s.accuracy !== null ? `${formatNumber(s.accuracy, 4)} (${s.items})` : '—';
        }),
      ]);
    }
  }
  return rows;
}

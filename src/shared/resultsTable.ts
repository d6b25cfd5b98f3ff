import { QUANTITIES, quantityText } from './report/quantities';
import type { RunReport } from './report/schema';

/** The quantities of the headline comparison, in the catalog's order. */
const TABLE_QUANTITIES = QUANTITIES.filter((q) => q.column !== undefined);

/** The headline comparison, one row per variant: what the CLI prints and exports reuse. */
export const RESULT_COLUMNS: readonly string[] = ['variant', ...TABLE_QUANTITIES.map((q) => q.column!)];

export function resultRows(report: RunReport): string[][] {
  return report.variants.map((v) => [v.isBaseline ? `${v.id} (baseline)` : v.id, ...TABLE_QUANTITIES.map((q) => quantityText(q, v))]);
}

/** Plain-text table with aligned columns. */
export function renderTable(header: readonly string[], rows: readonly string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

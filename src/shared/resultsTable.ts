import { formatBytes, formatMs, formatNumber, formatPercent, formatSigned, formatWithError } from './format';
import type { RunReport } from './report/schema';

/** The headline comparison, one row per variant: what the CLI prints and exports reuse. */
export const RESULT_COLUMNS = ['variant', 'size', 'PPL', 'ΔPPL', 'mean KLD', 'same top', 'RMS Δp', 'TTFT', 'TPOT', 'tok/s', 'peak RSS'] as const;

export function resultRows(report: RunReport): string[][] {
  return report.variants.map((v) => [
    v.isBaseline ? `${v.id} (baseline)` : v.id,
    formatBytes(v.sizeBytes),
    formatWithError(v.perplexity?.tokenPerplexity.value, v.perplexity?.tokenPerplexity.se, 4),
    v.isBaseline ? '—' : v.deltaPerplexity ? `${formatSigned(v.deltaPerplexity.value, 3)} ± ${formatNumber(v.deltaPerplexity.se, 2)}` : '—',
    v.isBaseline ? '—' : formatWithError(v.kld?.kld.mean, v.kld?.kld.se),
    v.isBaseline ? '—' : formatPercent(v.kld?.sameTop.value, 1),
    v.isBaseline ? '—' : formatPercent(v.kld?.rmsDeltaP.value, 2),
    formatMs(v.performance?.ttftMs.mean),
    formatMs(v.performance?.tpotMs?.mean),
    formatNumber(v.performance?.outputTokensPerSecond.mean, 3),
    formatBytes(v.performance?.peakRssBytes),
  ]);
}

/** Plain-text table with aligned columns. */
export function renderTable(header: readonly string[], rows: readonly string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

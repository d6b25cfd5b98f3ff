import { csvText } from '../csv';
import { escapeHtml } from '../exports';
import { renderTable } from '../resultsTable';
import { CARD_DIFFERENCE_COLUMNS, cardDifferenceRows, CHECKLIST_COLUMNS, checklistRows, COMPARISON_COLUMNS, comparisonRows } from './comparisonTable';
import type { RunComparison } from './types';

/** The comparison in the formats a single run exports to (CLI `compare --format`, the panel's Comparison section). */
export type ComparisonFormat = 'text' | 'markdown' | 'csv' | 'html' | 'json';

export function comparisonTo(format: ComparisonFormat, comparison: RunComparison): string {
  switch (format) {
    case 'text':
      return comparisonToText(comparison);
    case 'markdown':
      return comparisonToMarkdown(comparison);
    case 'csv':
      return comparisonToCsv(comparison);
    case 'html':
      return comparisonToHtml(comparison);
    case 'json':
      return JSON.stringify(comparison, null, 2) + '\n';
  }
}

function title(c: RunComparison): string {
  return `QuantLens comparison: run A ${c.runA.runId} → run B ${c.runB.runId}`;
}

export function comparisonToText(c: RunComparison): string {
  const parts = [title(c), '', renderTable(COMPARISON_COLUMNS, comparisonRows(c))];
  parts.push('', c.cardDifferences.length ? `Run card differences:\n${renderTable(CARD_DIFFERENCE_COLUMNS, cardDifferenceRows(c))}` : 'Run card differences: none.');
  parts.push('', c.warnings.length ? `Comparability warnings:\n${c.warnings.map((w) => `warning: ${w}`).join('\n')}` : 'Comparability: every check passed.');
  return parts.join('\n') + '\n';
}

function markdownTable(header: readonly string[], rows: readonly string[][]): string[] {
  const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}

export function comparisonToMarkdown(c: RunComparison): string {
  return [
    `# ${title(c)}`,
    '',
    `- Run A: ${c.runA.runId} (${c.runA.status}, ${c.runA.createdAt})`,
    `- Run B: ${c.runB.runId} (${c.runB.status}, ${c.runB.createdAt})`,
    '- Δ is run B − run A with its 95% interval; the verdict uses each metric\'s direction.',
    '',
    ...markdownTable(COMPARISON_COLUMNS, comparisonRows(c)),
    '',
    '## Run card differences',
    '',
    ...(c.cardDifferences.length ? markdownTable(CARD_DIFFERENCE_COLUMNS, cardDifferenceRows(c)) : ['None.']),
    '',
    '## Comparability',
    '',
    ...markdownTable(CHECKLIST_COLUMNS, checklistRows(c)),
    '',
    ...c.warnings.map((w) => `- **Warning:** ${w}`),
    '',
  ].join('\n');
}

/** Raw numbers, one row per variant and metric, for spreadsheets. */
export function comparisonToCsv(c: RunComparison): string {
  const header = ['variant', 'metric', 'title', 'lower_is_better', 'run_a', 'run_b', 'delta', 'relative', 'ci_low', 'ci_high', 'se', 'method', 'paired_unit', 'paired_n', 'verdict', 'note'];
  const rows = c.variants.flatMap((v) => v.metrics.map((m) => [v.variantId, m.metric, m.title, m.lowerIsBetter, m.a, m.b, m.delta, m.relative, m.ci?.low, m.ci?.high, m.se, m.method, m.pairedOn?.unit, m.pairedOn?.n, m.verdict, m.note]));
  return csvText([header, ...rows]);
}

function htmlTable(header: readonly string[], rows: readonly string[][]): string {
  return `<table><thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((x) => `<td>${escapeHtml(x)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

/** Self-contained, no scripts, every string escaped (as a single run's HTML export). */
export function comparisonToHtml(c: RunComparison): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(title(c))}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #999;padding:3px 8px;text-align:right;vertical-align:top}td:first-child,th:first-child{text-align:left}</style>
</head><body>
<h1>${escapeHtml(title(c))}</h1>
<p>Δ is run B − run A with its 95% interval; the verdict uses each metric's direction.</p>
${htmlTable(COMPARISON_COLUMNS, comparisonRows(c))}
<h2>Run card differences</h2>
${c.cardDifferences.length ? htmlTable(CARD_DIFFERENCE_COLUMNS, cardDifferenceRows(c)) : '<p>None.</p>'}
<h2>Comparability</h2>
${htmlTable(CHECKLIST_COLUMNS, checklistRows(c))}
${c.warnings.length ? `<ul>${c.warnings.map((w) => `<li>Warning: ${escapeHtml(w)}</li>`).join('')}</ul>` : ''}
</body></html>
`;
}

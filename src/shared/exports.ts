import { annotatedSamplesToCsv, annotatedSamplesToJsonl, annotationSummaryRows, annotationSummaryToCsv, samplesWithAnnotations } from './annotations';
import { calibrationCsvSection, calibrationSection } from './calibration/calibrationTable';
import { csvText } from './csv';
import { csvSectionRecords, sectionHtml, sectionMarkdown, type ExportSection } from './export/exportSection';
import { formatBytes, formatPercent } from './format';
import { GOAL_COLUMNS, goalRows } from './goalTable';
import type { ExportFormat, RunData } from './panelProtocol';
import { quantityCsvCells, quantityCsvKeys } from './report/quantities';
import { RESULT_COLUMNS, renderTable, resultRows } from './resultsTable';
import { humanRatingCsvSections, humanRatingHtml, humanRatingMarkdown } from './rating/ratingTable';
import { robustnessCsvSection, robustnessSection } from './robustness/robustnessTable';

/** Markdown summary of a run: header facts and the comparison table. */
export function toMarkdown(data: RunData): string {
  const { card, report } = data;
  const rows = report ? resultRows(report) : [];
  const escapeCell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [
    `# QuantLens run ${card.runId}`,
    '',
    `- Model: ${card.spec.modelName} (${card.spec.modelFolder})`,
    `- Baseline: ${card.spec.baselineId}; variants: ${card.spec.variantIds.join(', ')}`,
    `- Machine: ${card.environment.cpuModel}, ${card.environment.cores} cores, ${formatBytes(card.environment.totalMemoryBytes)} RAM${card.environment.gpu ? `, ${card.environment.gpu}` : ''}`,
    `- Software: Node ${card.environment.node}, onnxruntime-node ${card.environment.onnxruntimeNode}, transformers.js ${card.environment.transformersJs}, QuantLens ${card.environment.quantlens}`,
    `- Status: ${data.status}; created ${card.createdAt}`,
    '',
    `| ${RESULT_COLUMNS.join(' | ')} |`,
    `| ${RESULT_COLUMNS.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(escapeCell).join(' | ')} |`),
    '',
    ...goalsMarkdown(data, escapeCell),
    ...(report ? sectionMarkdown(robustnessSection(report), escapeCell) : []),
    ...(report ? sectionMarkdown(calibrationSection(report), escapeCell) : []),
    ...failureSummaryMarkdown(data),
    ...humanRatingMarkdown(report?.humanRating, escapeCell),
    '## Methods',
    '',
    ...card.methods.map((m) => `- ${m}`),
    '',
  ];
  return lines.join('\n');
}

/**
 * RFC 4180 CSV of the comparison table, with raw numbers (not formatted) for spreadsheets; then,
 * when the run has them, the robustness, calibration and human rating sections, each after an
 * empty record and a one-cell title record, with its own header.
 */
export function toCsv(data: RunData): string {
  const report = data.report;
  const header = ['variant', 'dtype', 'baseline', ...quantityCsvKeys()];
  const rows = (report?.variants ?? []).map((v) => [v.id, v.dtype, v.isBaseline, ...quantityCsvCells(v)]);
  const sections = report ? [robustnessCsvSection(report), calibrationCsvSection(report), ...humanRatingCsvSections(report.humanRating)] : [];
  return csvText([header, ...rows, ...csvSectionRecords(sections)]);
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * A self-contained HTML report: no scripts at all, a CSP that forbids them, every string escaped.
 * Opens anywhere, offline.
 */
export function toHtml(data: RunData): string {
  const report = data.report;
  const rows = report ? resultRows(report) : [];
  const table = `<table><thead><tr>${RESULT_COLUMNS.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
  const samples = data.samples
    .filter((s) => s.variantId !== data.card.spec.baselineId)
    .slice(0, 200)
    .map((s) => `<tr><td>${escapeHtml(s.variantId)}</td><td>${escapeHtml(s.prompt)}</td><td>${escapeHtml(s.output)}</td><td>${s.firstDivergence ?? '—'}</td></tr>`)
    .join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>QuantLens run ${escapeHtml(data.card.runId)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #999;padding:3px 8px;text-align:right;vertical-align:top}td:first-child,th:first-child{text-align:left}td{white-space:pre-wrap}</style>
</head><body>
<h1>QuantLens run ${escapeHtml(data.card.runId)}</h1>
<p>${escapeHtml(`${data.card.spec.modelName} · baseline ${data.card.spec.baselineId} · ${data.card.environment.cpuModel} · ${data.status}`)}</p>
${table}
${goalsHtml(data)}
${report ? sectionHtml(robustnessSection(report), escapeHtml) : ''}
${report ? sectionHtml(calibrationSection(report), escapeHtml) : ''}
${failureSummaryHtml(data)}
${humanRatingHtml(report?.humanRating, escapeHtml)}
<h2>Methods</h2><ul>${data.card.methods.map((m) => `<li>${escapeHtml(m)}</li>`).join('')}</ul>
<h2>Samples</h2><table><thead><tr><th>variant</th><th>prompt</th><th>output</th><th>first divergence</th></tr></thead><tbody>${samples}</tbody></table>
</body></html>
`;
}

export function toJson(data: RunData): string {
  const samples = samplesWithAnnotations(data.samples, data.annotations.annotations, data.annotations.dismissedFlags, data.annotations.modelFolder);
  return JSON.stringify({ card: data.card, report: data.report, failureSummary: data.annotations.summary, samples }, null, 2) + '\n';
}

/** Plain-text table (for a quick look in an editor). */
export function toText(data: RunData): string {
  return data.report ? renderTable(RESULT_COLUMNS, resultRows(data.report)) : 'no report yet';
}

/** The run-level goals' verdicts with the evidence that decided (no rows without goals). */
function goalsSection(data: RunData): ExportSection {
  return { title: 'Goals', columns: GOAL_COLUMNS, rows: data.report ? goalRows(data.report) : [] };
}

function goalsMarkdown(data: RunData, escapeCell: (s: string) => string): string[] {
  return sectionMarkdown(goalsSection(data), escapeCell);
}

function goalsHtml(data: RunData): string {
  return sectionHtml(goalsSection(data), escapeHtml);
}

/** Failure rates by category (human annotations and automatic flags), as Markdown lines. */
function failureSummaryMarkdown(data: RunData): string[] {
  const rows = annotationSummaryRows(data.annotations.summary).filter((r) => Number(r[4]) > 0);
  if (rows.length === 0) return [];
  return [
    '## Failures',
    '',
    '| variant | source | category | samples | rate (95% CI) |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${[r[0], r[1], r[3]].map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} | ${r[4]}/${r[5]} | ${formatPercent(Number(r[6]), 1)} (${formatPercent(Number(r[7]), 1)}–${formatPercent(Number(r[8]), 1)}) |`),
    '',
  ];
}

/** Each generated sample with its annotations and flags, one JSON object a line. */
export function toSamplesJsonl(data: RunData): string {
  return annotatedSamplesToJsonl(samplesWithAnnotations(data.samples, data.annotations.annotations, data.annotations.dismissedFlags, data.annotations.modelFolder));
}

/** The same as CSV, annotations as a JSON cell. */
export function toSamplesCsv(data: RunData): string {
  return annotatedSamplesToCsv(samplesWithAnnotations(data.samples, data.annotations.annotations, data.annotations.dismissedFlags, data.annotations.modelFolder));
}

/** The failure summary as CSV (raw rates). */
export function toFailureSummaryCsv(data: RunData): string {
  return annotationSummaryToCsv(data.annotations.summary);
}

function failureSummaryHtml(data: RunData): string {
  const rows = annotationSummaryRows(data.annotations.summary).filter((r) => Number(r[4]) > 0);
  if (rows.length === 0) return '';
  const cells = rows.map((r) => `<tr><td>${escapeHtml(String(r[0]))}</td><td>${escapeHtml(String(r[1]))}</td><td>${escapeHtml(String(r[3]))}</td><td>${r[4]}/${r[5]}</td><td>${formatPercent(Number(r[6]), 1)} (${formatPercent(Number(r[7]), 1)}–${formatPercent(Number(r[8]), 1)})</td></tr>`).join('');
  return `<h2>Failures</h2><table><thead><tr><th>variant</th><th>source</th><th>category</th><th>samples</th><th>rate (95% CI)</th></tr></thead><tbody>${cells}</tbody></table>`;
}

/** Every export of a run: the panel's Export buttons and `quantlens export` both write these. */
export const RUN_EXPORTS: Record<ExportFormat, { extension: string; label: string; render: (data: RunData) => string }> = {
  markdown: { extension: 'md', label: 'Markdown', render: toMarkdown },
  csv: { extension: 'csv', label: 'CSV', render: toCsv },
  html: { extension: 'html', label: 'HTML', render: toHtml },
  json: { extension: 'json', label: 'JSON', render: toJson },
  'samples-jsonl': { extension: 'jsonl', label: 'Samples (JSONL)', render: toSamplesJsonl },
  'samples-csv': { extension: 'csv', label: 'Samples (CSV)', render: toSamplesCsv },
};

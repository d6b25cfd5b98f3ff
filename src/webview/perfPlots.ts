import { formatBytes } from '../shared/format';
import type { PerformanceCell, RunReport } from '../shared/report/schema';
import { SWEEP_COLUMNS, sweepRows } from '../shared/perf/sweepTable';
import { SERVED_COLUMNS, servedLines, servedRows } from '../shared/perf/servedTable';
import { clear, custom, h } from './dom';

/** plotly.js-basic-dist-min, loaded by its own <script> tag (see plot.ts). */
declare const Plotly: { react(el: HTMLElement, data: unknown[], layout: unknown, config: unknown): Promise<unknown> } | undefined;

export interface PerfChoice {
  metric: 'tpot' | 'ttft' | 'throughput';
  axis: 'batch' | 'concurrency';
}

const METRICS: Record<PerfChoice['metric'], { label: string; unit: string; pick: (c: PerformanceCell) => PerformanceCell['tpotMs'] }> = {
  tpot: { label: 'TPOT', unit: 'ms', pick: (c) => c.tpotMs },
  ttft: { label: 'TTFT', unit: 'ms', pick: (c) => c.ttftMs },
  throughput: { label: 'Output tokens/s under load', unit: 'tok/s', pick: (c) => c.outputTokensPerSecond },
};

const cssVar = (name: string, fallback: string): string => getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
// plotly renders a small HTML subset in names and hover text: variant ids come from the user's files.
const plain = (text: string): string => text.replace(/[<>&]/g, '');
const PLOT_CONFIG = { displaylogo: false, responsive: true, showSendToCloud: false, modeBarButtonsToRemove: ['sendDataToCloud', 'sendChartToCloud'] };

function layout(xTitle: string, yTitle: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { color: cssVar('--vscode-foreground', '#ccc'), family: cssVar('--vscode-font-family', 'sans-serif') },
    margin: { l: 60, r: 20, t: 40, b: 50 },
    height: 300,
    xaxis: { title: { text: xTitle }, gridcolor: 'rgba(128,128,128,0.2)', zeroline: false },
    yaxis: { title: { text: yTitle }, gridcolor: 'rgba(128,128,128,0.2)', zeroline: false, rangemode: 'tozero' },
    legend: { orientation: 'h', x: 0, y: 1.02, yanchor: 'bottom' },
    ...extra,
  };
}

/**
 * One line per variant (and per setting of the other sweep dimensions) of a latency or throughput
 * figure against batch size or concurrency, with 95% CI bars.
 */
export function latencySeries(report: RunReport, choice: PerfChoice): Array<{ name: string; x: number[]; y: number[]; half: number[] }> {
  const metric = METRICS[choice.metric];
  const series = new Map<string, { name: string; points: Array<[number, number, number]> }>();
  for (const v of report.variants) {
    const cells = v.performance?.cells ?? [];
    const varies = (key: keyof PerformanceCell): boolean => new Set(cells.map((c) => c[key])).size > 1;
    for (const c of cells) {
      const x = choice.axis === 'batch' ? c.batchSize : c.concurrency;
      const rest: string[] = [];
      if (varies('inputTokens')) rest.push(`in ${c.inputTokens}`);
      if (varies('outputTokens')) rest.push(`out ${c.outputTokens}`);
      if (choice.axis === 'batch' && varies('concurrency')) rest.push(`conc ${c.concurrency}`);
      if (choice.axis === 'concurrency' && varies('batchSize')) rest.push(`batch ${c.batchSize}`);
      // A served variant's cells also vary the request rate: one line per rate.
      if (new Set(cells.map((x) => x.served?.requestRate)).size > 1 && c.served) rest.push(`${c.served.requestRate} req/s`);
      const name = [v.id, ...rest].join(' · ');
      const d = metric.pick(c);
      if (!d) continue; // no TPOT in a prefill-only cell
      const entry = series.get(name) ?? { name, points: [] };
      entry.points.push([x, d.mean, (d.ci95[1] - d.ci95[0]) / 2]);
      series.set(name, entry);
    }
  }
  return [...series.values()].map((s) => {
    const points = s.points.sort((a, b) => a[0] - b[0]);
    return { name: s.name, x: points.map((p) => p[0]), y: points.map((p) => p[1]), half: points.map((p) => (Number.isFinite(p[2]) ? p[2] : 0)) };
  });
}

/** The performance section: latency vs batch/concurrency, roofline fractions with their sentences, every cell's statistics. */
export function renderPerformance(container: HTMLElement, report: RunReport | null, choice: PerfChoice, onChoice: (c: PerfChoice) => void): void {
  clear(container);
  const measured = report?.variants.filter((v) => v.performance?.cells?.length) ?? [];
  if (!report || measured.length === 0) {
    container.append(h('p', { class: 'empty' }, 'No performance sweep in this run (measure "performance" to see latency, throughput, memory and roofline).'));
    return;
  }
  const select = (id: string, options: Array<[string, string]>, value: string, apply: (v: string) => void): HTMLElement =>
    custom('vscode-single-select', { attrs: { id, 'aria-label': id }, on: { change: (e) => apply((e.target as HTMLSelectElement).value) } }, ...options.map(([v, label]) => custom('vscode-option', { attrs: { value: v, ...(v === value ? { selected: '' } : {}) } }, label)));
  const latencyDiv = h('div', { class: 'plot', attrs: { id: 'perf-latency-plot' } });
  const rooflineDiv = h('div', { class: 'plot', attrs: { id: 'perf-roofline-plot' } });
  container.append(
    h('div', { class: 'toolbar' },
      h('label', {}, 'y ', select('perf-metric', Object.entries(METRICS).map(([k, m]) => [k, m.label]), choice.metric, (v) => onChoice({ ...choice, metric: v as PerfChoice['metric'] }))),
      h('label', {}, 'x ', select('perf-axis', [['batch', 'Batch size'], ['concurrency', 'Concurrent requests']], choice.axis, (v) => onChoice({ ...choice, axis: v as PerfChoice['axis'] }))),
    ),
    latencyDiv,
    h('h4', {}, 'Roofline: achieved share of this machine\'s measured ceilings (headline cell)'),
    rooflineDiv,
    h('div', { class: 'roofline-sentences' }, ...measured.filter((v) => v.rooflineExplanation).map((v) => h('p', { class: 'roofline-sentence', attrs: { 'data-variant': v.id } }, v.rooflineExplanation!))),
    ...[machineLine(report), cellTable(report), servedTable(report), warningList(report)].filter((el): el is HTMLElement => el !== null),
  );
  const series = latencySeries(report, choice);
  latencyDiv.setAttribute('data-series', String(series.length));
  if (typeof Plotly === 'undefined') {
    latencyDiv.append(h('p', { class: 'empty' }, 'plotly.js did not load.'));
    return;
  }
  const metric = METRICS[choice.metric];
  const xTitle = choice.axis === 'batch' ? 'Batch size' : 'Concurrent requests';
  const points = series.reduce((n, s) => n + s.x.length, 0);
  void Plotly.react(latencyDiv, series.map((s) => ({
    type: 'scatter', mode: 'lines+markers', name: plain(s.name), x: s.x, y: s.y,
    error_y: { type: 'data', array: s.half, visible: true },
    hovertemplate: `${plain(s.name)}<br>%{x}: %{y:.4g} ${metric.unit}<extra></extra>`,
  })), layout(xTitle, `${metric.label} (${metric.unit}), mean ± 95% CI`, { xaxis: { title: { text: xTitle }, tickvals: [...new Set(series.flatMap((s) => s.x))].sort((a, b) => a - b), gridcolor: 'rgba(128,128,128,0.2)' } }), PLOT_CONFIG);
  if (points === series.length) latencyDiv.setAttribute('title', 'One workload per variant: sweep batch sizes or concurrency (quantlens.performance.batchSizes / concurrency) to see a curve.');
  const withRoofline = measured.filter((v) => v.performance?.roofline);
  const percent = (x: number | null | undefined): number | null => (x === null || x === undefined ? null : x * 100);
  void Plotly.react(rooflineDiv, [
    { type: 'bar', name: 'of copy bandwidth', x: withRoofline.map((v) => plain(v.id)), y: withRoofline.map((v) => percent(v.performance!.roofline!.bandwidthFraction)), hovertemplate: '%{x}: %{y:.3g}% of measured bandwidth<extra></extra>' },
    { type: 'bar', name: 'of MatMul FLOP/s', x: withRoofline.map((v) => plain(v.id)), y: withRoofline.map((v) => percent(v.performance!.roofline!.flopsFraction)), hovertemplate: '%{x}: %{y:.3g}% of measured FLOP/s<extra></extra>' },
  ], layout('Variant', '% of measured peak', { barmode: 'group' }), PLOT_CONFIG);
}

function machineLine(report: RunReport): HTMLElement | null {
  const m = report.variants.find((v) => v.performance?.machine)?.performance?.machine;
  if (!m) return null;
  const flops = m.matmulFlopsPerSecond === null ? 'MatMul probe failed' : `MatMul ${(m.matmulFlopsPerSecond / 1e9).toFixed(1)} GFLOP/s (${m.matmulSize}³ fp32 on ${m.provider})`;
  return h('p', { class: 'meta', attrs: { id: 'perf-machine' } }, `Measured on this machine: streaming copy ${(m.copyBandwidthBytesPerSecond / 1e9).toFixed(1)} GB/s (${m.copyThreads} threads), ${flops}${m.lastLevelCacheBytes ? `; last-level cache ${formatBytes(m.lastLevelCacheBytes)}` : ''}.`);
}

function cellTable(report: RunReport): HTMLElement {
  const rows = sweepRows(report);
  return h('table', { class: 'comparison perf-cells', attrs: { id: 'perf-cells' } },
    h('thead', {}, h('tr', {}, ...SWEEP_COLUMNS.map((c) => h('th', {}, c)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((cell, i) => h('td', { class: i === 0 ? 'variant' : 'num' }, cell))))),
  );
}

/** Served variants' load figures (request rate, failures, goodput, queueing, fixed length), with their SLOs and caveats. */
function servedTable(report: RunReport): HTMLElement | null {
  const rows = servedRows(report);
  if (rows.length === 0) return null;
  return h('div', { class: 'served-load', attrs: { id: 'perf-served' } },
    h('h4', {}, 'Served load (vLLM\'s definitions)'),
    h('table', { class: 'comparison perf-cells' },
      h('thead', {}, h('tr', {}, ...SERVED_COLUMNS.map((c) => h('th', {}, c)))),
      h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((cell, i) => h('td', { class: i === 0 ? 'variant' : 'num' }, cell))))),
    ),
    ...servedLines(report).map((line) => h('p', { class: 'meta' }, line)),
  );
}

/** Noise, drift and fallback warnings of the performance phase, as the engine recorded them. */
function warningList(report: RunReport): HTMLElement | null {
  const ids = new Set(report.variants.map((v) => v.id));
  const perf = report.warnings.filter((w) => /TPOT|output length|natural decoding|execution provider|machine probe/.test(w) && [...ids].some((id) => w.startsWith(id)) || /machine probe/.test(w));
  if (perf.length === 0) return null;
  return h('div', { class: 'perf-warnings' }, ...perf.map((w) => h('p', { class: 'flag' }, w)));
}

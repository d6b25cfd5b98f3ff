import { formatNumber } from '../shared/format';
import { axisTitle, metricsOf } from '../shared/panel/metricsCatalog';
import { paretoFrontier } from '../shared/panel/pareto';
import { GoalBand, goalBands } from '../shared/panel/goalBands';
import type { RunReport } from '../shared/report/schema';
import { clear, custom, h } from './dom';
import { post } from './vscodeApi';

/** plotly.js-basic-dist-min, loaded from the extension by its own <script> tag (never a CDN). */
interface PlotlyApi {
  react(el: HTMLElement, data: unknown[], layout: unknown, config: unknown): Promise<unknown>;
}
declare const Plotly: PlotlyApi | undefined;

const cssVar = (name: string, fallback: string): string => getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;

export interface PlotChoice {
  x: string;
  y: string;
}

/** Axis pickers, the plot, and PNG/SVG export. */
export function renderPlot(container: HTMLElement, report: RunReport, choice: PlotChoice, onChoice: (c: PlotChoice) => void): void {
  clear(container);
  const all = metricsOf(report);
  const metricById = (id: string): (typeof all)[number] | undefined => all.find((m) => m.id === id);
  const available = all.filter((m) => report.variants.some((v) => Number.isFinite(m.value(v) ?? NaN)));
  const xs = available.filter((m) => m.axis === 'cost');
  const ys = available.filter((m) => m.axis === 'fidelity');
  const x = metricById(choice.x) && xs.some((m) => m.id === choice.x) ? metricById(choice.x)! : xs[0];
  const y = metricById(choice.y) && ys.some((m) => m.id === choice.y) ? metricById(choice.y)! : ys[0];
  const select = (id: string, options: typeof available, value: string | undefined, apply: (v: string) => void): HTMLElement =>
    custom('vscode-single-select', { attrs: { id, 'aria-label': id }, on: { change: (e) => apply((e.target as HTMLSelectElement).value) } }, ...options.map((m) => custom('vscode-option', { attrs: { value: m.id, ...(m.id === value ? { selected: '' } : {}) } }, m.label)));
  const plotDiv = h('div', { class: 'plot', attrs: { id: 'tradeoff-plot' } });
  // The host draws the saved image with the shared renderer (what `quantlens export --format svg|png` writes).
  const exportImage = (format: 'png' | 'svg'): void => {
    if (x && y) post({ type: 'save-image', format, x: x.id, y: y.id });
  };
  container.append(
    h('div', { class: 'toolbar' },
      h('label', {}, 'x ', select('plot-x', xs, x?.id, (v) => onChoice({ x: v, y: y?.id ?? '' }))),
      h('label', {}, 'y ', select('plot-y', ys, y?.id, (v) => onChoice({ x: x?.id ?? '', y: v }))),
      custom('vscode-button', { attrs: { secondary: '', id: 'export-png' }, on: { click: () => exportImage('png') } }, 'PNG'),
      custom('vscode-button', { attrs: { secondary: '', id: 'export-svg' }, on: { click: () => exportImage('svg') } }, 'SVG'),
    ),
    plotDiv,
  );
  if (!x || !y) {
    plotDiv.append(h('p', { class: 'empty' }, 'Not enough measurements for a trade-off plot yet.'));
    return;
  }
  const points = report.variants.map((v) => ({ id: v.id, x: x.value(v) ?? NaN, y: y.value(v) ?? NaN }));
  const frontier = paretoFrontier(points, y.higherIsBetter, x.higherIsBetter);
  const onFrontier = new Set(frontier.map((p) => p.id));
  plotDiv.setAttribute('data-frontier', frontier.map((p) => p.id).join(','));
  const bandsX = goalBands(report, x);
  const bandsY = goalBands(report, y);
  plotDiv.setAttribute('data-goal-bands', [...bandsX.map((b) => `x:${b.threshold}:${b.failSide}`), ...bandsY.map((b) => `y:${b.threshold}:${b.failSide}`)].join(','));
  if (typeof Plotly === 'undefined') {
    plotDiv.append(h('p', { class: 'empty' }, 'plotly.js did not load.'));
    return;
  }
  const fg = cssVar('--vscode-foreground', '#ccc');
  const accent = cssVar('--vscode-charts-blue', '#3794ff');
  const grey = cssVar('--vscode-disabledForeground', '#888');
  // plotly renders a small HTML subset in its labels (<b>, <a href>…): strip angle brackets from
  // anything that came from the user's files, and join lines with our own <br> only.
  const plain = (text: string): string => text.replace(/[<>&]/g, '');
  const safeHover = report.variants.map((v) =>
    [plain(v.id) + (v.isBaseline ? ' (baseline)' : ''), ...all.map((m) => [m, m.value(v)] as const).filter(([, val]) => val !== undefined && Number.isFinite(val)).map(([m, val]) => `${plain(m.label)}: ${formatNumber(val, 4)}${m.unit ? ' ' + m.unit : ''}`)].join('<br>'),
  );
  const traces = [
    {
      type: 'scatter',
      mode: 'lines',
      name: 'Pareto frontier',
      x: frontier.map((p) => p.x),
      y: frontier.map((p) => p.y),
      line: { color: accent, dash: 'dot' },
      hoverinfo: 'skip',
    },
    {
      type: 'scatter',
      mode: 'markers+text',
      name: 'variants',
      x: points.map((p) => p.x),
      y: points.map((p) => p.y),
      text: report.variants.map((v) => plain(v.id)),
      textposition: 'top center',
      hovertext: safeHover,
      hoverinfo: 'text',
      error_x: { type: 'data', array: report.variants.map((v) => x.se(v) ?? 0), visible: true, color: grey },
      error_y: { type: 'data', array: report.variants.map((v) => y.se(v) ?? 0), visible: true, color: grey },
      marker: {
        size: report.variants.map((v) => (v.isBaseline ? 16 : 12)),
        symbol: report.variants.map((v) => (v.isBaseline ? 'star' : 'circle')),
        color: report.variants.map((v) => (onFrontier.has(v.id) ? accent : grey)),
        opacity: report.variants.map((v) => (onFrontier.has(v.id) ? 1 : 0.45)),
      },
    },
  ];
  // Goal thresholds: a dashed line at the threshold and a light band over the failing side, out to
  // past the farthest point (a plotly shape on data coordinates widens the autorange to include it).
  const failColor = cssVar('--vscode-charts-red', '#f14c4c');
  const bandShapes = (bands: GoalBand[], values: number[], axis: 'x' | 'y'): unknown[] =>
    bands.flatMap((b) => {
      const finite = values.filter(Number.isFinite);
      const span = Math.max(...finite, b.threshold) - Math.min(...finite, b.threshold) || Math.abs(b.threshold) || 1;
      const far = b.failSide === 'above' ? Math.max(...finite, b.threshold) + 0.1 * span : Math.min(...finite, b.threshold) - 0.1 * span;
      const across = axis === 'x' ? { yref: 'paper', y0: 0, y1: 1, xref: 'x' } : { xref: 'paper', x0: 0, x1: 1, yref: 'y' };
      const along = (a: number, c: number): Record<string, number> => (axis === 'x' ? { x0: a, x1: c } : { y0: a, y1: c });
      return [
        { type: 'rect', ...across, ...along(b.threshold, far), fillcolor: failColor, opacity: 0.08, line: { width: 0 }, layer: 'below' },
        { type: 'line', ...across, ...along(b.threshold, b.threshold), line: { color: failColor, width: 1, dash: 'dash' } },
      ];
    });
  const bandNotes = [
    ...bandsX.map((b) => ({ x: b.threshold, xref: 'x', y: 1, yref: 'paper', yanchor: 'bottom', text: plain(b.label), showarrow: false, font: { size: 10, color: failColor } })),
    ...bandsY.map((b) => ({ x: 1, xref: 'paper', xanchor: 'right', y: b.threshold, yref: 'y', yanchor: 'bottom', text: plain(b.label), showarrow: false, font: { size: 10, color: failColor } })),
  ];
  const layout = {
    shapes: [...bandShapes(bandsX, points.map((p) => p.x), 'x'), ...bandShapes(bandsY, points.map((p) => p.y), 'y')],
    annotations: bandNotes,
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { color: fg, family: cssVar('--vscode-font-family', 'sans-serif') },
    margin: { l: 60, r: 20, t: 20, b: 50 },
    showlegend: false,
    xaxis: { title: { text: axisTitle(x) }, gridcolor: 'rgba(128,128,128,0.2)', zeroline: false },
    yaxis: { title: { text: axisTitle(y) }, gridcolor: 'rgba(128,128,128,0.2)', zeroline: false },
    height: 360,
  };
  void Plotly.react(plotDiv, traces, layout, { displaylogo: false, responsive: true, showSendToCloud: false, modeBarButtonsToRemove: ['toImage', 'sendDataToCloud', 'sendChartToCloud'] });
}

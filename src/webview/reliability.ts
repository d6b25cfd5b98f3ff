/**
 * The reliability diagram of each multiple-choice task (HELM's calibration axis): per variant,
 * each equal-mass bin's mean confidence against its accuracy, baseline and variants overlaid on
 * the diagonal of perfect calibration, with the bins' counts in the hover and in a table below.
 * Task names and variant ids come from the user's files: DOM text goes through textContent, plotly
 * text through plain().
 */
import { formatNumber } from '../shared/format';
import type { RunReport } from '../shared/report/schema';
import type { CalibrationSummary } from '../shared/report/robustnessTypes';
import { isPerturbedTaskName } from '../shared/robustness/parseSpec';
import { h } from './dom';
import { cssVar, plain } from './plotText';

declare const Plotly: { react(el: HTMLElement, data: unknown[], layout: unknown, config: unknown): Promise<unknown> } | undefined;

interface TaskCalibration {
  task: string;
  byVariant: Array<{ id: string; isBaseline: boolean; calibration: CalibrationSummary }>;
}

/** Clean multiple-choice tasks with calibration data, in report order. */
export function calibratedTasks(report: RunReport): TaskCalibration[] {
  const out: TaskCalibration[] = [];
  for (const v of report.variants) {
    for (const t of v.tasks ?? []) {
      if (!t.calibration || isPerturbedTaskName(t.task)) continue;
      let entry = out.find((e) => e.task === t.task);
      if (!entry) out.push((entry = { task: t.task, byVariant: [] }));
      entry.byVariant.push({ id: v.id, isBaseline: v.isBaseline, calibration: t.calibration });
    }
  }
  return out;
}

function binTable(entry: TaskCalibration): HTMLElement {
  const header = ['variant', 'bin (confidence)', 'count', 'mean confidence', 'accuracy'];
  return h(
    'table',
    { class: 'comparison reliability-bins' },
    h('thead', {}, h('tr', {}, ...header.map((c) => h('th', {}, c)))),
    h(
      'tbody',
      {},
      ...entry.byVariant.flatMap(({ id, calibration }) =>
        calibration.bins.map((b) => h('tr', { attrs: { 'data-variant': id } }, h('td', {}, id), h('td', {}, `(${formatNumber(b.low, 3)}, ${formatNumber(b.high, 3)}]`), h('td', {}, String(b.count)), h('td', {}, formatNumber(b.meanConfidence, 3)), h('td', {}, formatNumber(b.accuracy, 3)))),
      ),
    ),
  );
}

/** One diagram per calibrated task; null when the run has none. */
export function reliabilityDiagrams(report: RunReport): HTMLElement | null {
  const tasks = calibratedTasks(report);
  if (!tasks.length) return null;
  const container = h('div', { class: 'reliability', attrs: { id: 'reliability' } });
  tasks.forEach((entry, index) => {
    const first = entry.byVariant[0]!.calibration;
    const plotDiv = h('div', { class: 'plot', attrs: { id: `reliability-plot-${index}`, 'data-bins': String(first.numBins), 'data-binning': first.binning } });
    container.append(
      h('h3', { class: 'reliability-task' }, `Reliability diagram: ${entry.task}`),
      h('p', { class: 'caption' }, `${first.numBins} ${first.binning} bins (HELM ece_10_bin: sorted confidences split into ${first.numBins} nearly equal parts); a point per non-empty bin at (mean confidence, accuracy), its size by the bin's count; confidence = the highest choice probability.`),
      plotDiv,
      h('h4', {}, 'Counts per bin'),
      binTable(entry),
    );
    if (typeof Plotly === 'undefined') {
      plotDiv.append(h('p', { class: 'empty' }, 'plotly.js did not load.'));
      return;
    }
    const maxCount = Math.max(1, ...entry.byVariant.flatMap((v) => v.calibration.bins.map((b) => b.count)));
    const traces = [
      { type: 'scatter', mode: 'lines', name: 'perfect calibration', x: [0, 1], y: [0, 1], line: { color: cssVar('--vscode-disabledForeground', '#888'), dash: 'dot' }, hoverinfo: 'skip' },
      ...entry.byVariant.map(({ id, isBaseline, calibration }) => ({
        type: 'scatter',
        mode: 'lines+markers',
        name: `${plain(id)}${isBaseline ? ' (baseline)' : ''} · ECE ${formatNumber(calibration.ece ?? NaN, 3)}`,
        x: calibration.bins.map((b) => b.meanConfidence),
        y: calibration.bins.map((b) => b.accuracy),
        customdata: calibration.bins.map((b) => b.count),
        hovertext: calibration.bins.map((b) => `${plain(id)}: confidence (${formatNumber(b.low, 3)}, ${formatNumber(b.high, 3)}]<br>n = ${b.count}<br>mean confidence ${formatNumber(b.meanConfidence, 3)}<br>accuracy ${formatNumber(b.accuracy, 3)}`),
        hoverinfo: 'text',
        line: { dash: isBaseline ? 'dash' : 'solid' },
        marker: { size: calibration.bins.map((b) => 6 + 14 * Math.sqrt(b.count / maxCount)), symbol: isBaseline ? 'star' : 'circle' },
      })),
    ];
    const layout = {
      paper_bgcolor: 'rgba(0,0,0,0)',
      plot_bgcolor: 'rgba(0,0,0,0)',
      font: { color: cssVar('--vscode-foreground', '#ccc'), family: cssVar('--vscode-font-family', 'sans-serif') },
      margin: { l: 60, r: 20, t: 20, b: 50 },
      xaxis: { title: { text: 'mean confidence in bin' }, range: [0, 1.02], gridcolor: 'rgba(128,128,128,0.2)' },
      yaxis: { title: { text: 'accuracy in bin' }, range: [0, 1.02], gridcolor: 'rgba(128,128,128,0.2)' },
      legend: { orientation: 'h' },
      height: 340,
    };
    void Plotly.react(plotDiv, traces, layout, { displaylogo: false, responsive: true, showSendToCloud: false, modeBarButtonsToRemove: ['sendDataToCloud', 'sendChartToCloud'] });
  });
  return container;
}

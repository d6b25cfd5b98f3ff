import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { isHostToPanel, PanelState, RunData } from '../shared/panelProtocol';
import { byId, clear, h } from './dom';
import { renderHeader, servedTag } from './header';
import { PlotChoice, renderPlot } from './plot';
import { PerfChoice, renderPerformance } from './perfPlots';
import { renderFailures } from './annotations';
import { renderSamples, SampleView } from './samples';
import { renderHumanRating } from './ratingResults';
import { renderCodeSamples } from './codeSamples';
import { renderTable, TableSort } from './table';
import { renderComparabilityWarnings, renderRunComparison, sectionAfterNotice } from './runComparison';
import { loadState, post, saveState } from './vscodeApi';
import { renderRobustness } from './robustness';

/** The results panel: header, comparison table, trade-off plot, samples. Data arrives by message. */
let data: RunData | undefined;
const state: Partial<PanelState> = loadState();
let sort: TableSort = { column: state.sortColumn ?? '', descending: state.sortDescending ?? false };
let plot: PlotChoice = { x: state.plotX ?? 'size', y: state.plotY ?? 'kld' };
let perfChoice: PerfChoice = { metric: 'tpot', axis: 'batch' };
let sampleView: SampleView = { variantId: state.selectedVariant ?? '', filter: state.filter ?? 'all', search: state.search ?? '', selected: state.selectedSample };

function render(): void {
  if (!data) return;
  renderHeader(byId('header'), data);
  renderComparabilityWarnings(sectionAfterNotice('comparability'), data.report);
  const tableSection = byId('table');
  const plotSection = byId('plot');
  if (data.report) {
    renderTable(tableSection, data.report, sort, onSort, servedOf);
    renderPlot(plotSection, data.report, plot, onPlotChoice);
  } else {
    clear(tableSection);
    tableSection.append(h('p', { class: 'empty' }, 'The first results appear here as soon as a unit completes.'));
    clear(plotSection);
  }
  renderPerformanceSection();
  renderRobustness(data.report);
  renderFailures(byId('failures'), data.annotations);
  renderSampleSection();
  // A page without the section (an older harness) skips it.
  const rating = document.getElementById('human-rating');
  if (rating) renderHumanRating(rating, data);
}

/** Latency vs batch/concurrency, roofline fractions and every sweep cell (a page without the section skips it). */
function renderPerformanceSection(): void {
  const section = document.getElementById('performance');
  if (data && section) renderPerformance(section, data.report, perfChoice, (next) => {
    perfChoice = next;
    renderPerformanceSection();
  });
}

/** A served variant's row says where it ran (`served · host:port`) instead of a dtype the server does not tell. */
function servedOf(variantId: string): string | undefined {
  return data ? servedTag(variantId, data.card.variants) : undefined;
}

function onSort(next: TableSort): void {
  sort = next;
  saveState({ sortColumn: sort.column, sortDescending: sort.descending });
  if (data?.report) renderTable(byId('table'), data.report, sort, onSort, servedOf);
}

function onPlotChoice(next: PlotChoice): void {
  plot = next;
  saveState({ plotX: plot.x, plotY: plot.y });
  if (data?.report) renderPlot(byId('plot'), data.report, plot, onPlotChoice);
}

function renderSampleSection(): void {
  if (!data) return;
  const code = document.getElementById('code-samples');
  if (code) renderCodeSamples(code, data);
  renderSamples(byId('samples'), data, sampleView, (next) => {
    sampleView = next;
    persistSampleView();
    renderSampleSection();
  }, (next) => {
    sampleView = next;
    persistSampleView();
  });
}

function persistSampleView(): void {
  saveState({ selectedVariant: sampleView.variantId, filter: sampleView.filter, search: sampleView.search, selectedSample: sampleView.selected });
}

window.addEventListener('message', (event: MessageEvent) => {
  const message: unknown = event.data;
  if (!isHostToPanel(message)) return;
  if (message.type === 'show-run') {
    // A run shown by an older host (or a test harness) may carry no annotations block.
    data = { ...message.data, annotations: message.data.annotations ?? { modelFolder: '', annotations: [], dismissedFlags: [], taxonomy: [], summary: [] } };
    saveState({ runFolder: data.runFolder });
    render();
  } else if (message.type === 'show-comparison') {
    // After the comparability line, so the run's own warnings stay first.
    sectionAfterNotice('comparability');
    const section = sectionAfterNotice('run-comparison');
    document.getElementById('comparability')?.after(section);
    renderRunComparison(section, message.comparison);
  } else {
    const notice = byId('notice');
    notice.textContent = message.text;
    notice.className = `notice ${message.level}`;
  }
});

post({ type: 'ready' });

import { CARD_DIFFERENCE_COLUMNS, cardDifferenceRows, COMPARISON_COLUMNS, comparisonRows } from '../shared/compare/comparisonTable';
import type { RunComparison } from '../shared/compare/types';
import { comparabilityWarnings } from '../shared/report/comparability';
import type { RunReport } from '../shared/report/schema';
import { append, clear, h } from './dom';

/**
 * "Compare with…": this run (B) against another run (A). Every string goes in as text (run ids,
 * file paths and card values are untrusted); the rows are the same the CLI prints.
 */
export function renderRunComparison(container: HTMLElement, comparison: RunComparison): void {
  clear(container);
  const table = (header: readonly string[], rows: readonly string[][], id: string): HTMLTableElement =>
    h('table', { class: 'comparison', attrs: { id } },
      h('thead', {}, h('tr', {}, ...header.map((c) => h('th', {}, c)))),
      h('tbody', {}, ...rows.map((r) => h('tr', { attrs: { 'data-verdict': r[r.length - 1] ?? '' } }, ...r.map((c, i) => h('td', { class: i === 0 ? 'variant' : 'num' }, c))))));
  append(container,
    h('h2', {}, 'Run comparison'),
    h('p', { attrs: { id: 'run-comparison-title' } }, `Run A ${comparison.runA.runId} → run B ${comparison.runB.runId} (this run). Δ is B − A with its 95% interval.`),
    warningList(comparison.warnings, 'run-comparison-warnings'),
    table(COMPARISON_COLUMNS, comparisonRows(comparison), 'run-comparison-table'),
    h('h3', {}, 'Run card differences'),
    comparison.cardDifferences.length ? table(CARD_DIFFERENCE_COLUMNS, cardDifferenceRows(comparison), 'run-card-differences') : h('p', { class: 'empty' }, 'None.'),
  );
}

/** The run's own comparability checklist: only the checks that failed, as warnings. */
export function renderComparabilityWarnings(container: HTMLElement, report: RunReport | null): void {
  clear(container);
  const warnings = comparabilityWarnings(report?.comparability ?? []);
  append(container, warningList(warnings, 'comparability-warnings'));
  // Measures a served variant cannot give (no prompt log-probabilities): said, not left as blank cells.
  const unavailable = report?.unavailable ?? [];
  if (unavailable.length) append(container, h('ul', { class: 'notice', attrs: { id: 'unavailable-measures' } }, ...unavailable.map((u) => h('li', {}, `Not scored: ${u.unit} — ${u.reason}`))));
}

function warningList(warnings: readonly string[], id: string): HTMLElement | null {
  if (warnings.length === 0) return null;
  return h('ul', { class: 'notice error', attrs: { id } }, ...warnings.map((w) => h('li', {}, `Warning: ${w}`)));
}

/** A section the page may not have yet (the static markup predates it): created after the notice line. */
export function sectionAfterNotice(id: string): HTMLElement {
  const existing = document.getElementById(id);
  if (existing) return existing;
  const section = h('section', { attrs: { id } });
  const notice = document.getElementById('notice');
  notice?.after(section);
  return section;
}

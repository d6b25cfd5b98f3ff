import { formatNumber, formatPercent, formatSigned } from '../shared/format';
import { isSignificant, independentSe } from '../shared/panel/significance';
import { MetricDefinition, metricsOf } from '../shared/panel/metricsCatalog';
import { describeVerdict } from '../shared/goalTable';
import { describeFlips } from '../shared/taskTable';
import type { RunReport, VariantSummary } from '../shared/report/schema';
import { clear, h } from './dom';
import { goalsTable } from './goals';

export interface TableSort {
  column: string;
  descending: boolean;
}

/** Paired metrics compare on the same tokens or items: their delta's se is the paired one the engine computed (PPL's ΔPPL, task metrics' bootstrap). */
function deltaWithSe(metric: MetricDefinition, v: VariantSummary, base: VariantSummary): { delta: number; se: number } | undefined {
  const value = metric.value(v);
  const baseValue = metric.value(base);
  if (value === undefined || baseValue === undefined) return undefined;
  const paired = metric.paired?.(v);
  if (paired) return { delta: paired.delta, se: paired.se };
  return { delta: value - baseValue, se: independentSe(metric.se(v) ?? NaN, metric.se(base) ?? NaN) };
}

function cell(metric: MetricDefinition, v: VariantSummary, base: VariantSummary | undefined): HTMLTableCellElement {
  const value = metric.value(v);
  const se = metric.se(v);
  const td = h('td', { class: 'num', attrs: { 'data-metric': metric.id } });
  if (value === undefined || !Number.isFinite(value)) {
    td.textContent = '—';
    return td;
  }
  const bound = metric.lowerBound?.(v);
  const main = h('span', { class: 'value' }, `${bound ? '≥ ' : ''}${formatNumber(value, 4)}`);
  td.append(main);
  // A KLD from a top-k server: say what the bound could not see.
  if (bound) td.append(h('span', { class: 'bound', title: 'A lower bound of the true KLD: the ids outside both top-k lists are merged into one tail bucket' }, ` (${bound})`));
  if (se !== undefined && Number.isFinite(se) && se > 0) td.append(h('span', { class: 'se' }, ` ± ${formatNumber(se, 2)}`));
  // KLD, Same top and RMS Δp already measure the difference from the baseline: no second delta.
  if (base && !v.isBaseline && !metric.vsBaseline) {
    const d = deltaWithSe(metric, v, base);
    if (d) {
      const significant = isSignificant(d.delta, d.se);
      const relative = metric.value(base) ? d.delta / metric.value(base)! : NaN;
      const better = metric.higherIsBetter ? d.delta > 0 : d.delta < 0;
      const deltaText = metric.axis === 'cost' ? formatPercent(relative, 0).replace(/^(?!-)/, '+') : formatSigned(d.delta, 3);
      const delta = h('span', { class: `delta ${significant === false ? 'ns' : better ? 'better' : 'worse'}`, title: significant === false ? 'Not significant: |Δ| ≤ 1.96 · se(Δ)' : `Δ vs baseline ${formatSigned(d.delta, 4)}${Number.isFinite(d.se) ? ` ± ${formatNumber(d.se, 2)}` : ''}` }, ` ${deltaText}${significant === false ? ' n.s.' : ''}`);
      td.append(h('br'), delta);
    }
    // Right/wrong task metrics: a delta near 0 can hide many items going each way.
    const flips = metric.flips?.(v);
    if (flips) {
      const title = `${flips.correctToWrong} right on the baseline and wrong on ${v.id}; ${flips.wrongToCorrect} the reverse${flips.mcnemarP !== undefined ? ` (McNemar p=${formatNumber(flips.mcnemarP, 2)})` : ''}`;
      td.append(h('br'), h('span', { class: 'flips', title, attrs: { 'data-flips': `${flips.correctToWrong}:${flips.wrongToCorrect}` } }, describeFlips(flips)));
    }
  }
  // Goals on this metric (task or run-level): a pass/fail marker, the verdicts in its title.
  const verdicts = metric.verdicts?.(v) ?? [];
  if (verdicts.length) {
    const pass = verdicts.every((g) => g.pass);
    const open = !pass && verdicts.every((g) => g.pass || g.inconclusive);
    const state = pass ? 'pass' : open ? 'inconclusive' : 'fail';
    td.append(' ', h('span', { class: `verdict ${state}`, title: verdicts.map(describeVerdict).join('\n'), attrs: { 'data-verdict': state } }, pass ? '✓ goal' : open ? '? goal' : '✗ goal'));
  }
  return td;
}

/** The comparison table: one row per variant, every metric with its uncertainty and delta vs baseline. */
export function renderTable(container: HTMLElement, report: RunReport, sort: TableSort, onSort: (sort: TableSort) => void, servedTag: (variantId: string) => string | undefined = () => undefined): void {
  clear(container);
  const base = report.variants.find((v) => v.isBaseline);
  const all = metricsOf(report);
  const metrics = all.filter((m) => report.variants.some((v) => m.value(v) !== undefined));
  const sorted = [...report.variants].sort((a, b) => {
    if (!sort.column) return 0; // the report's order: baseline first, then by precision
    if (sort.column === 'variant') return (sort.descending ? -1 : 1) * a.id.localeCompare(b.id);
    const m = all.find((x) => x.id === sort.column);
    const va = m?.value(a) ?? NaN;
    const vb = m?.value(b) ?? NaN;
    // A variant with no value (its unit failed) stays last in either direction.
    if (Number.isNaN(va) || Number.isNaN(vb)) return Number.isNaN(va) ? (Number.isNaN(vb) ? 0 : 1) : -1;
    return sort.descending ? vb - va : va - vb;
  });
  const header = (id: string, label: string, unit: string): HTMLTableCellElement => {
    const arrow = sort.column === id ? (sort.descending ? ' ▼' : ' ▲') : '';
    const toggle = (): void => onSort({ column: id, descending: sort.column === id ? !sort.descending : false });
    const onKey = (e: Event): void => {
      if ((e as KeyboardEvent).key !== 'Enter' && (e as KeyboardEvent).key !== ' ') return;
      e.preventDefault();
      toggle();
      // The table was rebuilt: keep the keyboard on the same header.
      container.querySelector<HTMLElement>(`th[data-column="${CSS.escape(id)}"]`)?.focus();
    };
    return h('th', { attrs: { 'data-column': id, role: 'button', tabindex: '0', 'aria-sort': sort.column === id ? (sort.descending ? 'descending' : 'ascending') : 'none' }, on: { click: toggle, keydown: onKey } }, label, unit ? h('span', { class: 'unit' }, ` (${unit})`) : null, arrow);
  };
  const table = h(
    'table',
    { class: 'comparison', attrs: { id: 'comparison-table' } },
    h('thead', {}, h('tr', {}, header('variant', 'Variant', ''), ...metrics.map((m) => header(m.id, m.label, m.unit)))),
    h(
      'tbody',
      {},
      ...sorted.map((v) =>
        h('tr', { attrs: { 'data-variant': v.id }, class: v.isBaseline ? 'baseline' : '' }, h('td', { class: 'variant' }, v.id, v.isBaseline ? h('span', { class: 'tag' }, ' baseline') : null, servedTag(v.id) ? h('span', { class: 'dtype' }, ` ${servedTag(v.id)}`) : v.dtype !== v.id ? h('span', { class: 'dtype' }, ` ${v.dtype}`) : null), ...metrics.map((m) => cell(m, v, base))),
      ),
    ),
  );
  const anyFlips = metrics.some((m) => report.variants.some((v) => m.flips?.(v)));
  const flipsLegend = anyFlips ? ' "flips a↓b↑" (right/wrong task metrics; pass@k as solved by some sample): a items right on the baseline and wrong on the variant, b the reverse.' : '';
  container.append(table, h('p', { class: 'legend' }, `± is one standard error. Deltas are vs the baseline; "n.s." marks a difference within 1.96 standard errors (paired for PPL, KLD, Same top and RMS Δp; independent for timings).${flipsLegend}`));
  const goals = goalsTable(report);
  if (goals) container.append(goals);
}

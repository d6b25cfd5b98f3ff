import { GOAL_COLUMNS, goalRows } from '../shared/goalTable';
import type { RunReport } from '../shared/report/schema';
import { h } from './dom';

/** The run-level goals' verdicts, with the evidence that decided each (text only); null without run-level goals. */
export function goalsTable(report: RunReport): HTMLElement | null {
  const rows = goalRows(report);
  if (!rows.length) return null;
  const verdictColumn = GOAL_COLUMNS.indexOf('verdict');
  return h(
    'div',
    { class: 'goals', attrs: { id: 'goals' } },
    h('h2', {}, 'Goals'),
    h(
      'table',
      { class: 'comparison', attrs: { id: 'goals-table' } },
      h('thead', {}, h('tr', {}, ...GOAL_COLUMNS.map((c) => h('th', {}, c)))),
      h('tbody', {}, ...rows.map((r) => h('tr', { attrs: { 'data-variant': r[0]!, 'data-verdict': r[verdictColumn]!.startsWith('pass') ? 'pass' : 'fail' } }, ...r.map((c, i) => h('td', i === verdictColumn ? { class: `verdict ${c.startsWith('pass') ? 'pass' : 'fail'}` } : {}, c))))),
    ),
  );
}

/**
 * Code tasks in the panel: per problem the baseline's and the chosen variant's completion side by
 * side, highlighted (spans built from the shared tokenizer, text set with textContent — model code
 * is never parsed as HTML), each with its sandbox result and failing assertion; filterable by
 * "passed on the baseline, fails on the variant".
 */
import { CodeFilter, CodeProblemView, CodeTaskView, filterProblems } from '../shared/code/panelData';
import { tokenizeCode } from '../shared/code/highlight';
import type { CodeLanguage, CodeSampleResult } from '../shared/code/types';
import type { RunData } from '../shared/panelProtocol';
import { clear, h } from './dom';

interface CodeView {
  task?: string;
  variantId?: string;
  filter: CodeFilter;
  selected?: string;
  sample: number;
}

const view: CodeView = { filter: 'all', sample: 0 };
/** Problems listed at once; the filter narrows a long task down. */
const MAX_ROWS = 200;

export function highlighted(code: string, language: CodeLanguage): HTMLElement {
  const pre = h('pre', { class: 'code' });
  for (const token of tokenizeCode(code, language)) {
    if (token.kind === 'plain') pre.appendChild(document.createTextNode(token.text));
    else pre.appendChild(h('span', { class: `tok-${token.kind}` }, token.text));
  }
  return pre;
}

function select(id: string, label: string, options: Array<[string, string]>, value: string, onChange: (v: string) => void): HTMLElement {
  const el = h('select', { attrs: { id, 'aria-label': label }, on: { change: (e) => onChange((e.target as HTMLSelectElement).value) } });
  for (const [v, text] of options) {
    const option = h('option', { attrs: { value: v } }, text);
    if (v === value) option.setAttribute('selected', '');
    el.appendChild(option);
  }
  return h('label', {}, `${label} `, el);
}

function resultLine(sample: CodeSampleResult | undefined): HTMLElement {
  if (!sample) return h('p', { class: 'code-result missing' }, 'no sample');
  return h('p', { class: `code-result ${sample.status}` }, h('strong', {}, sample.status), sample.detail ? ` — ${sample.detail}` : '', sample.line ? ` (line ${sample.line})` : '', sample.seed !== null ? ` · seed ${sample.seed}` : ' · greedy');
}

function column(title: string, problem: CodeProblemView, variantId: string, language: CodeLanguage): HTMLElement {
  const sample = problem.samples[variantId]?.[view.sample];
  return h('div', { class: 'code-column', attrs: { 'data-variant': variantId } }, h('h4', {}, title), resultLine(sample), highlighted(problem.prompt + (sample?.completion ?? ''), language));
}

export function renderCodeSamples(container: HTMLElement, data: RunData): void {
  clear(container);
  const tasks: CodeTaskView[] = data.codeTasks ?? [];
  if (tasks.length === 0) return;
  const baselineId = data.card.spec.baselineId;
  const variants = data.card.spec.variantIds.filter((v) => v !== baselineId);
  const task = tasks.find((t) => t.task === view.task) ?? tasks[0]!;
  const variantId = variants.includes(view.variantId ?? '') ? view.variantId! : variants[0] ?? baselineId;
  const rerender = (): void => renderCodeSamples(container, data);
  container.appendChild(h('h2', {}, 'Code samples'));
  container.appendChild(h('div', { class: 'controls' },
    select('code-task', 'Task', tasks.map((t) => [t.task, t.task]), task.task, (v) => { view.task = v; view.selected = undefined; rerender(); }),
    select('code-variant', 'Variant', variants.map((v) => [v, v]), variantId, (v) => { view.variantId = v; rerender(); }),
    select('code-filter', 'Show', [['all', 'all problems'], ['regressed', 'passed on baseline, fails on variant'], ['differs', 'result or completion differs']], view.filter, (v) => { view.filter = v as CodeFilter; rerender(); }),
  ));
  const problems = filterProblems(task.problems, baselineId, variantId, view.filter);
  const list = h('ul', { class: 'code-list', attrs: { id: 'code-list' } });
  for (const p of problems.slice(0, MAX_ROWS)) {
    const b = p.samples[baselineId]?.filter((s) => s.status === 'passed').length ?? 0;
    const v = p.samples[variantId]?.filter((s) => s.status === 'passed').length ?? 0;
    const n = p.samples[variantId]?.length ?? 0;
    list.appendChild(h('li', { class: p.key === view.selected ? 'selected' : '', attrs: { 'data-key': p.key, tabindex: '0' }, on: { click: () => { view.selected = p.key; view.sample = 0; rerender(); } } }, `${p.taskId}: baseline ${b}/${n} passed, ${variantId} ${v}/${n}`));
  }
  container.appendChild(problems.length ? list : h('p', { class: 'empty' }, 'No problem matches the filter.'));
  if (problems.length > MAX_ROWS) container.appendChild(h('p', { class: 'empty' }, `Showing ${MAX_ROWS} of ${problems.length}; narrow with the filter.`));
  const selected = problems.find((p) => p.key === view.selected) ?? problems[0];
  if (!selected) return;
  const n = Math.max(selected.samples[baselineId]?.length ?? 0, selected.samples[variantId]?.length ?? 0);
  if (n > 1) container.appendChild(h('div', { class: 'controls' }, select('code-sample', 'Sample', Array.from({ length: n }, (_, j) => [String(j), `${j + 1} of ${n}`]), String(view.sample), (v) => { view.sample = Number(v); rerender(); })));
  container.appendChild(h('div', { class: 'side-by-side code-pair' }, column(`${baselineId} (baseline)`, selected, baselineId, task.language), column(variantId, selected, variantId, task.language)));
}

import { annotationsForSample, pendingFlags } from '../shared/annotations';
import { formatNumber } from '../shared/format';
import { wordDiff } from '../shared/panel/wordDiff';
import type { AnnotationsData, RunData } from '../shared/panelProtocol';
import type { SampleRecord } from '../shared/report/schema';
import { renderSampleAnnotations } from './annotations';
import { clear, custom, h } from './dom';
import { post } from './vscodeApi';

export type SampleFilter = 'all' | 'differs' | 'flagged' | 'annotated';

export interface SampleView {
  variantId: string;
  filter: SampleFilter;
  search: string;
  selected?: string;
}

const ROW_HEIGHT = 26;

/** One prompt as the list shows it: the chosen variant's sample and the baseline's. */
interface Row {
  key: string;
  prompt: string;
  sample: SampleRecord;
  baseline: SampleRecord | undefined;
}

/** Whether a sample has annotations, or automatic flags still awaiting a decision. */
function marks(sample: SampleRecord, annotations: AnnotationsData | undefined): { annotated: boolean; flagged: boolean } {
  if (!annotations) return { annotated: false, flagged: false };
  const ref = { modelFolder: annotations.modelFolder, variantId: sample.variantId, sampleKey: sample.sampleKey };
  const file = { schemaVersion: '', annotations: annotations.annotations, dismissedFlags: annotations.dismissedFlags };
  return { annotated: annotationsForSample(file, ref).length > 0, flagged: pendingFlags(sample, annotations.modelFolder, file).length > 0 };
}

export function rowsFor(samples: readonly SampleRecord[], baselineId: string, view: SampleView, annotations?: AnnotationsData): Row[] {
  const baselineByKey = new Map(samples.filter((s) => s.variantId === baselineId).map((s) => [s.sampleKey, s]));
  const needle = view.search.trim().toLowerCase();
  return samples
    .filter((s) => s.variantId === view.variantId)
    .map((s) => ({ key: s.sampleKey, prompt: s.prompt, sample: s, baseline: baselineByKey.get(s.sampleKey) }))
    .filter((r) => {
      if (view.filter === 'differs' && r.sample.firstDivergence === null) return false;
      if (view.filter === 'flagged' && !marks(r.sample, annotations).flagged) return false;
      if (view.filter === 'annotated' && !marks(r.sample, annotations).annotated) return false;
      return !needle || r.prompt.toLowerCase().includes(needle) || r.sample.output.toLowerCase().includes(needle);
    })
    .sort((a, b) => a.sample.promptIndex - b.sample.promptIndex);
}

/**
 * Filters, a virtualised list of prompts (only the visible rows exist in the DOM, so 500+ samples
 * paint at once), and the selected sample's side-by-side view.
 */
export function renderSamples(container: HTMLElement, data: RunData, view: SampleView, onView: (v: SampleView) => void, onSelect: (v: SampleView) => void): void {
  const { samples, annotations } = data;
  const baselineId = data.card.spec.baselineId;
  const variantIds = data.card.spec.variantIds;
  const previousScroll = container.querySelector('#sample-list')?.scrollTop;
  clear(container);
  const variants = variantIds.filter((id) => id !== baselineId);
  if (samples.length === 0) {
    container.append(h('p', { class: 'empty' }, 'No generations in this run.'));
    return;
  }
  if (!variants.includes(view.variantId)) view = { ...view, variantId: variants[0] ?? baselineId };
  const rows = rowsFor(samples, baselineId, view, annotations);
  const options = (values: Array<[string, string]>, current: string): HTMLElement[] => values.map(([value, label]) => custom('vscode-option', { attrs: { value, ...(value === current ? { selected: '' } : {}) } }, label));
  container.append(
    h('div', { class: 'toolbar' },
      h('label', {}, 'variant ', custom('vscode-single-select', { attrs: { id: 'sample-variant' }, on: { change: (e) => onView({ ...view, variantId: (e.target as HTMLSelectElement).value }) } }, ...options(variants.map((v) => [v, v]), view.variantId))),
      h('label', {}, 'show ', custom('vscode-single-select', { attrs: { id: 'sample-filter' }, on: { change: (e) => onView({ ...view, filter: (e.target as HTMLSelectElement).value as SampleFilter }) } }, ...options([['all', 'all'], ['differs', 'differs from baseline'], ['flagged', 'flagged'], ['annotated', 'annotated']], view.filter))),
      custom('vscode-textfield', { attrs: { id: 'sample-search', placeholder: 'Search prompts and outputs', value: view.search }, on: { change: (e) => onView({ ...view, search: (e.target as HTMLInputElement).value }) } }),
      h('span', { class: 'count', attrs: { id: 'sample-count' } }, `${rows.length} sample${rows.length === 1 ? '' : 's'}`),
    ),
  );
  const list = h('div', { class: 'sample-list', attrs: { id: 'sample-list', role: 'listbox', tabindex: '0' } });
  const spacer = h('div', { class: 'spacer' });
  spacer.style.height = `${rows.length * ROW_HEIGHT}px`;
  list.append(spacer);
  const detail = h('div', { class: 'sample-detail', attrs: { id: 'sample-detail' } });
  container.append(h('div', { class: 'samples-split' }, list, detail));

  let selected = rows.find((r) => r.key === view.selected) ?? rows[0];
  // A re-render (live update, filter) keeps the list where it was; the first one (a restored
  // panel) scrolls the selected sample into view.
  list.scrollTop = previousScroll ?? Math.max(0, (selected ? rows.indexOf(selected) : 0) - 3) * ROW_HEIGHT;
  const drawRows = (): void => {
    const first = Math.max(0, Math.floor(list.scrollTop / ROW_HEIGHT) - 5);
    const last = Math.min(rows.length, Math.ceil((list.scrollTop + (list.clientHeight || 400)) / ROW_HEIGHT) + 5);
    for (const old of Array.from(list.querySelectorAll('.sample-row'))) old.remove();
    for (let i = first; i < last; i++) {
      const r = rows[i]!;
      const row = h('div', {
        class: `sample-row${r === selected ? ' selected' : ''}${r.sample.firstDivergence !== null ? ' differs' : ''}`,
        attrs: { role: 'option', 'data-sample': r.key, 'aria-selected': String(r === selected) },
        on: { click: () => select(r) },
      }, h('span', { class: 'marker' }, r.sample.firstDivergence !== null ? '≠' : '='), marks(r.sample, annotations).annotated ? h('span', { class: 'badge annotated', title: 'annotated' }, '✎') : null, marks(r.sample, annotations).flagged ? h('span', { class: 'badge flagged', title: 'automatic flags awaiting a decision' }, '⚑') : null, ` ${r.prompt}`);
      row.style.top = `${i * ROW_HEIGHT}px`;
      list.append(row);
    }
  };
  // Selecting only redraws the rows and the detail, so the list keeps its scroll position.
  const select = (r: Row): void => {
    selected = r;
    view = { ...view, selected: r.key };
    drawRows();
    clear(detail);
    renderDetail(detail, r, baselineId, annotations);
    onSelect({ ...view });
  };
  list.addEventListener('scroll', () => drawRows(), { passive: true });
  drawRows();
  if (selected) renderDetail(detail, selected, baselineId, annotations);
}

/** Side by side: baseline output, variant output with a word diff, and the token divergence overlay. */
function renderDetail(container: HTMLElement, row: Row, baselineId: string, annotations: AnnotationsData): void {
  const { sample, baseline } = row;
  const parts = wordDiff(baseline?.output ?? '', sample.output);
  const side = (kind: 'removed' | 'added'): HTMLElement =>
    h('div', { class: 'output', attrs: { 'data-side': kind === 'removed' ? 'baseline' : 'variant' } }, ...parts.filter((p) => p.kind === 'same' || p.kind === kind).map((p) => (p.kind === 'same' ? h('span', {}, p.text) : h(kind === 'removed' ? 'del' : 'ins', {}, p.text))));
  container.append(
    h('div', { class: 'detail-header' },
      h('div', { class: 'prompt', attrs: { id: 'sample-prompt' } }, row.prompt),
      // With a chat template the model was fed the rendered text, not the line as written.
      sample.input !== undefined ? h('pre', { class: 'prompt-input', attrs: { id: 'sample-input', title: "the prompt as the model's chat template rendered it: what the model was fed" } }, sample.input) : null,
      custom('vscode-button', { attrs: { id: 'open-diff' }, on: { click: () => post({ type: 'open-diff', sampleKey: sample.sampleKey, variantId: sample.variantId }) } }, 'Open in Diff Editor'),
    ),
    h('div', { class: 'side-by-side' },
      h('section', {}, h('h4', {}, `${baselineId} (baseline)`), side('removed')),
      h('section', {}, h('h4', {}, sample.variantId), side('added')),
    ),
    h('h4', {}, 'Token divergence ', h('span', { class: 'hint' }, 'each variant token shaded by KL(base ‖ variant) at that step, teacher-forced; hover for Δp')),
    tokenOverlay(sample),
    h('p', { class: 'meta' }, `${sample.tokenIds.length} tokens · stopped by ${sample.stoppedBy} · ${sample.firstDivergence === null ? 'same greedy path as the baseline' : `first divergent token #${sample.firstDivergence}`}`),
    renderSampleAnnotations(sample, annotations, () => variantSelection(container, sample.output)),
  );
}

/** The part of the variant output selected in the panel, as offsets into the output (if any). */
function variantSelection(container: HTMLElement, output: string): { start: number; end: number } | undefined {
  const selection = window.getSelection();
  const variantSide = container.querySelector('[data-side="variant"]');
  if (!selection || selection.isCollapsed || !variantSide || !variantSide.contains(selection.anchorNode)) return undefined;
  const text = selection.toString();
  const start = output.indexOf(text);
  return text && start >= 0 ? { start, end: start + text.length } : undefined;
}

/** Token spans shaded by KLD (saturating at 1 nat), with KLD and Δp in the tooltip. */
export function tokenOverlay(sample: SampleRecord): HTMLElement {
  const overlay = h('div', { class: 'token-overlay', attrs: { id: 'token-overlay' } });
  sample.tokenTexts.forEach((text, i) => {
    const kld = sample.kld[i] ?? 0;
    const dp = sample.deltaP[i] ?? 0;
    const span = h('span', {
      class: `token${i === sample.firstDivergence ? ' first-divergence' : ''}`,
      title: `token #${i} · KLD ${formatNumber(kld, 3)} nats · Δp ${formatNumber(dp * 100, 3)}%${i === sample.firstDivergence ? ' · first divergence from the baseline' : ''}`,
      attrs: { 'data-kld': String(kld) },
    }, text);
    span.style.setProperty('--kld', String(Math.min(1, kld)));
    overlay.append(span);
  });
  return overlay;
}

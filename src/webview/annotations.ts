import { anchorStatus, annotationsForSample, categoryLabel, FLAG_LABELS, pendingFlags } from '../shared/annotations';
import { formatPercent } from '../shared/format';
import type { AnnotationsData } from '../shared/panelProtocol';
import type { SampleRecord } from '../shared/report/schema';
import { clear, custom, h } from './dom';
import { post } from './vscodeApi';

/** A sample's annotations, its pending automatic flags (accept / dismiss) and the Annotate button. */
export function renderSampleAnnotations(sample: SampleRecord, data: AnnotationsData, selection: () => { start: number; end: number } | undefined): HTMLElement {
  const file = { schemaVersion: '', annotations: data.annotations, dismissedFlags: data.dismissedFlags };
  const ref = { modelFolder: data.modelFolder, variantId: sample.variantId, sampleKey: sample.sampleKey };
  const annotations = annotationsForSample(file, ref);
  const flags = pendingFlags(sample, data.modelFolder, file);
  const section = h('div', { class: 'annotations', attrs: { id: 'sample-annotations' } },
    h('div', { class: 'toolbar' },
      h('h4', {}, 'Annotations'),
      custom('vscode-button', {
        attrs: { id: 'annotate', ...(data.problem ? { disabled: '' } : {}) },
        on: { click: () => post({ type: 'annotate', sampleKey: sample.sampleKey, variantId: sample.variantId, range: selection() }) },
      }, 'Annotate…'),
      h('span', { class: 'hint' }, 'select text in the variant output to annotate just that part'),
    ),
  );
  if (data.problem) section.append(h('p', { class: 'notice error', attrs: { id: 'annotations-problem' } }, `Annotations are read-only: ${data.problem}`));
  for (const a of annotations) {
    const anchor = anchorStatus(a, sample.output);
    section.append(h('div', { class: `annotation ${a.status}${anchor.state === 'outdated' ? ' outdated' : ''}`, attrs: { 'data-annotation': a.id } },
      h('span', { class: 'category' }, categoryLabel(a.category, data.taxonomy)),
      anchor.state === 'outdated' ? h('span', { class: 'tag' }, ' outdated') : null,
      a.status === 'resolved' ? h('span', { class: 'tag' }, ' resolved') : null,
      h('span', { class: 'quote' }, ` “${a.quotedText}” `),
      h('span', { class: 'note' }, a.note),
      h('span', { class: 'meta' }, ` — ${a.author}${a.replies.length ? ` · ${a.replies.length} repl${a.replies.length === 1 ? 'y' : 'ies'}` : ''}`),
    ));
  }
  for (const f of flags) {
    section.append(h('div', { class: 'flag', attrs: { 'data-flag': f.kind } },
      h('span', { class: 'category' }, `⚑ ${FLAG_LABELS[f.kind] ?? f.kind}`),
      h('span', { class: 'note' }, ` ${f.detail} `),
      custom('vscode-button', { attrs: { secondary: '', 'data-action': 'accept', ...(data.problem ? { disabled: '' } : {}) }, on: { click: () => post({ type: 'accept-flag', sampleKey: sample.sampleKey, variantId: sample.variantId, flag: f.kind }) } }, 'Accept'),
      custom('vscode-button', { attrs: { secondary: '', 'data-action': 'dismiss', ...(data.problem ? { disabled: '' } : {}) }, on: { click: () => post({ type: 'dismiss-flag', sampleKey: sample.sampleKey, variantId: sample.variantId, flag: f.kind }) } }, 'Dismiss'),
    ));
  }
  if (!annotations.length && !flags.length) section.append(h('p', { class: 'empty' }, 'No annotations or pending flags on this sample.'));
  return section;
}

/** Per variant: failure rates by category, people's annotations and automatic flags side by side, with 95% CIs. */
export function renderFailures(container: HTMLElement, data: AnnotationsData): void {
  clear(container);
  const rows: HTMLElement[] = [];
  for (const v of data.summary) {
    for (const c of v.human.byCategory) if (c.samples > 0) rows.push(row(v.variantId, 'annotated', c.label, c.samples, c.n, c.rate, c.ci95));
    for (const f of v.automatic?.byKind ?? []) if (f.samples > 0) rows.push(row(v.variantId, 'automatic', f.label, f.samples, f.n, f.rate, f.ci95));
  }
  if (rows.length === 0) {
    container.append(h('p', { class: 'empty' }, 'No failures marked yet: annotate samples here or in a diff tab, or accept automatic flags.'));
    return;
  }
  container.append(h('table', { class: 'comparison', attrs: { id: 'failure-summary' } },
    h('thead', {}, h('tr', {}, ...['Variant', 'Source', 'Category', 'Samples', 'Rate (95% CI)'].map((t) => h('th', {}, t)))),
    h('tbody', {}, ...rows),
  ));
}

function row(variant: string, source: string, label: string, samples: number, n: number, rate: number, ci: readonly [number, number]): HTMLElement {
  return h('tr', { attrs: { 'data-variant': variant, 'data-source': source } },
    h('td', { class: 'variant' }, variant), h('td', {}, source), h('td', {}, label),
    h('td', { class: 'num' }, `${samples} / ${n}`),
    h('td', { class: 'num' }, `${formatPercent(rate, 1)} (${formatPercent(ci[0], 1)}–${formatPercent(ci[1], 1)})`));
}

import { formatBytes } from '../shared/format';
import type { ExportFormat, RunData } from '../shared/panelProtocol';
import type { VariantCard } from '../shared/report/schema';

/** What the run card says of a served variant (VariantCard.served: dialect, hosts, model; never a key). */
type ServedCard = VariantCard & { served?: { hosts?: string[] } };

const EXPORT_BUTTONS: Array<[ExportFormat, string]> = [['markdown', 'Markdown'], ['csv', 'CSV'], ['html', 'HTML'], ['json', 'JSON'], ['samples-jsonl', 'Samples JSONL'], ['samples-csv', 'Samples CSV']];
import { clear, custom, h } from './dom';
import { post } from './vscodeApi';

/** Run header: what was evaluated, where, on what, and the doors to the run card and exports. */
export function renderHeader(container: HTMLElement, data: RunData): void {
  clear(container);
  const { card, report } = data;
  const env = card.environment;
  const providers = [...new Set((report?.variants ?? []).map((v) => v.performance?.executionProvider).filter(Boolean))];
  const fact = (label: string, value: string): HTMLElement => h('div', { class: 'fact' }, h('span', { class: 'label' }, label), h('span', { class: 'value' }, value));
  container.append(
    h('div', { class: 'title-row' },
      h('h1', { attrs: { id: 'run-title' } }, card.spec.modelName),
      h('span', { class: `status status-${data.status}`, attrs: { id: 'run-status' } }, data.status),
      h('span', { class: 'spacer' }),
      custom('vscode-button', { attrs: { secondary: '', id: 'open-run-card' }, on: { click: () => post({ type: 'open-run-card' }) } }, 'Run card'),
      custom('vscode-button', { attrs: { secondary: '', id: 'compare-with' }, on: { click: () => post({ type: 'compare-with' }) } }, 'Compare with…'),
      ...EXPORT_BUTTONS.map(([format, label]) => custom('vscode-button', { attrs: { secondary: '', id: `export-${format}` }, on: { click: () => post({ type: 'export', format }) } }, label)),
    ),
    h('div', { class: 'facts' },
      fact('Baseline', card.spec.baselineId),
      fact('Variants', card.spec.variantIds.filter((v) => v !== card.spec.baselineId).map((id) => variantLabel(id, card.variants)).join(', ')),
      fact('Machine', `${env.cpuModel} · ${env.cores} cores · ${formatBytes(env.totalMemoryBytes)}${env.gpu ? ` · ${env.gpu}` : ''}`),
      fact('Execution provider', providers.length ? providers.join(', ') : card.spec.executionProvider),
      fact('Date', card.createdAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')),
      fact('Corpus', card.spec.corpus ? `${card.spec.corpus.path} (sha256 ${card.spec.corpus.sha256.slice(0, 12)}…)` : '—'),
      fact('Prompts', card.spec.prompts ? `${card.spec.prompts.path} (sha256 ${card.spec.prompts.sha256.slice(0, 12)}…)` : '—'),
    ),
  );
}

/** `q4s (served · host:port)` for a served variant, so the panel says where its numbers were measured; the id alone otherwise. */
export function variantLabel(id: string, variants: readonly ServedCard[]): string {
  const served = servedTag(id, variants);
  return served ? `${id} (${served})` : id;
}

/** `served · host:port[, …]` for a served variant of the run card, else undefined. */
export function servedTag(id: string, variants: readonly ServedCard[]): string | undefined {
  const hosts = variants.find((v) => v.id === id)?.served?.hosts;
  return hosts?.length ? `served · ${hosts.join(', ')}` : undefined;
}

import '@vscode-elements/elements/dist/vscode-button/index.js';
import { isHostToRating, type RatingState, type RatingToHost } from '../shared/rating/ratingProtocol';
import { RATING_CRITERIA, type RatingChoice, type RatingCriterion } from '../shared/rating/types';
import { byId, clear, custom, h } from './dom';

/**
 * The blind rating tab: one pair at a time, output A and output B of the same prompt (one the
 * baseline's, one a variant's, sides drawn by the blinding seed), picked with the buttons or the
 * keys 1 / ← (A), 2 / → (B), 3 / ↓ (tie), ↑ back to the previous pair. Optional per-criterion picks
 * go with the overall one. Every output is untrusted text (textContent only). The tab knows no
 * variant name until the host reveals them, after the last pair.
 */
declare function acquireVsCodeApi(): { postMessage(message: unknown): void };
const api = acquireVsCodeApi();
const post = (message: RatingToHost): void => api.postMessage(message);

let state: RatingState | undefined;
let current = 0;
let pending = false;
let criteria: Partial<Record<RatingCriterion, RatingChoice>> = {};

const CHOICE_LABEL: Record<RatingChoice, string> = { A: 'A is better', B: 'B is better', tie: 'Tie' };
const KEYS: Record<string, RatingChoice> = { '1': 'A', ArrowLeft: 'A', '2': 'B', ArrowRight: 'B', '3': 'tie', ArrowDown: 'tie' };

function judgedIds(): Set<string> {
  return new Set(state?.judgements.map((j) => j.pairId) ?? []);
}

function firstUnjudged(from: number): number {
  if (!state) return 0;
  const judged = judgedIds();
  for (let k = 0; k < state.pairs.length; k++) {
    const i = (from + k) % state.pairs.length;
    if (!judged.has(state.pairs[i]!.pairId)) return i;
  }
  return -1;
}

function judge(choice: RatingChoice): void {
  if (!state || pending || state.reveal) return;
  const pair = state.pairs[current];
  if (!pair) return;
  pending = true;
  post({ type: 'rating-judge', pairId: pair.pairId, choice, ...(Object.keys(criteria).length ? { criteria } : {}) });
}

function render(): void {
  const root = byId('rating');
  clear(root);
  if (!state) return;
  const judged = judgedIds();
  const total = state.pairs.length;
  root.append(h('p', { class: 'legend', attrs: { id: 'rating-progress' } }, `${judged.size} / ${total} judged · rater ${state.rater} · blinding seed ${state.seed}`));
  for (const p of state.problems) root.append(h('p', { class: 'notice error' }, p));
  if (state.reveal) {
    renderReveal(root, state);
    return;
  }
  const pair = state.pairs[current]!;
  const mine = state.judgements.find((j) => j.pairId === pair.pairId);
  const pick = (choice: RatingChoice): HTMLElement => custom('vscode-button', { attrs: { id: `pick-${choice.toLowerCase()}`, ...(mine?.choice === choice ? {} : { secondary: '' }) }, on: { click: () => judge(choice) } }, `${CHOICE_LABEL[choice]} (${choice === 'A' ? '1 / ←' : choice === 'B' ? '2 / →' : '3 / ↓'})`);
  const criterionRow = (c: RatingCriterion): HTMLElement => h('div', { class: 'toolbar', attrs: { 'data-criterion': c } },
    h('span', { class: 'category' }, `${c}: `),
    ...(['A', 'B', 'tie'] as const).map((choice) => custom('vscode-button', {
      attrs: { 'data-choice': choice, ...(criteria[c] === choice ? {} : { secondary: '' }) },
      on: { click: () => {
        if (criteria[c] === choice) delete criteria[c];
        else criteria[c] = choice;
        render();
      } },
    }, choice)),
  );
  root.append(
    h('h3', { attrs: { id: 'rating-title' } }, `Pair ${current + 1} of ${total}`),
    h('h4', {}, 'Prompt'),
    h('pre', { class: 'output', attrs: { id: 'rating-prompt' } }, pair.prompt),
    h('div', { class: 'side-by-side' },
      h('div', {}, h('h4', {}, 'Output A'), h('pre', { class: 'output', attrs: { id: 'rating-a' } }, pair.A)),
      h('div', {}, h('h4', {}, 'Output B'), h('pre', { class: 'output', attrs: { id: 'rating-b' } }, pair.B)),
    ),
    h('div', { class: 'toolbar' }, pick('A'), pick('B'), pick('tie')),
    h('p', { class: 'hint' }, 'Optional, per criterion (sent with the overall pick):'),
    ...RATING_CRITERIA.map(criterionRow),
    h('p', { class: 'hint' }, '↑ goes back to the previous pair. Each pick is saved at once; closing the tab keeps your progress.'),
  );
}

/** After the last pair: which output was the baseline's and which variant the other, per pair. */
function renderReveal(root: HTMLElement, s: RatingState): void {
  const reveal = new Map(s.reveal!.map((r) => [r.pairId, r]));
  root.append(
    h('h3', { attrs: { id: 'rating-done' } }, 'Set done: the names are revealed'),
    h('p', { class: 'hint' }, 'The merged result (win rate vs the baseline with its 95% Wilson interval) is in the results panel’s Human rating section.'),
    h('table', { class: 'comparison', attrs: { id: 'rating-reveal' } },
      h('thead', {}, h('tr', {}, ...['#', 'prompt', 'your pick', 'A was', 'B was'].map((c) => h('th', {}, c)))),
      h('tbody', {}, ...s.pairs.map((p, i) => {
        const r = reveal.get(p.pairId)!;
        const choice = s.judgements.find((j) => j.pairId === p.pairId)?.choice;
        const side = (x: 'A' | 'B'): string => (r.baselineSide === x ? 'baseline' : r.variantId);
        return h('tr', { attrs: { 'data-pair': p.pairId } }, h('td', {}, String(i + 1)), h('td', {}, p.prompt.length > 60 ? `${p.prompt.slice(0, 60)}…` : p.prompt), h('td', {}, choice ?? ''), h('td', {}, side('A')), h('td', {}, side('B')));
      })),
    ),
  );
}

window.addEventListener('message', (event: MessageEvent) => {
  const message: unknown = event.data;
  if (!isHostToRating(message)) return;
  if (message.type === 'rating-notice') {
    pending = false;
    const notice = byId('notice');
    notice.textContent = message.text;
    notice.className = `notice ${message.level}`;
    return;
  }
  const first = state === undefined;
  state = message.state;
  if (first || pending) {
    const next = firstUnjudged(first ? 0 : current + 1);
    current = next === -1 ? current : next;
    criteria = {};
  }
  pending = false;
  render();
});

document.addEventListener('keydown', (event: KeyboardEvent) => {
  if (!state || state.reveal || event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.key === 'ArrowUp') {
    event.preventDefault();
    if (current > 0 && !pending) {
      current--;
      criteria = {};
      render();
    }
    return;
  }
  const choice = KEYS[event.key];
  if (!choice) return;
  event.preventDefault();
  judge(choice);
});

post({ type: 'rating-ready' });
byId('rating').focus();

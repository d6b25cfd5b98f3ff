import { HUMAN_RATING_COLUMNS, humanRatingNotes, humanRatingRows } from '../shared/rating/ratingTable';
import type { RunData } from '../shared/panelProtocol';
import { clear, custom, h } from './dom';
import { post } from './vscodeApi';

/**
 * The results panel's human rating section: the button that opens the blind rating tab, and the
 * merged result of every rater's file (win / tie / loss vs the baseline with Wilson 95% intervals,
 * Bradley–Terry strengths, agreement). Rater names and variant ids are text, never markup.
 */
export function renderHumanRating(container: HTMLElement, data: RunData): void {
  clear(container);
  const hasSamples = data.samples.some((s) => s.variantId !== data.card.spec.baselineId);
  container.append(h('div', { class: 'toolbar' },
    custom('vscode-button', { attrs: { id: 'rate-blind', ...(hasSamples ? {} : { disabled: '' }) }, on: { click: () => post({ type: 'rate-blind' }) } }, 'Rate outputs blind…'),
    h('span', { class: 'hint' }, hasSamples ? 'baseline vs variant, sides shuffled, names hidden until the set is done' : 'the run has no generations to rate'),
  ));
  const rating = data.report?.humanRating;
  if (!rating) {
    container.append(h('p', { class: 'empty' }, 'Nobody has rated this run yet.'));
    return;
  }
  container.append(
    h('table', { class: 'comparison', attrs: { id: 'human-rating-table' } },
      h('thead', {}, h('tr', {}, ...HUMAN_RATING_COLUMNS.map((c) => h('th', {}, c)))),
      h('tbody', {}, ...humanRatingRows(rating).map((row) => h('tr', { attrs: { 'data-variant': row[0]! } }, ...row.map((cell, i) => h('td', { attrs: { 'data-column': HUMAN_RATING_COLUMNS[i]! } }, cell))))),
    ),
    ...humanRatingNotes(rating).map((line) => h('p', { class: 'legend' }, line)),
  );
}

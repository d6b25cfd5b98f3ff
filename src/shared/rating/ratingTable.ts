import { formatNumber } from '../format';
import type { HumanRatingReport } from './types';

/** The columns of the human rating table (CLI, Markdown, the results panel). */
export const HUMAN_RATING_COLUMNS = ['variant', 'judgements', 'wins', 'ties', 'losses', 'win rate', '95% CI (Wilson)', 'BT strength'];

/** "0.700 [0.397, 0.892]"-style cells, one row per variant. */
export function humanRatingRows(rating: HumanRatingReport): string[][] {
  return rating.variants.map((v) => [
    v.variantId,
    String(v.n),
    String(v.wins),
    String(v.ties),
    String(v.losses),
    fixed(v.winRate),
    `[${fixed(v.ci95[0])}, ${fixed(v.ci95[1])}]`,
    v.strength === undefined ? '' : v.strength === null ? 'n/a' : formatNumber(v.strength, 3),
  ]);
}

const fixed = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : '—');

/** The lines under the table: how ties count, the raters, their agreement, Bradley–Terry's note. */
export function humanRatingNotes(rating: HumanRatingReport): string[] {
  const lines = [`Ties: ${rating.tiePolicy}.`, `Raters: ${rating.raters.map((r) => `${r.rater} (${r.judged}/${r.pairs} judged, seed ${r.seed})`).join(', ')}.`];
  if (rating.agreement) {
    const name = rating.agreement.method === 'cohen-kappa' ? "Cohen's κ" : "Krippendorff's α (nominal)";
    lines.push(`Agreement: ${name} = ${rating.agreement.value === null ? 'undefined (one outcome throughout)' : formatNumber(rating.agreement.value, 3)} over ${rating.agreement.pairs} pairs rated by several of ${rating.agreement.raters} raters.`);
  }
  if (rating.bradleyTerry) lines.push(`Strengths: ${rating.bradleyTerry.method}${rating.bradleyTerry.note ? `; ${rating.bradleyTerry.note}` : ''}.`);
  return lines;
}

/** The Markdown export's Human rating section (none when nobody rated); `escape` makes a cell safe. */
export function humanRatingMarkdown(rating: HumanRatingReport | undefined, escape: (cell: string) => string): string[] {
  if (!rating) return [];
  return [
    '## Human rating (blind, vs the baseline)',
    '',
    `| ${HUMAN_RATING_COLUMNS.join(' | ')} |`,
    `| ${HUMAN_RATING_COLUMNS.map(() => '---').join(' | ')} |`,
    ...humanRatingRows(rating).map((r) => `| ${r.map(escape).join(' | ')} |`),
    '',
    ...humanRatingNotes(rating).map((line) => `- ${escape(line)}`),
    '',
  ];
}

/** The HTML export's Human rating section (empty when nobody rated); `escape` escapes HTML text. */
export function humanRatingHtml(rating: HumanRatingReport | undefined, escape: (text: string) => string): string {
  if (!rating) return '';
  const head = HUMAN_RATING_COLUMNS.map((c) => `<th>${escape(c)}</th>`).join('');
  const body = humanRatingRows(rating).map((r) => `<tr>${r.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`).join('');
  return `<h2>Human rating (blind, vs the baseline)</h2><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${humanRatingNotes(rating).map((l) => `<p>${escape(l)}</p>`).join('')}`;
}

import { sectionHtml, sectionMarkdown, type CsvSection, type ExportSection } from '../export/exportSection';
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

/** The Markdown and HTML exports' Human rating section, with the notes under it (no rows when nobody rated). */
export function humanRatingSection(rating: HumanRatingReport | undefined): ExportSection {
  return { title: 'Human rating (blind, vs the baseline)', columns: HUMAN_RATING_COLUMNS, rows: rating ? humanRatingRows(rating) : [], notes: rating ? humanRatingNotes(rating) : [] };
}

/** The Markdown export's Human rating section (none when nobody rated); `escape` makes a cell safe. */
export function humanRatingMarkdown(rating: HumanRatingReport | undefined, escape: (cell: string) => string): string[] {
  return sectionMarkdown(humanRatingSection(rating), escape);
}

/** The HTML export's Human rating section (empty when nobody rated); `escape` escapes HTML text. */
export function humanRatingHtml(rating: HumanRatingReport | undefined, escape: (text: string) => string): string {
  return sectionHtml(humanRatingSection(rating), escape);
}

/**
 * The CSV export's human rating sections: per variant the raw counts, win rate, Wilson interval and
 * Bradley–Terry strength; then the raters' agreement when several rated the same pairs.
 */
export function humanRatingCsvSections(rating: HumanRatingReport | undefined): CsvSection[] {
  if (!rating) return [];
  const variants: CsvSection = {
    title: 'human rating',
    header: ['variant', 'judgements', 'wins', 'ties', 'losses', 'win_rate', 'ci95_low', 'ci95_high', 'bt_strength'],
    rows: rating.variants.map((v) => [v.variantId, v.n, v.wins, v.ties, v.losses, v.winRate, v.ci95[0], v.ci95[1], v.strength]),
  };
  const a = rating.agreement;
  const agreement: CsvSection = { title: 'human rating agreement', header: ['method', 'value', 'pairs', 'raters'], rows: a ? [[a.method, a.value, a.pairs, a.raters]] : [] };
  return [variants, agreement];
}

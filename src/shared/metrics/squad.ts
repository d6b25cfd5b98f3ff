/**
 * Exact match and token F1 as the official SQuAD v1.1 evaluation script computes them
 * (evaluate-v1.1.py): normalize = lowercase, drop ASCII punctuation, remove the articles a/an/the
 * as whole words, collapse whitespace; F1 over the multiset of normalized tokens; the maximum over
 * the gold answers. The script reports both ×100.
 */
import { ASCII_PUNCTUATION, pyLower, pySplit } from './pythonText';

// Python 3's \b is Unicode-aware: a word character is a letter, a number or '_'.
const ARTICLES = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;

/** evaluate-v1.1.py `normalize_answer`. */
export function normalizeAnswer(text: string): string {
  const lower = pyLower(text);
  let noPunct = '';
  for (const ch of lower) if (!ASCII_PUNCTUATION.has(ch)) noPunct += ch;
  return pySplit(noPunct.replace(ARTICLES, ' ')).join(' ');
}

export function exactMatch(prediction: string, groundTruth: string): boolean {
  return normalizeAnswer(prediction) === normalizeAnswer(groundTruth);
}

/** evaluate-v1.1.py `f1_score` in [0, 1]. */
export function tokenF1(prediction: string, groundTruth: string): number {
  const p = pySplit(normalizeAnswer(prediction));
  const g = pySplit(normalizeAnswer(groundTruth));
  const counts = new Map<string, number>();
  for (const t of g) counts.set(t, (counts.get(t) ?? 0) + 1);
  let same = 0;
  for (const t of p) {
    const c = counts.get(t);
    if (c) {
      same++;
      counts.set(t, c - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / p.length;
  const recall = same / g.length;
  return (2 * precision * recall) / (precision + recall);
}

/** evaluate-v1.1.py `metric_max_over_ground_truths` (0 when there are no answers). */
export function maxOverGroundTruths(
  metric: (prediction: string, truth: string) => number | boolean,
  prediction: string,
  groundTruths: readonly string[],
): number {
  let best = 0;
  for (const truth of groundTruths) best = Math.max(best, Number(metric(prediction, truth)));
  return best;
}

/**
 * CodeBLEU's two n-gram components over whitespace tokens (Python str.split()), as
 * codebleu/bleu.py and codebleu/weighted_ngram_match.py (NLTK's corpus_bleu, modified) compute them:
 *
 * - ngram match: BLEU-4 with uniform weights, clipped n-gram precision (max count over references),
 *   the brevity penalty from the closest reference length (ties: the shorter), Chen & Cherry's
 *   smoothing method 1 (ε = 0.1 added to a zero numerator), 0 when nothing matches as a unigram.
 * - weighted ngram match: the same, but n-gram *recall* against each reference, summed over the
 *   references (not the max), and for unigrams each reference token weighs 1 if it is one of the
 *   language's keywords, else 0.2. Bigrams to 4-grams are unweighted. The brevity penalty is BLEU's
  formula, but every reference length is 2 (the reference measures its [tokens, weights] pair).
 *
 * Statistics per item (summed over a corpus before scoring, as corpus_bleu does):
 * [numerator n=1..4, denominator n=1..4, hypothesis length, closest reference length].
 */
import { countNgrams } from '../pythonText';

export const MAX_ORDER = 4;
const SMOOTHING_EPSILON = 0.1;
const KEYWORD_WEIGHT = 1;
const OTHER_WEIGHT = 0.2;

export type NgramStats = number[];

const grams = (tokens: readonly string[], n: number): Map<string, number> => (tokens.length >= n ? countNgrams(tokens, n, ' ') : new Map());

/** closest_ref_length: the reference length nearest the hypothesis length, the shorter on a tie. */
function closestRefLength(references: readonly (readonly string[])[], hypLength: number): number {
  let best = Infinity;
  for (const ref of references) {
    const r = ref.length;
    const d = Math.abs(r - hypLength);
    const bd = Math.abs(best - hypLength);
    if (d < bd || (d === bd && r < best)) best = r;
  }
  return best;
}

/** BLEU's statistics for one hypothesis against its references (bleu.modified_precision). */
export function bleuStats(hypothesis: readonly string[], references: readonly (readonly string[])[]): NgramStats {
  const num: number[] = [];
  const den: number[] = [];
  for (let n = 1; n <= MAX_ORDER; n++) {
    const counts = grams(hypothesis, n);
    const refCounts = references.map((r) => grams(r, n));
    let matched = 0;
    let total = 0;
    for (const [gram, count] of counts) {
      let max = 0;
      for (const rc of refCounts) max = Math.max(max, rc.get(gram) ?? 0);
      matched += Math.min(count, max);
      total += count;
    }
    num.push(matched);
    den.push(Math.max(1, total));
  }
  return [...num, ...den, hypothesis.length, closestRefLength(references, hypothesis.length)];
}

/** Weighted n-gram statistics (weighted_ngram_match.modified_recall), keyword weights on unigrams. */
export function weightedNgramStats(hypothesis: readonly string[], references: readonly (readonly string[])[], keywords: ReadonlySet<string>): NgramStats {
  const num: number[] = [];
  const den: number[] = [];
  const weightOf = (token: string): number => (keywords.has(token) ? KEYWORD_WEIGHT : OTHER_WEIGHT);
  for (let n = 1; n <= MAX_ORDER; n++) {
    const counts = grams(hypothesis, n);
    let numerator = 0;
    let denominator = 0;
    for (const reference of references) {
      // Summed in the reference's first-occurrence order, as the Python dict iterates.
      let clipped = 0;
      let total = 0;
      for (const [gram, count] of grams(reference, n)) {
        const weight = n === 1 ? weightOf(gram) : 1;
        clipped += Math.min(count, counts.get(gram) ?? 0) * weight;
        total += count * weight;
      }
      numerator += clipped;
      denominator += Math.max(1, total);
    }
    num.push(numerator);
    den.push(denominator);
  }
  // The reference passes [tokens, weights] pairs to closest_ref_length, whose len() is 2: every
  // reference "has length 2", so the brevity penalty is 1 once the hypothesis has 3 tokens or more.
  return [...num, ...den, hypothesis.length, closestRefLength(references.map(() => PAIR), hypothesis.length)];
}

/** What `len([reference_tokens, weights])` sees. */
const PAIR: readonly string[] = ['tokens', 'weights'];

function brevityPenalty(closestRefLen: number, hypLen: number): number {
  if (hypLen > closestRefLen) return 1;
  if (hypLen === 0) return 0;
  return Math.exp(1 - closestRefLen / hypLen);
}

/** corpus_bleu's score from (summed) statistics, in [0, 1]. */
export function ngramScore(stats: ArrayLike<number>): number {
  const hypLen = stats[2 * MAX_ORDER]!;
  const refLen = stats[2 * MAX_ORDER + 1]!;
  const bp = brevityPenalty(refLen, hypLen);
  if (stats[0] === 0) return 0;
  let s = 0;
  for (let i = 0; i < MAX_ORDER; i++) {
    const numerator = stats[i] === 0 ? SMOOTHING_EPSILON : stats[i]!;
    s += (1 / MAX_ORDER) * Math.log(numerator / stats[MAX_ORDER + i]!);
  }
  return bp * Math.exp(s);
}

/**
 * METEOR as NLTK's `nltk.translate.meteor_score` computes it, with the exact and Porter-stem
 * matching modules only (no WordNet synonym module: QuantLens ships no synonym database). Standard
 * parameters alpha 0.9, beta 3, gamma 0.5: Fmean = P·R/(α·P + (1−α)·R), penalty =
 * γ·(chunks/matches)^β, score = (1 − penalty)·Fmean; the maximum over references. Input strings are
 * lowercased and split on whitespace (Python `str.split()`), as NLTK expects pre-tokenized input.
 */
import { pyLower, pySplit } from './pythonText';
import { porterStem } from './porter';

export interface MeteorOptions {
  alpha?: number;
  beta?: number;
  gamma?: number;
}

type Enum = Array<[index: number, word: string]>;

/**
 * NLTK `_match_enums`: walking the hypothesis from its last word to its first, each word takes the
 * last still-unmatched reference position holding the same word.
 */
function matchEnums(hyp: Enum, ref: Enum): { matches: Array<[number, number]>; hyp: Enum; ref: Enum } {
  const positions = new Map<string, number[]>();
  ref.forEach(([, word], j) => {
    const list = positions.get(word);
    if (list) list.push(j);
    else positions.set(word, [j]);
  });
  const matchedHyp = new Set<number>();
  const matchedRef = new Set<number>();
  const matches: Array<[number, number]> = [];
  for (let i = hyp.length - 1; i >= 0; i--) {
    const list = positions.get(hyp[i]![1]);
    if (list && list.length) {
      const j = list.pop()!;
      matchedHyp.add(i);
      matchedRef.add(j);
      matches.push([hyp[i]![0], ref[j]![0]]);
    }
  }
  return {
    matches,
    hyp: hyp.filter((_, i) => !matchedHyp.has(i)),
    ref: ref.filter((_, j) => !matchedRef.has(j)),
  };
}

/** NLTK `_count_chunks` over matches sorted by hypothesis position. */
function countChunks(matches: Array<[number, number]>): number {
  let chunks = 1;
  for (let i = 0; i < matches.length - 1; i++) {
    const contiguous = matches[i + 1]![0] === matches[i]![0] + 1 && matches[i + 1]![1] === matches[i]![1] + 1;
    if (!contiguous) chunks++;
  }
  return chunks;
}

export interface MeteorDetails {
  score: number;
  matches: number;
  chunks: number;
  precision: number;
  recall: number;
  fmean: number;
  penalty: number;
}

/** NLTK `single_meteor_score(reference, hypothesis)` on pre-tokenized input (without synonyms). */
export function singleMeteor(referenceTokens: readonly string[], hypothesisTokens: readonly string[], options: MeteorOptions = {}): MeteorDetails {
  const alpha = options.alpha ?? 0.9;
  const beta = options.beta ?? 3;
  const gamma = options.gamma ?? 0.5;
  const hyp: Enum = hypothesisTokens.map((w, i) => [i, pyLower(w)]);
  const ref: Enum = referenceTokens.map((w, i) => [i, pyLower(w)]);
  const exact = matchEnums(hyp, ref);
  const stemmed = matchEnums(
    exact.hyp.map(([i, w]) => [i, porterStem(w)]),
    exact.ref.map(([i, w]) => [i, porterStem(w)]),
  );
  const matches = [...exact.matches, ...stemmed.matches].sort((a, b) => a[0] - b[0]);
  const m = matches.length;
  const empty = { score: 0, matches: m, chunks: 0, precision: 0, recall: 0, fmean: 0, penalty: 0 };
  // NLTK returns 0.0 on any ZeroDivisionError: an empty side or no match at all.
  if (hyp.length === 0 || ref.length === 0 || m === 0) return empty;
  const precision = m / hyp.length;
  const recall = m / ref.length;
  const fmean = (precision * recall) / (alpha * precision + (1 - alpha) * recall);
  const chunks = countChunks(matches);
  const penalty = gamma * (chunks / m) ** beta;
  return { score: (1 - penalty) * fmean, matches: m, chunks, precision, recall, fmean, penalty };
}

/** NLTK `meteor_score([ref.split() ...], hyp.split())`: the best over references (0 with none). */
export function meteor(prediction: string, references: readonly string[], options: MeteorOptions = {}): MeteorDetails {
  const hyp = pySplit(prediction);
  let best: MeteorDetails | undefined;
  for (const reference of references) {
    const score = singleMeteor(pySplit(reference), hyp, options);
    if (!best || score.score > best.score) best = score;
  }
  return best ?? { score: 0, matches: 0, chunks: 0, precision: 0, recall: 0, fmean: 0, penalty: 0 };
}

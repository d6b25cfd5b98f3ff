/**
 * BLEU as sacreBLEU 2.x computes it (sacrebleu/metrics/bleu.py, tokenizers/tokenizer_13a.py):
 * 13a tokenization, n-grams up to 4 clipped by the maximum count over the references, the closest
 * reference length (shorter on ties) for the brevity penalty, corpus-level sums of the per-segment
 * statistics, and 'exp' smoothing (mteval-v13a's NIST smoothing). Sentence-level scores use
 * effective order, as `sacrebleu.sentence_bleu` does.
 */
import { countNgrams, pyLower, pyRstrip, pySplit } from './pythonText';

export const MAX_NGRAM_ORDER = 4;

export type BleuSmoothing = 'exp' | 'floor' | 'add-k' | 'none';

export interface BleuOptions {
  /** Lowercase hypothesis and references (sacreBLEU -lc; signature case:lc). Default false. */
  lowercase?: boolean;
  /** '13a' (default) or 'none' (split on whitespace only). */
  tokenize?: '13a' | 'none';
  smooth?: BleuSmoothing;
  /** For 'floor' (default 0.1) and 'add-k' (default 1). */
  smoothValue?: number;
  /** Drop n-gram orders with no hypothesis n-grams (sentence BLEU). */
  effectiveOrder?: boolean;
}

const SMOOTH_DEFAULTS: Record<BleuSmoothing, number | undefined> = { none: undefined, floor: 0.1, 'add-k': 1, exp: undefined };

const REGEXP_RULES: Array<[RegExp, string]> = [
  // language-dependent part (assuming Western languages)
  [/([\{-\~\[-\` -\&\(-\+\:-\@\/])/g, ' $1 '],
  // tokenize period and comma unless preceded by a digit
  [/([^0-9])([\.,])/g, '$1 $2 '],
  // tokenize period and comma unless followed by a digit
  [/([\.,])([^0-9])/g, ' $1 $2'],
  // tokenize dash when preceded by a digit
  [/([0-9])(-)/g, '$1 $2 '],
];

/** sacreBLEU's Tokenizer13a: returns the tokens joined by single spaces. */
export function tokenize13a(input: string): string {
  let line = input.split('<skipped>').join('');
  line = line.split('-\n').join('');
  line = line.split('\n').join(' ');
  if (line.includes('&')) {
    line = line.split('&quot;').join('"');
    line = line.split('&amp;').join('&');
    line = line.split('&lt;').join('<');
    line = line.split('&gt;').join('>');
  }
  line = ` ${line} `;
  for (const [re, replacement] of REGEXP_RULES) line = line.replace(re, replacement);
  return pySplit(line).join(' ');
}

function preprocess(sentence: string, options: BleuOptions): string[] {
  const text = options.lowercase ? pyLower(sentence) : sentence;
  const stripped = pyRstrip(text);
  return pySplit(options.tokenize === 'none' ? stripped : tokenize13a(stripped));
}

/** n-gram counts per order (index 0 = unigrams); keys are tokens joined by a space. */
function ngramCounts(tokens: string[], maxOrder: number): Array<Map<string, number>> {
  return Array.from({ length: maxOrder }, (_, i) => countNgrams(tokens, i + 1, ' '));
}

/** sacreBLEU `_get_closest_ref_len`: the reference length closest to the hypothesis length, shorter on ties. */
export function closestReferenceLength(hypothesisLength: number, referenceLengths: readonly number[]): number {
  let closestDiff = -1;
  let closestLen = -1;
  for (const len of referenceLengths) {
    const diff = Math.abs(hypothesisLength - len);
    if (closestDiff === -1 || diff < closestDiff) {
      closestDiff = diff;
      closestLen = len;
    } else if (diff === closestDiff && len < closestLen) {
      closestLen = len;
    }
  }
  return closestLen;
}

/**
 * Sufficient statistics of one segment: [hypLen, refLen, correct_1..4, total_1..4]. Corpus BLEU is
 * computed from their sums.
 */
export function bleuSegmentStatistics(hypothesis: string, references: readonly string[], options: BleuOptions = {}): number[] {
  const hyp = preprocess(hypothesis, options);
  const refNgrams: Array<Map<string, number>> = [];
  const refLens: number[] = [];
  for (const reference of references) {
    const tokens = preprocess(reference, options);
    refLens.push(tokens.length);
    const counts = ngramCounts(tokens, MAX_NGRAM_ORDER);
    for (let o = 0; o < MAX_NGRAM_ORDER; o++) {
      const merged = refNgrams[o] ?? (refNgrams[o] = new Map());
      for (const [key, count] of counts[o]!) if (count > (merged.get(key) ?? 0)) merged.set(key, count);
    }
  }
  const hypNgrams = ngramCounts(hyp, MAX_NGRAM_ORDER);
  const correct = new Array<number>(MAX_NGRAM_ORDER).fill(0);
  const total = new Array<number>(MAX_NGRAM_ORDER).fill(0);
  for (let o = 0; o < MAX_NGRAM_ORDER; o++) {
    const refs = refNgrams[o];
    for (const [key, count] of hypNgrams[o]!) {
      total[o] += count;
      const refCount = refs?.get(key);
      if (refCount !== undefined) correct[o] += Math.min(count, refCount);
    }
  }
  return [hyp.length, closestReferenceLength(hyp.length, refLens), ...correct, ...total];
}

export interface BleuScore {
  /** 0–100. */
  score: number;
  /** Modified n-gram precisions in percent, orders 1–4. */
  precisions: number[];
  brevityPenalty: number;
  /** sys_len / ref_len. */
  ratio: number;
  hypothesisLength: number;
  referenceLength: number;
  counts: number[];
  totals: number[];
}

function myLog(x: number): number {
  return x === 0 ? -9999999999 : Math.log(x);
}

/** sacreBLEU `BLEU.compute_bleu` from (summed) statistics. */
export function computeBleu(stats: ArrayLike<number>, options: BleuOptions = {}): BleuScore {
  const smooth = options.smooth ?? 'exp';
  const smoothValue = options.smoothValue ?? SMOOTH_DEFAULTS[smooth] ?? 0;
  const sysLen = stats[0]!;
  const refLen = stats[1]!;
  const correct = Array.from({ length: MAX_NGRAM_ORDER }, (_, i) => stats[2 + i]!);
  const total = Array.from({ length: MAX_NGRAM_ORDER }, (_, i) => stats[2 + MAX_NGRAM_ORDER + i]!);
  const counts = correct.slice();
  const totals = total.slice();
  let bp = 1;
  if (sysLen < refLen) bp = sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0;
  const precisions = new Array<number>(MAX_NGRAM_ORDER).fill(0);
  const base = { brevityPenalty: bp, ratio: refLen > 0 ? sysLen / refLen : 0, hypothesisLength: sysLen, referenceLength: refLen, counts, totals };
  if (!correct.some((c) => c !== 0)) return { score: 0, precisions, ...base };
  let smoothMteval = 1;
  let effOrder = MAX_NGRAM_ORDER;
  for (let n = 1; n <= MAX_NGRAM_ORDER; n++) {
    if (smooth === 'add-k' && n > 1) {
      correct[n - 1] += smoothValue;
      total[n - 1] += smoothValue;
    }
    if (total[n - 1] === 0) break;
    if (options.effectiveOrder) effOrder = n;
    if (correct[n - 1] === 0) {
      if (smooth === 'exp') {
        smoothMteval *= 2;
        precisions[n - 1] = 100 / (smoothMteval * total[n - 1]!);
      } else if (smooth === 'floor') {
        precisions[n - 1] = (100 * smoothValue) / total[n - 1]!;
      }
    } else {
      precisions[n - 1] = (100 * correct[n - 1]!) / total[n - 1]!;
    }
  }
  let logSum = 0;
  for (let i = 0; i < effOrder; i++) logSum += myLog(precisions[i]!);
  return { score: bp * Math.exp(logSum / effOrder), precisions, ...base };
}

/** Element-wise sum of segment statistics (optionally over a subset of segment indices). */
export function sumStatistics(stats: readonly ArrayLike<number>[], indices?: ArrayLike<number>): Float64Array {
  const width = stats[0]?.length ?? 0;
  const out = new Float64Array(width);
  const count = indices ? indices.length : stats.length;
  for (let k = 0; k < count; k++) {
    const row = stats[indices ? indices[k]! : k]!;
    for (let j = 0; j < width; j++) out[j] += row[j]!;
  }
  return out;
}

/** sacreBLEU 2.x signature, e.g. `nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.x`. */
export function bleuSignature(nrefs: number | 'var', options: BleuOptions = {}): string {
  const smooth = options.smooth ?? 'exp';
  const value = SMOOTH_DEFAULTS[smooth];
  const smoothText = value === undefined ? smooth : `${smooth}[${(options.smoothValue ?? value).toFixed(2)}]`;
  return [
    `nrefs:${nrefs}`,
    `case:${options.lowercase ? 'lc' : 'mixed'}`,
    `eff:${options.effectiveOrder ? 'yes' : 'no'}`,
    `tok:${options.tokenize ?? '13a'}`,
    `smooth:${smoothText}`,
    'version:2.x',
  ].join('|');
}

/** sacreBLEU `sentence_bleu(hypothesis, references)`: exp smoothing, effective order. */
export function sentenceBleu(hypothesis: string, references: readonly string[], options: BleuOptions = {}): BleuScore {
  const opts = { effectiveOrder: true, ...options };
  return computeBleu(bleuSegmentStatistics(hypothesis, references, opts), opts);
}

/** sacreBLEU `BLEU().corpus_score(hypotheses, references)` with references given per segment. */
export function corpusBleu(
  hypotheses: readonly string[],
  references: readonly (readonly string[])[],
  options: BleuOptions = {},
): BleuScore & { signature: string } {
  const stats = hypotheses.map((h, i) => bleuSegmentStatistics(h, references[i] ?? [], options));
  return { ...computeBleu(sumStatistics(stats), options), signature: bleuSignature(referenceCount(references), options) };
}

/** sacreBLEU's nrefs: the number of references when every segment has the same, else 'var'. */
export function referenceCount(references: readonly (readonly string[])[]): number | 'var' {
  const counts = new Set(references.map((r) => r.length));
  return counts.size === 1 ? [...counts][0]! : counts.size === 0 ? 0 : 'var';
}

/**
 * chrF and chrF++ as sacreBLEU 2.x computes them (sacrebleu/metrics/chrf.py, metrics/helpers.py):
 * character n-grams of orders 1–6 over the segment with whitespace removed, plus (chrF++) word
 * n-grams of orders 1–2 after chrF++.py's punctuation splitting; per segment the reference with the
 * best F-score wins; corpus chrF is the F-beta (beta 2) of the summed statistics with precision and
 * recall averaged over the orders that have both hypothesis and reference n-grams ("eff:yes").
 */
import { ASCII_PUNCTUATION, codePoints, countNgrams, pyLower, pySplit } from './pythonText';

export interface ChrfOptions {
  /** Character n-gram order (default 6). */
  charOrder?: number;
  /** Word n-gram order: 0 for chrF (default), 2 for chrF++. */
  wordOrder?: number;
  /** Default 2. */
  beta?: number;
  lowercase?: boolean;
  /** Keep whitespace inside character n-grams (default false). */
  whitespace?: boolean;
  /** chrF++.py/NLTK/Moses epsilon smoothing instead of effective-order averaging (default false). */
  epsSmoothing?: boolean;
}

interface ResolvedChrf {
  charOrder: number;
  wordOrder: number;
  beta: number;
  lowercase: boolean;
  whitespace: boolean;
  epsSmoothing: boolean;
}

function resolve(options: ChrfOptions): ResolvedChrf {
  return {
    charOrder: options.charOrder ?? 6,
    wordOrder: options.wordOrder ?? 0,
    beta: options.beta ?? 2,
    lowercase: options.lowercase ?? false,
    whitespace: options.whitespace ?? false,
    epsSmoothing: options.epsSmoothing ?? false,
  };
}

function charNgrams(line: string, maxOrder: number, includeWhitespace: boolean): Array<Map<string, number>> {
  const text = includeWhitespace ? line : pySplit(line).join('');
  const chars = codePoints(text);
  if (chars.length !== text.length) return Array.from({ length: maxOrder }, (_, i) => countNgrams(chars, i + 1, ''));
  // No surrogate pairs: code points are UTF-16 units, and substrings are the n-grams.
  return Array.from({ length: maxOrder }, (_, i) => {
    const n = i + 1;
    const counts = new Map<string, number>();
    for (let j = 0; j + n <= text.length; j++) {
      const key = text.substring(j, j + n);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  });
}

/** chrF++.py's primitive tokenization: one leading or trailing punctuation mark is split off a word. */
export function chrfWords(sentence: string): string[] {
  const tokens: string[] = [];
  for (const word of pySplit(sentence)) {
    const chars = codePoints(word);
    if (chars.length === 1) {
      tokens.push(word);
    } else if (ASCII_PUNCTUATION.has(chars[chars.length - 1]!)) {
      tokens.push(chars.slice(0, -1).join(''), chars[chars.length - 1]!);
    } else if (ASCII_PUNCTUATION.has(chars[0]!)) {
      tokens.push(chars[0]!, chars.slice(1).join(''));
    } else {
      tokens.push(word);
    }
  }
  return tokens;
}

function allNgrams(sentence: string, o: ResolvedChrf): Array<Map<string, number>> {
  const text = o.lowercase ? pyLower(sentence) : sentence;
  const grams = charNgrams(text, o.charOrder, o.whitespace);
  if (o.wordOrder > 0) {
    const words = chrfWords(text);
    for (let n = 1; n <= o.wordOrder; n++) grams.push(countNgrams(words, n, ' '));
  }
  return grams;
}

/** sacreBLEU `_compute_f_score` over flattened [hyp, ref, match] triples per order. */
export function chrfScoreFromStatistics(stats: ArrayLike<number>, options: ChrfOptions = {}): number {
  const o = resolve(options);
  const order = o.charOrder + o.wordOrder;
  const eps = 1e-16;
  const factor = o.beta ** 2;
  let score = 0;
  let effectiveOrder = 0;
  let avgPrec = 0;
  let avgRec = 0;
  for (let i = 0; i < order; i++) {
    const nHyp = stats[3 * i]!;
    const nRef = stats[3 * i + 1]!;
    const nMatch = stats[3 * i + 2]!;
    const prec = nHyp > 0 ? nMatch / nHyp : eps;
    const rec = nRef > 0 ? nMatch / nRef : eps;
    const denom = factor * prec + rec;
    score += denom > 0 ? ((1 + factor) * prec * rec) / denom : eps;
    if (nHyp > 0 && nRef > 0) {
      avgPrec += prec;
      avgRec += rec;
      effectiveOrder++;
    }
  }
  if (o.epsSmoothing) return (100 * score) / order;
  if (effectiveOrder === 0) {
    avgPrec = 0;
    avgRec = 0;
  } else {
    avgPrec /= effectiveOrder;
    avgRec /= effectiveOrder;
  }
  if (avgPrec + avgRec) return (100 * ((1 + factor) * avgPrec * avgRec)) / (factor * avgPrec + avgRec);
  return 0;
}

/**
 * Per-segment statistics [hyp, ref, match] × (charOrder + wordOrder), taken from the reference
 * whose own F-score is highest (the first on ties).
 */
export function chrfSegmentStatistics(hypothesis: string, references: readonly string[], options: ChrfOptions = {}): number[] {
  const o = resolve(options);
  const hyp = allNgrams(hypothesis, o);
  let best: number[] = new Array<number>(3 * (o.charOrder + o.wordOrder)).fill(0);
  let bestScore = -1;
  for (const reference of references) {
    const ref = allNgrams(reference, o);
    const stats: number[] = [];
    for (let i = 0; i < hyp.length; i++) {
      const h = hyp[i]!;
      const r = ref[i]!;
      let match = 0;
      let hypCount = 0;
      for (const [key, count] of h) {
        hypCount += count;
        const rc = r.get(key);
        if (rc !== undefined) match += Math.min(count, rc);
      }
      let refCount = 0;
      for (const c of r.values()) refCount += c;
      // sacreBLEU: "Don't count hits if no reference exists for that n-gram"
      stats.push(r.size > 0 ? hypCount : 0, refCount, match);
    }
    const f = chrfScoreFromStatistics(stats, options);
    if (f > bestScore) {
      bestScore = f;
      best = stats;
    }
  }
  return best;
}

/** e.g. `nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.x`. */
export function chrfSignature(nrefs: number | 'var', options: ChrfOptions = {}): string {
  const o = resolve(options);
  return [
    `nrefs:${nrefs}`,
    `case:${o.lowercase ? 'lc' : 'mixed'}`,
    `eff:${o.epsSmoothing ? 'no' : 'yes'}`,
    `nc:${o.charOrder}`,
    `nw:${o.wordOrder}`,
    `space:${o.whitespace ? 'yes' : 'no'}`,
    'version:2.x',
  ].join('|');
}

/** The score name sacreBLEU prints: chrF2, chrF2++. */
export function chrfName(options: ChrfOptions = {}): string {
  const o = resolve(options);
  return `chrF${o.beta}${'+'.repeat(o.wordOrder)}`;
}

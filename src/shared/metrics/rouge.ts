/**
 * ROUGE as Google's rouge_score computes it (rouge/rouge_scorer.py, rouge/tokenize.py):
 * lowercase, every run of characters outside [a-z0-9] becomes a space (so accented, CJK and other
 * non-ASCII letters are dropped, as in rouge_score), optional NLTK Porter stemming of tokens longer
 * than 3 characters; ROUGE-N from clipped n-gram overlap, ROUGE-L from the longest common
 * subsequence, ROUGE-Lsum from the summary-level union LCS over newline-separated sentences
 * (ROUGE-1.5.5's double-count guard). With several references, the one with the best F wins
 * (`RougeScorer.score_multi`).
 */
import { countKeys, countNgrams, overlap, sumCounts } from './pythonText';
import { porterStem } from './porter';

export type RougeType = 'rouge1' | 'rouge2' | 'rougeL' | 'rougeLsum';

export interface RougeScore {
  precision: number;
  recall: number;
  fmeasure: number;
}

const ZERO: RougeScore = { precision: 0, recall: 0, fmeasure: 0 };

/** rouge_score `scoring.fmeasure`. */
export function fmeasure(precision: number, recall: number): number {
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

const VALID_TOKEN = /^[a-z0-9]+$/;

/** rouge_score `tokenize.tokenize(text, stemmer)`. */
export function rougeTokenize(text: string, stem = false): string[] {
  const cleaned = text.toLowerCase().replace(/[^a-z0-9]+/g, ' ');
  const out: string[] = [];
  for (const raw of cleaned.split(' ')) {
    const token = stem && raw.length > 3 ? porterStem(raw) : raw;
    if (VALID_TOKEN.test(token)) out.push(token);
  }
  return out;
}

/** rouge_score `_score_ngrams`. */
export function rougeNFromTokens(target: string[], prediction: string[], n: number): RougeScore {
  const t = countNgrams(target, n, ' ');
  const p = countNgrams(prediction, n, ' ');
  const hits = overlap(t, p);
  const precision = hits / Math.max(sumCounts(p), 1);
  const recall = hits / Math.max(sumCounts(t), 1);
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

/** LCS length table, row-major (rows = ref + 1, cols = can + 1). */
function lcsTable(ref: string[], can: string[]): Int32Array {
  const cols = can.length + 1;
  const t = new Int32Array((ref.length + 1) * cols);
  for (let i = 1; i <= ref.length; i++) {
    for (let j = 1; j <= can.length; j++) {
      t[i * cols + j] =
        ref[i - 1] === can[j - 1] ? t[(i - 1) * cols + j - 1]! + 1 : Math.max(t[(i - 1) * cols + j]!, t[i * cols + j - 1]!);
    }
  }
  return t;
}

function lcsLength(a: string[], b: string[]): number {
  // Two rows suffice for the length.
  let prev = new Int32Array(b.length + 1);
  let cur = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/** rouge_score `_score_lcs`. */
export function rougeLFromTokens(target: string[], prediction: string[]): RougeScore {
  if (!target.length || !prediction.length) return { ...ZERO };
  const lcs = lcsLength(target, prediction);
  const precision = lcs / prediction.length;
  const recall = lcs / target.length;
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

/** rouge_score `_backtrack_norec`: indices into `ref` of one LCS. */
export function lcsIndices(ref: string[], can: string[]): number[] {
  const t = lcsTable(ref, can);
  const cols = can.length + 1;
  let i = ref.length;
  let j = can.length;
  const out: number[] = [];
  while (i > 0 && j > 0) {
    if (ref[i - 1] === can[j - 1]) {
      out.push(i - 1);
      i--;
      j--;
    } else if (t[i * cols + j - 1]! > t[(i - 1) * cols + j]!) {
      j--;
    } else {
      i--;
    }
  }
  return out.reverse();
}

/** rouge_score `_summary_level_lcs` over tokenized sentences. */
export function summaryLevelLcs(refSentences: string[][], canSentences: string[][]): RougeScore {
  if (!refSentences.length || !canSentences.length) return { ...ZERO };
  const m = refSentences.reduce((s, x) => s + x.length, 0);
  const n = canSentences.reduce((s, x) => s + x.length, 0);
  if (!n || !m) return { ...ZERO };
  const refCounts = countKeys(refSentences.flat());
  const canCounts = countKeys(canSentences.flat());
  let hits = 0;
  for (const r of refSentences) {
    const union = new Set<number>();
    for (const c of canSentences) for (const i of lcsIndices(r, c)) union.add(i);
    for (const i of [...union].sort((a, b) => a - b)) {
      const token = r[i]!;
      const cc = canCounts.get(token) ?? 0;
      const rc = refCounts.get(token) ?? 0;
      if (cc > 0 && rc > 0) {
        hits++;
        canCounts.set(token, cc - 1);
        refCounts.set(token, rc - 1);
      }
    }
  }
  const recall = hits / m;
  const precision = hits / n;
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

/** rougeLsum's sentences: split on "\n", empty lines dropped (rouge_score `get_sents`). */
function sentences(text: string, stem: boolean): string[][] {
  return text
    .split('\n')
    .filter((s) => s.length > 0)
    .map((s) => rougeTokenize(s, stem));
}

/** rouge_score `RougeScorer([type], use_stemmer).score(target, prediction)[type]`. */
export function rouge(type: RougeType, target: string, prediction: string, stem = false): RougeScore {
  if (type === 'rougeLsum') return summaryLevelLcs(sentences(target, stem), sentences(prediction, stem));
  const t = rougeTokenize(target, stem);
  const p = rougeTokenize(prediction, stem);
  if (type === 'rougeL') return rougeLFromTokens(t, p);
  return rougeNFromTokens(t, p, type === 'rouge1' ? 1 : 2);
}

/** rouge_score `score_multi`: the reference with the highest F (the first on ties). */
export function rougeMulti(type: RougeType, targets: readonly string[], prediction: string, stem = false): RougeScore {
  let best: RougeScore | undefined;
  for (const target of targets) {
    const score = rouge(type, target, prediction, stem);
    if (!best || score.fmeasure > best.fmeasure) best = score;
  }
  return best ?? { ...ZERO };
}

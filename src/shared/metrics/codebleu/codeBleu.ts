/**
 * CodeBLEU (Ren et al. 2020, arXiv:2009.10297) as the maintained reference computes it: the pip
 * package `codebleu` (k4black/codebleu 0.7.1, codebleu/codebleu.py calc_codebleu), itself the
 * CodeXGLUE evaluator (microsoft/CodeXGLUE Code-Code/code-to-code-trans/evaluator/CodeBLEU) made
 * installable. Definitions and every deviation: docs/codebleu.md.
 *
 *   CodeBLEU = α·ngram + β·weighted ngram + γ·syntax + δ·(dataflow, or 1 when it is 0)
 *
 * Every component is a corpus ratio of summed statistics, so the per-item statistics here sum to
 * the corpus value exactly as calc_codebleu over the same lists would give it.
 */
import { pyStrip, pySplit } from '../pythonText';
import { dataflowMatchCounts } from './dataflowMatch';
import { KEYWORDS } from './keywords';
import { NgramStats, bleuStats, ngramScore, weightedNgramStats } from './ngramMatch';
import { removeCommentsAndDocstrings } from './removeComments';
import { syntaxMatchCounts } from './syntaxMatch';
import { CodeLanguage, CodeParsers } from './syntaxNode';

export type CodeBleuWeights = readonly [number, number, number, number];

/** The reference's defaults (α, β, γ, δ). */
export const DEFAULT_CODEBLEU_WEIGHTS: CodeBleuWeights = [0.25, 0.25, 0.25, 0.25];

export interface CodeBleuResult {
  codebleu: number;
  ngramMatch: number;
  weightedNgramMatch: number;
  syntaxMatch: number;
  /** 0 when no reference has a data-flow edge (the total then uses 1 in its place, as the reference). */
  dataflowMatch: number;
}

/** What one item adds to the corpus sums. */
export interface CodeBleuStats {
  ngram: NgramStats;
  weightedNgram: NgramStats;
  /** [matched reference subtrees, reference subtrees]. */
  syntax: [number, number];
  /** [matched reference data-flow edges, reference data-flow edges]. */
  dataflow: [number, number];
}

export function validateWeights(weights: readonly number[]): CodeBleuWeights {
  if (weights.length !== 4 || weights.some((w) => typeof w !== 'number' || !Number.isFinite(w))) {
    throw new RangeError(`CodeBLEU weights must be 4 finite numbers (ngram, weighted ngram, syntax, dataflow), got [${weights.join(', ')}]`);
  }
  return weights as unknown as CodeBleuWeights;
}

/** One candidate against its references: the sufficient statistics of calc_codebleu's four components. */
export function codeBleuStats(parsers: CodeParsers, candidate: string, references: readonly string[], language: CodeLanguage): CodeBleuStats {
  if (references.length === 0) throw new RangeError('CodeBLEU needs at least one reference');
  const refs = references.map(pyStrip);
  const hyp = pyStrip(candidate);
  const hypTokens = pySplit(hyp);
  const refTokens = refs.map(pySplit);
  // Both matches loop over the references, stripping comments from the candidate again each time
  // (the reference's loop reassigns it), and sum [matched, total].
  const overReferences = (counts: typeof syntaxMatchCounts): [number, number] => {
    const sum: [number, number] = [0, 0];
    let cand = hyp;
    for (const reference of refs) {
      cand = removeCommentsAndDocstrings(cand, language);
      const [m, t] = counts(parsers, cand, removeCommentsAndDocstrings(reference, language), language);
      sum[0] += m;
      sum[1] += t;
    }
    return sum;
  };
  const syntax = overReferences(syntaxMatchCounts);
  const dataflow = overReferences(dataflowMatchCounts);
  return {
    ngram: bleuStats(hypTokens, refTokens),
    weightedNgram: weightedNgramStats(hypTokens, refTokens, KEYWORDS[language]),
    syntax,
    dataflow,
  };
}

function add(into: number[], from: readonly number[]): void {
  for (let i = 0; i < from.length; i++) into[i] = (into[i] ?? 0) + from[i]!;
}

/** Sums of the statistics of the given items (all when `indices` is omitted). */
export function sumCodeBleuStats(stats: readonly CodeBleuStats[], indices?: ArrayLike<number>): CodeBleuStats {
  const sum: CodeBleuStats = { ngram: [], weightedNgram: [], syntax: [0, 0], dataflow: [0, 0] };
  const n = indices ? indices.length : stats.length;
  for (let k = 0; k < n; k++) {
    const s = stats[indices ? indices[k]! : k]!;
    add(sum.ngram, s.ngram);
    add(sum.weightedNgram, s.weightedNgram);
    add(sum.syntax, s.syntax);
    add(sum.dataflow, s.dataflow);
  }
  return sum;
}

/** The four components and the weighted total from (summed) statistics. */
export function codeBleuFromStats(stats: CodeBleuStats, weights: CodeBleuWeights = DEFAULT_CODEBLEU_WEIGHTS): CodeBleuResult {
  const ngramMatch = ngramScore(stats.ngram);
  const weightedNgramMatch = ngramScore(stats.weightedNgram);
  const syntaxMatch = stats.syntax[0] / stats.syntax[1];
  // corpus_dataflow_match returns 0 when no reference has an edge.
  const dataflowMatch = stats.dataflow[1] === 0 ? 0 : stats.dataflow[0] / stats.dataflow[1];
  const [alpha, beta, gamma, theta] = weights;
  // calc_codebleu: `theta * (dataflow_match_score or 1)` — a 0 (no edges, or none matched) counts as 1.
  const codebleu = alpha * ngramMatch + beta * weightedNgramMatch + gamma * syntaxMatch + theta * (dataflowMatch || 1);
  return { codebleu, ngramMatch, weightedNgramMatch, syntaxMatch, dataflowMatch };
}

/** calc_codebleu over a corpus: candidates[i] against references[i]. */
export function corpusCodeBleuWith(
  parsers: CodeParsers,
  candidates: readonly string[],
  references: readonly (readonly string[])[],
  language: CodeLanguage,
  weights: CodeBleuWeights = DEFAULT_CODEBLEU_WEIGHTS,
): CodeBleuResult {
  if (candidates.length !== references.length) throw new RangeError(`${candidates.length} candidates but ${references.length} reference lists`);
  if (candidates.length === 0) throw new RangeError('CodeBLEU needs at least one candidate');
  return codeBleuFromStats(sumCodeBleuStats(candidates.map((c, i) => codeBleuStats(parsers, c, references[i]!, language))), validateWeights(weights));
}

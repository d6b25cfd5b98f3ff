/**
 * CodeBLEU with tree-sitter's parsers loaded: the entry point for code tasks and `quantlens score`.
 * Per item: calc_codebleu([reference list], [candidate]); corpus: calc_codebleu over all items.
 */
import {
  CodeBleuResult,
  CodeBleuWeights,
  CodeLanguage,
  DEFAULT_CODEBLEU_WEIGHTS,
  codeBleuFromStats,
  codeBleuStats,
  corpusCodeBleuWith,
  validateWeights,
} from '../../shared/metrics/codebleu/index';
import { loadCodeParsers } from './treeSitterParsers';

export type { CodeBleuResult, CodeBleuWeights, CodeLanguage } from '../../shared/metrics/codebleu/index';
export { loadCodeParsers } from './treeSitterParsers';

/** One candidate against its references (sentence-level: calc_codebleu([references], [candidate])). */
export async function codeBleu(
  candidate: string,
  references: string[],
  language: CodeLanguage,
  weights: CodeBleuWeights = DEFAULT_CODEBLEU_WEIGHTS,
): Promise<CodeBleuResult> {
  const parsers = await loadCodeParsers();
  return codeBleuFromStats(codeBleuStats(parsers, candidate, references, language), validateWeights(weights));
}

/** calc_codebleu over a corpus: each component from statistics summed over all items, as the reference. */
export async function corpusCodeBleu(
  candidates: readonly string[],
  references: readonly (readonly string[])[],
  language: CodeLanguage,
  weights: CodeBleuWeights = DEFAULT_CODEBLEU_WEIGHTS,
): Promise<CodeBleuResult> {
  return corpusCodeBleuWith(await loadCodeParsers(), candidates, references, language, weights);
}

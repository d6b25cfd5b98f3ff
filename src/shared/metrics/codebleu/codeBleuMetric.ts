/**
 * CodeBLEU as a registry metric (input: generation). Tree-sitter's parsers load asynchronously, so
 * the caller loads them first (src/node/codebleu loadCodeParsers) and passes them with the language
 * in the metric options; the metric itself stays synchronous like every other. Per item: the
 * sentence-level CodeBLEU; corpus: the four components from statistics summed over items, as
 * calc_codebleu over the whole list computes them.
 */
import { MetricInputError, Metric } from '../types';
import { CodeBleuStats, DEFAULT_CODEBLEU_WEIGHTS, codeBleuFromStats, codeBleuStats, sumCodeBleuStats } from './codeBleu';
import { CODE_LANGUAGES, CodeLanguage, CodeParsers } from './syntaxNode';

export interface CodeBleuMetricOptions {
  language?: CodeLanguage;
  codeParsers?: CodeParsers;
}

const details = (stats: CodeBleuStats): Record<string, number> => {
  const r = codeBleuFromStats(stats);
  return { ngramMatch: r.ngramMatch, weightedNgramMatch: r.weightedNgramMatch, syntaxMatch: r.syntaxMatch, dataflowMatch: r.dataflowMatch };
};

export function codeBleuMetric(options: CodeBleuMetricOptions): Metric<'generation', CodeBleuStats> {
  const at = (stats: readonly CodeBleuStats[], indices?: ArrayLike<number>): number =>
    (indices ? indices.length : stats.length) === 0 ? NaN : codeBleuFromStats(sumCodeBleuStats(stats, indices)).codebleu;
  return {
    name: 'codebleu',
    title: 'CodeBLEU',
    description:
      'CodeBLEU (Ren et al. 2020) as the codebleu package (k4black/codebleu 0.7.1, the CodeXGLUE evaluator) computes it: 0.25 × BLEU-4 over whitespace tokens + 0.25 × keyword-weighted n-gram recall + 0.25 × AST subtree match + 0.25 × data-flow match (1 in the total when 0), tree-sitter parsers, comments removed before the syntax and data-flow matches; corpus value from summed statistics (docs/codebleu.md).',
    reference: 'k4black/codebleu 0.7.1 codebleu/codebleu.py calc_codebleu (microsoft/CodeXGLUE evaluator/CodeBLEU)',
    itemNote: 'sentence CodeBLEU (calc_codebleu on the one item)',
    input: 'generation',
    higherIsBetter: true,
    uncertainty: 'bootstrap',
    aggregation: 'corpus',
    range: [0, 1],
    binary: false,
    score(input) {
      const { language, codeParsers } = options;
      if (!language || !CODE_LANGUAGES.includes(language)) throw new MetricInputError(`codebleu needs a language (${CODE_LANGUAGES.join(' or ')}), got ${language ?? 'none'}`);
      if (!codeParsers) throw new MetricInputError('codebleu needs the tree-sitter parsers: load them with loadCodeParsers() (src/node/codebleu) and pass codeParsers');
      if (typeof input.prediction !== 'string') throw new MetricInputError('"prediction" must be a string');
      if (!Array.isArray(input.references) || input.references.length === 0 || input.references.some((r) => typeof r !== 'string')) {
        throw new MetricInputError('"references" must be a non-empty list of strings');
      }
      const stats = codeBleuStats(codeParsers, input.prediction, input.references, language);
      const r = codeBleuFromStats(stats, DEFAULT_CODEBLEU_WEIGHTS);
      return { value: r.codebleu, stats, details: details(stats) };
    },
    aggregate: at,
    corpus(stats) {
      if (stats.length === 0) return { value: NaN, details: { n: 0 }, warnings: ['no items'] };
      const sums = sumCodeBleuStats(stats);
      const warnings = sums.dataflow[1] === 0 ? ['no reference has a data-flow edge: dataflow match is 0 and counts as 1 in CodeBLEU (as the reference)'] : [];
      return { value: codeBleuFromStats(sums).codebleu, details: { n: stats.length, ...details(sums) }, warnings };
    },
  };
}

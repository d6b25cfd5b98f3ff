/**
 * The metric registry: every metric QuantLens computes, by name, as data (see types.ts).
 * `getMetric(name, options)` resolves a name (case-insensitive, with a few aliases) to a definition.
 */
import { bleuSegmentStatistics, bleuSignature, computeBleu, sumStatistics } from './bleu';
import { chrfName, chrfScoreFromStatistics, chrfSegmentStatistics, chrfSignature, ChrfOptions } from './chrf';
import { ECE_MIN_EXAMPLES, chooseAnswer, expectedCalibrationError, isGold, passAtK, ChoiceNormalization } from './likelihood';
import { CodeBleuMetricOptions, codeBleuMetric } from './codebleu/codeBleuMetric';
import { meteor } from './meteor';
import { RougeScore, RougeType, rougeMulti } from './rouge';
import { exactMatch, maxOverGroundTruths, tokenF1 } from './squad';
import {
  AnyMetric,
  ChoiceInput,
  ConfidenceInput,
  CorpusScore,
  GenerationInput,
  InputKind,
  LogLikelihoodInput,
  Metric,
  MetricInputError,
  MetricInputs,
  SamplesInput,
} from './types';

export interface MetricOptions extends CodeBleuMetricOptions {
  /** pass@k's k. */
  k?: number;
  /** ROUGE with the Porter stemmer (rouge_score use_stemmer=True). */
  stem?: boolean;
}

function meanAt(values: readonly number[], indices?: ArrayLike<number>): number {
  const n = indices ? indices.length : values.length;
  if (n === 0) return NaN;
  let sum = 0;
  for (let k = 0; k < n; k++) sum += values[indices ? indices[k]! : k]!;
  return sum / n;
}

/**
 * Something derived from a statistics array, computed once per array: the bootstrap calls
 * aggregate() a thousand times on the same array with different indices.
 */
function perStatsArray<S, T>(derive: (stats: readonly S[]) => T): (stats: readonly S[]) => T {
  const cache = new WeakMap<readonly S[], T>();
  return (stats) => {
    let value = cache.get(stats);
    if (value === undefined) {
      value = derive(stats);
      cache.set(stats, value);
    }
    return value;
  };
}

/** One number per item, computed once per statistics array. */
function memoColumn<S>(pick: (s: S) => number): (stats: readonly S[]) => number[] {
  return perStatsArray((stats: readonly S[]) => stats.map(pick));
}

type MeanSpec<K extends InputKind> = Omit<Metric<K, number>, 'aggregate' | 'corpus' | 'score' | 'aggregation'> & {
  score(input: MetricInputs[K]): { value: number; details?: Record<string, number> };
};

/** A metric whose corpus value is the mean of its item values. */
function meanMetric<K extends InputKind>(spec: MeanSpec<K>): Metric<K, number> {
  return {
    ...spec,
    aggregation: 'mean',
    score(input) {
      const { value, details } = spec.score(input);
      return details ? { value, stats: value, details } : { value, stats: value };
    },
    aggregate: meanAt,
    corpus(stats): CorpusScore {
      return { value: meanAt(stats), details: { n: stats.length }, warnings: [] };
    },
  };
}

function requireReferences(input: GenerationInput): void {
  if (typeof input.prediction !== 'string') throw new MetricInputError('"prediction" must be a string');
  if (!Array.isArray(input.references) || input.references.length === 0) {
    throw new MetricInputError('"references" must be a non-empty list of strings');
  }
  if (input.references.some((r) => typeof r !== 'string')) throw new MetricInputError('every reference must be a string');
}

function referenceCountOf(counts: readonly number[]): number | 'var' {
  const set = new Set(counts);
  return set.size === 1 ? [...set][0]! : 'var';
}

interface SegmentStats {
  counts: number[];
  references: number;
}

interface SegmentMetricSpec {
  name: string;
  title: string;
  description: string;
  reference: string;
  itemNote: string;
  /** The segment's sufficient statistics. */
  segment(prediction: string, references: readonly string[]): number[];
  /** The score of (summed) statistics. */
  scoreOf(sums: ArrayLike<number>): number;
  signature(nrefs: number | 'var'): string;
  details?(sums: ArrayLike<number>): Record<string, number>;
}

/** sacreBLEU-style metrics: per-segment statistics, summed over the corpus, then scored (0–100). */
function segmentMetric(spec: SegmentMetricSpec): Metric<'generation', SegmentStats> {
  const rows = perStatsArray((stats: readonly SegmentStats[]) => stats.map((s) => s.counts));
  const at = (stats: readonly SegmentStats[], indices?: ArrayLike<number>): number =>
    (indices ? indices.length : stats.length) === 0 ? NaN : spec.scoreOf(sumStatistics(rows(stats), indices));
  return {
    name: spec.name,
    title: spec.title,
    description: spec.description,
    reference: spec.reference,
    itemNote: spec.itemNote,
    input: 'generation',
    higherIsBetter: true,
    uncertainty: 'bootstrap',
    aggregation: 'corpus',
    range: [0, 100],
    binary: false,
    score(input) {
      requireReferences(input);
      const counts = spec.segment(input.prediction, input.references);
      return { value: spec.scoreOf(counts), stats: { counts, references: input.references.length } };
    },
    aggregate: at,
    corpus(stats): CorpusScore {
      if (stats.length === 0) return { value: NaN, details: { n: 0 }, warnings: ['no items'] };
      const sums = sumStatistics(stats.map((s) => s.counts));
      return {
        value: spec.scoreOf(sums),
        details: { n: stats.length, ...spec.details?.(sums) },
        signature: spec.signature(referenceCountOf(stats.map((s) => s.references))),
        warnings: [],
      };
    },
  };
}

function bleuMetric(): Metric<'generation', SegmentStats> {
  const metric = segmentMetric({
    name: 'bleu',
    title: 'BLEU',
    description:
      'Corpus BLEU with sacreBLEU 2.x defaults: 13a tokenizer, mixed case, n-grams 1–4, brevity penalty from the closest reference length, exp smoothing. Per item: sentence BLEU with effective order (sacrebleu.sentence_bleu).',
    reference: 'sacreBLEU 2.x (sacrebleu/metrics/bleu.py)',
    itemNote: 'sentence BLEU (nrefs:N|case:mixed|eff:yes|tok:13a|smooth:exp)',
    segment: (prediction, references) => bleuSegmentStatistics(prediction, references),
    scoreOf: (sums) => computeBleu(sums).score,
    signature: (nrefs) => bleuSignature(nrefs),
    details(sums) {
      const bleu = computeBleu(sums);
      return {
        precision1: bleu.precisions[0]!,
        precision2: bleu.precisions[1]!,
        precision3: bleu.precisions[2]!,
        precision4: bleu.precisions[3]!,
        brevityPenalty: bleu.brevityPenalty,
        ratio: bleu.ratio,
        hypothesisLength: bleu.hypothesisLength,
        referenceLength: bleu.referenceLength,
      };
    },
  });
  // Per item: sentence BLEU (effective order), as sacrebleu.sentence_bleu; the corpus sums stay eff:no.
  return {
    ...metric,
    score(input) {
      const item = metric.score(input);
      const sentence = computeBleu(item.stats.counts, { effectiveOrder: true });
      return { ...item, value: sentence.score, details: { brevityPenalty: sentence.brevityPenalty } };
    },
  };
}

function chrfMetric(wordOrder: 0 | 2): Metric<'generation', SegmentStats> {
  const options: ChrfOptions = { wordOrder };
  const plus = wordOrder > 0;
  return segmentMetric({
    name: plus ? 'chrf++' : 'chrf',
    title: chrfName(options),
    description: plus
      ? 'chrF++ with sacreBLEU 2.x defaults: character n-grams 1–6 plus word n-grams 1–2, beta 2, effective-order averaging; corpus value from summed statistics.'
      : 'chrF with sacreBLEU 2.x defaults: character n-grams 1–6 (whitespace removed), beta 2, effective-order averaging; corpus value from summed statistics.',
    reference: 'sacreBLEU 2.x (sacrebleu/metrics/chrf.py)',
    itemNote: 'sentence chrF (the same statistics, one segment)',
    segment: (prediction, references) => chrfSegmentStatistics(prediction, references, options),
    scoreOf: (sums) => chrfScoreFromStatistics(sums, options),
    signature: (nrefs) => chrfSignature(nrefs, options),
  });
}

const ROUGE_TITLES: Record<RougeType, string> = { rouge1: 'ROUGE-1', rouge2: 'ROUGE-2', rougeL: 'ROUGE-L', rougeLsum: 'ROUGE-Lsum' };

function rougeMetric(type: RougeType, stem: boolean): Metric<'generation', RougeScore> {
  const fColumn = memoColumn((s: RougeScore) => s.fmeasure);
  const fAt = (stats: readonly RougeScore[], indices?: ArrayLike<number>): number => meanAt(fColumn(stats), indices);
  return {
    name: stem ? `${type}_stem` : type,
    title: stem ? `${ROUGE_TITLES[type]} (stemmed)` : ROUGE_TITLES[type],
    description: `${ROUGE_TITLES[type]} F-measure as rouge_score computes it: lowercase, non-[a-z0-9] characters to spaces${stem ? ', NLTK Porter stemming of tokens longer than 3 characters' : ', no stemming'}${type === 'rougeLsum' ? ', summary-level union LCS over newline-separated sentences' : ''}; the best reference by F; corpus value is the mean over items (precision and recall means in the details).`,
    reference: 'rouge_score (google-research/rouge, rouge_scorer.py)',
    input: 'generation',
    higherIsBetter: true,
    uncertainty: 'bootstrap',
    aggregation: 'mean',
    range: [0, 1],
    binary: false,
    score(input) {
      requireReferences(input);
      const s = rougeMulti(type, input.references, input.prediction, stem);
      return { value: s.fmeasure, stats: s, details: { precision: s.precision, recall: s.recall } };
    },
    aggregate: fAt,
    corpus(stats) {
      return {
        value: fAt(stats),
        details: {
          n: stats.length,
          precision: meanAt(stats.map((s) => s.precision)),
          recall: meanAt(stats.map((s) => s.recall)),
        },
        warnings: stats.length ? [] : ['no items'],
      };
    },
  };
}

function meteorMetric(): Metric<'generation', number> {
  return meanMetric<'generation'>({
    name: 'meteor',
    title: 'METEOR',
    description:
      'METEOR as NLTK meteor_score computes it, with the exact and Porter-stem matching modules only — no WordNet synonym module is used, so synonyms do not match. alpha 0.9, beta 3, gamma 0.5; lowercased, whitespace-tokenized; best over references; corpus value is the mean over items.',
    reference: 'NLTK nltk.translate.meteor_score (exact + stem modules)',
    input: 'generation',
    higherIsBetter: true,
    uncertainty: 'stderr',
    range: [0, 1],
    binary: false,
    score(input) {
      requireReferences(input);
      const m = meteor(input.prediction, input.references);
      return { value: m.score, details: { matches: m.matches, chunks: m.chunks, precision: m.precision, recall: m.recall } };
    },
  });
}

function squadMetric(kind: 'exact_match' | 'f1'): Metric<'generation', number> {
  return meanMetric<'generation'>({
    name: kind,
    title: kind === 'exact_match' ? 'EM' : 'F1',
    description:
      kind === 'exact_match'
        ? 'Exact match after SQuAD v1.1 normalization (lowercase, strip punctuation, remove a/an/the, collapse whitespace), max over gold answers, ×100.'
        : 'Token F1 after SQuAD v1.1 normalization, max over gold answers, ×100.',
    reference: 'SQuAD v1.1 evaluate-v1.1.py',
    input: 'generation',
    higherIsBetter: true,
    uncertainty: 'stderr',
    range: [0, 100],
    binary: kind === 'exact_match',
    score(input) {
      requireReferences(input);
      const fn = kind === 'exact_match' ? (p: string, t: string): number => Number(exactMatch(p, t)) : tokenF1;
      return { value: 100 * maxOverGroundTruths(fn, input.prediction, input.references) };
    },
  });
}

function validateChoice(input: ChoiceInput): void {
  const n = Array.isArray(input.logLikelihoods) ? input.logLikelihoods.length : 0;
  if (n === 0 || input.logLikelihoods.some((ll) => typeof ll !== 'number')) throw new MetricInputError('"logLikelihoods" must be a non-empty list of numbers');
  if (!Array.isArray(input.choices)) throw new MetricInputError('"choices" must be a list of strings');
  if (input.choices.length !== n) throw new MetricInputError(`${n} log-likelihoods but ${input.choices.length} choices`);
  const golds = typeof input.gold === 'number' ? [input.gold] : input.gold;
  if (!golds.length || golds.some((g) => !Number.isInteger(g) || g < 0 || g >= n)) {
    throw new MetricInputError(`"gold" must be a choice index in 0..${n - 1}`);
  }
}

function choiceMetric(name: 'acc' | 'acc_norm' | 'acc_bytes'): Metric<'choice', number> {
  const normalization: ChoiceNormalization = name === 'acc' ? 'none' : name === 'acc_norm' ? 'chars' : 'bytes';
  const how =
    name === 'acc'
      ? 'the choice with the highest log-likelihood'
      : name === 'acc_norm'
        ? 'the choice with the highest log-likelihood divided by its length in characters'
        : 'the choice with the highest log-likelihood divided by its length in UTF-8 bytes';
  return meanMetric<'choice'>({
    name,
    title: name,
    description: `1 when ${how} is gold, else 0 (lm-evaluation-harness multiple_choice); corpus value is the mean.`,
    reference: 'lm-evaluation-harness lm_eval/api/task.py (multiple_choice process_results)',
    input: 'choice',
    higherIsBetter: true,
    uncertainty: 'stderr',
    range: [0, 1],
    binary: true,
    score(input) {
      validateChoice(input);
      const chosen = chooseAnswer(input.logLikelihoods, input.choices, normalization);
      return { value: isGold(chosen, input.gold) ? 1 : 0, details: { chosen } };
    },
  });
}

function passAtKMetric(k: number): Metric<'samples', number> {
  if (!Number.isInteger(k) || k < 1) throw new MetricInputError(`pass@k needs a positive integer k, got ${k}`);
  return meanMetric<'samples'>({
    name: `pass@${k}`,
    title: `pass@${k}`,
    description: `Unbiased pass@${k} estimator 1 − C(n−c, ${k})/C(n, ${k}) per problem in human-eval's stable product form; corpus value is the mean over problems.`,
    reference: 'openai/human-eval human_eval/evaluation.py estimate_pass_at_k',
    input: 'samples',
    higherIsBetter: true,
    uncertainty: 'stderr',
    range: [0, 1],
    binary: false,
    score(input: SamplesInput) {
      const { n, correct } = input;
      if (!Number.isInteger(n) || n < 0 || !Number.isInteger(correct) || correct < 0 || correct > n) {
        throw new MetricInputError(`"n" and "c" must be integers with 0 ≤ c ≤ n, got n=${n}, c=${correct}`);
      }
      // human-eval only reports pass@k when every problem has at least k samples.
      if (n < k) throw new MetricInputError(`pass@${k} needs at least ${k} samples per problem, this one has n=${n}`);
      return { value: passAtK(n, correct, k) };
    },
  });
}

interface ConfidenceStats {
  probability: number;
  correct: number;
}

function eceMetric(): Metric<'confidence', ConfidenceStats> {
  const probabilities = memoColumn((s: ConfidenceStats) => s.probability);
  const correctness = memoColumn((s: ConfidenceStats) => s.correct);
  const at = (stats: readonly ConfidenceStats[], indices?: ArrayLike<number>): number =>
    expectedCalibrationError(probabilities(stats), correctness(stats), 10, indices).ece;
  return {
    name: 'ece',
    title: 'ECE (10 equal-mass bins)',
    description: `Expected calibration error of the max choice probability against correctness over 10 equal-mass bins (HELM ece_10_bin); below ${ECE_MIN_EXAMPLES} examples the estimate is unreliable and a warning is given.`,
    reference: 'HELM basic_metrics.py ece_10_bin (calibration library get_ece_em)',
    input: 'confidence',
    higherIsBetter: false,
    uncertainty: 'bootstrap',
    aggregation: 'corpus',
    range: [0, 1],
    binary: false,
    itemNote: 'probability − correctness (the residual the bins average)',
    score(input: ConfidenceInput) {
      const p = input.probability;
      if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new MetricInputError(`"probability" must be in [0, 1], got ${p}`);
      const correct = Number(input.correct);
      if (correct !== 0 && correct !== 1) throw new MetricInputError('"correct" must be true/false or 0/1');
      return { value: p - correct, stats: { probability: p, correct } };
    },
    aggregate: at,
    corpus(stats) {
      const result = expectedCalibrationError(
        stats.map((s) => s.probability),
        stats.map((s) => s.correct),
        10,
      );
      const warnings =
        stats.length < ECE_MIN_EXAMPLES
          ? [`ECE over ${stats.length} examples is unreliable: 10-bin ECE needs about ${ECE_MIN_EXAMPLES} (HELM).`]
          : [];
      return { value: result.ece, details: { n: stats.length, bins: result.bins }, warnings };
    },
  };
}

type PerplexityKind = 'perplexity' | 'token_perplexity' | 'word_perplexity' | 'byte_perplexity' | 'bits_per_byte';

function perplexityMetric(kind: PerplexityKind): Metric<'loglikelihood', LogLikelihoodInput> {
  const unit = { perplexity: undefined, token_perplexity: 'tokens', word_perplexity: 'words', byte_perplexity: 'bytes', bits_per_byte: 'bytes' }[kind] as
    | 'tokens'
    | 'words'
    | 'bytes'
    | undefined;
  const fromSums = (ll: number, size: number, count: number): number => {
    if (kind === 'perplexity') return Math.exp(-ll / count);
    if (kind === 'bits_per_byte') return -ll / size / Math.LN2;
    return Math.exp(-ll / size);
  };
  const at = (stats: readonly LogLikelihoodInput[], indices?: ArrayLike<number>): number => {
    const n = indices ? indices.length : stats.length;
    if (n === 0) return NaN;
    let ll = 0;
    let size = 0;
    for (let k = 0; k < n; k++) {
      const s = stats[indices ? indices[k]! : k]!;
      ll += s.logLikelihood;
      size += unit ? s[unit]! : 0;
    }
    return fromSums(ll, size, n);
  };
  const descriptions: Record<PerplexityKind, string> = {
    perplexity: 'exp(−mean log-likelihood) over items (lm-evaluation-harness `perplexity`).',
    token_perplexity: 'exp(−Σ log-likelihood / Σ tokens).',
    word_perplexity: 'exp(−Σ log-likelihood / Σ words) (lm-evaluation-harness `word_perplexity`).',
    byte_perplexity: 'exp(−Σ log-likelihood / Σ UTF-8 bytes) (lm-evaluation-harness `byte_perplexity`).',
    bits_per_byte: '−Σ log-likelihood / Σ UTF-8 bytes / ln 2 (lm-evaluation-harness `bits_per_byte`).',
  };
  return {
    name: kind,
    title: kind,
    description: descriptions[kind],
    reference: 'lm-evaluation-harness lm_eval/api/metrics.py',
    input: 'loglikelihood',
    higherIsBetter: false,
    uncertainty: 'bootstrap',
    aggregation: 'corpus',
    range: kind === 'bits_per_byte' ? [0, Infinity] : [1, Infinity],
    binary: false,
    score(input) {
      if (typeof input.logLikelihood !== 'number' || !Number.isFinite(input.logLikelihood) || input.logLikelihood > 0) {
        throw new MetricInputError(`"logLikelihood" must be a finite number ≤ 0, got ${input.logLikelihood}`);
      }
      if (unit && !(typeof input[unit] === 'number' && input[unit]! > 0)) throw new MetricInputError(`"${unit}" must be a positive number`);
      const stats = { ...input };
      return { value: at([stats]), stats };
    },
    aggregate: at,
    corpus(stats) {
      return { value: at(stats), details: { n: stats.length }, warnings: stats.length ? [] : ['no items'] };
    },
  };
}

interface Factory {
  make(options: MetricOptions): AnyMetric;
  /** Takes {stem: true}: also registered as `<name>_stem`. */
  stemmed?: true;
}

/** Every metric by its registry name (looked up case-insensitively); `pass@k` takes {k}. */
const FACTORIES: Record<string, Factory> = {
  bleu: { make: () => bleuMetric() },
  chrf: { make: () => chrfMetric(0) },
  'chrf++': { make: () => chrfMetric(2) },
  rouge1: { make: (o) => rougeMetric('rouge1', o.stem ?? false), stemmed: true },
  rouge2: { make: (o) => rougeMetric('rouge2', o.stem ?? false), stemmed: true },
  rougeL: { make: (o) => rougeMetric('rougeL', o.stem ?? false), stemmed: true },
  rougeLsum: { make: (o) => rougeMetric('rougeLsum', o.stem ?? false), stemmed: true },
  meteor: { make: () => meteorMetric() },
  exact_match: { make: () => squadMetric('exact_match') },
  f1: { make: () => squadMetric('f1') },
  'pass@k': { make: (o) => passAtKMetric(o.k ?? 1) },
  codebleu: { make: (o) => codeBleuMetric(o) },
  acc: { make: () => choiceMetric('acc') },
  acc_norm: { make: () => choiceMetric('acc_norm') },
  acc_bytes: { make: () => choiceMetric('acc_bytes') },
  ece: { make: () => eceMetric() },
  perplexity: { make: () => perplexityMetric('perplexity') },
  token_perplexity: { make: () => perplexityMetric('token_perplexity') },
  word_perplexity: { make: () => perplexityMetric('word_perplexity') },
  byte_perplexity: { make: () => perplexityMetric('byte_perplexity') },
  bits_per_byte: { make: () => perplexityMetric('bits_per_byte') },
};

const BY_LOWER_NAME = new Map(Object.entries(FACTORIES).map(([name, factory]) => [name.toLowerCase(), factory]));

const ALIASES: Record<string, string> = {
  em: 'exact_match',
  exact: 'exact_match',
  sacrebleu: 'bleu',
  chrfpp: 'chrf++',
  'chrf+': 'chrf++',
  ece_10_bin: 'ece',
};

/** Registry names, for help texts and validation messages: every factory, and the `_stem` form of those that stem. */
export const METRIC_NAMES: readonly string[] = Object.entries(FACTORIES).flatMap(([name, factory]) => (factory.stemmed ? [name, `${name}_stem`] : [name]));

/** Resolves a metric by name; `rougeL_stem` = `rougeL` with {stem: true}; `pass@10` = `pass@k` with {k: 10}. */
export function findMetric(name: string, options: MetricOptions = {}): AnyMetric | undefined {
  let key = name.trim().toLowerCase();
  let opts = { ...options };
  const passAt = /^pass@(\d+)$/.exec(key);
  if (passAt) {
    key = 'pass@k';
    opts = { ...opts, k: Number(passAt[1]) };
  }
  const stemmed = key.endsWith('_stem');
  if (stemmed) {
    key = key.slice(0, -'_stem'.length);
    opts = { ...opts, stem: true };
  }
  const factory = BY_LOWER_NAME.get(ALIASES[key] ?? key);
  if (!factory || (stemmed && !factory.stemmed)) return undefined;
  return factory.make(opts);
}

/** As findMetric, but throws MetricInputError naming the known metrics. */
export function getMetric(name: string, options: MetricOptions = {}): AnyMetric {
  const metric = findMetric(name, options);
  if (!metric) throw new MetricInputError(`unknown metric "${name}"; known metrics: ${METRIC_NAMES.join(', ')}`);
  return metric;
}

/** Every registered metric with default options (pass@k as pass@1). */
export function listMetrics(): AnyMetric[] {
  return METRIC_NAMES.map((name) => getMetric(name));
}

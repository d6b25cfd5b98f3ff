/**
 * A metric is data (docs/architecture.md, "A metric is data"; lm-evaluation-harness `api/registry.py`): a name,
 * the input it scores, a per-item scorer that also returns the item's sufficient statistics, a
 * corpus aggregation over those statistics, its direction, and how its uncertainty is estimated.
 */

/** A generated text against one or more references. */
export interface GenerationInput {
  prediction: string;
  references: readonly string[];
}

/** Log-likelihood multiple choice: one log-likelihood per choice continuation. */
export interface ChoiceInput {
  logLikelihoods: readonly number[];
  /** The continuation strings (their lengths normalize acc_norm / acc_bytes). */
  choices: readonly string[];
  /** Index of the gold choice, or several acceptable indices. */
  gold: number | readonly number[];
}

/** Code samples for pass@k: n generated, c of them passed. */
export interface SamplesInput {
  n: number;
  correct: number;
}

/** A prediction's confidence (max choice probability) and whether it was right, for calibration. */
export interface ConfidenceInput {
  probability: number;
  correct: boolean | number;
}

/** A document's total log-likelihood (natural log) and its size, for the perplexity family. */
export interface LogLikelihoodInput {
  logLikelihood: number;
  tokens?: number;
  words?: number;
  bytes?: number;
}

export interface MetricInputs {
  generation: GenerationInput;
  choice: ChoiceInput;
  samples: SamplesInput;
  confidence: ConfidenceInput;
  loglikelihood: LogLikelihoodInput;
}

export type InputKind = keyof MetricInputs;

export interface ItemScore<S = unknown> {
  /** The item's own score, on the metric's scale (sentence BLEU for BLEU, 0/1 for acc, …). */
  value: number;
  /** What the corpus aggregation needs from this item. */
  stats: S;
  /** Extra per-item numbers (precision/recall, the chosen answer, …). */
  details?: Record<string, number>;
}

export interface CorpusScore {
  value: number;
  details: Record<string, number>;
  /** sacreBLEU-style signature where the reference tool prints one. */
  signature?: string;
  warnings: string[];
}

export interface Metric<K extends InputKind = InputKind, S = unknown> {
  /** Registry name, e.g. 'bleu', 'rougeL_stem', 'pass@10'. */
  readonly name: string;
  /** How the reference tool prints it, e.g. 'BLEU', 'chrF2++', 'ROUGE-L'. */
  readonly title: string;
  readonly description: string;
  /** Which tool's definition this reproduces. */
  readonly reference: string;
  readonly input: K;
  readonly higherIsBetter: boolean;
  /** 'stderr': sample std / sqrt(n) of the per-item values; 'bootstrap': resample the aggregate. */
  readonly uncertainty: 'bootstrap' | 'stderr';
  /** 'mean': the corpus value is the mean of item values; 'corpus': computed from summed statistics. */
  readonly aggregation: 'mean' | 'corpus';
  /** The scale, e.g. [0, 100] for BLEU and EM, [0, 1] for ROUGE and acc, [1, ∞) for perplexity. */
  readonly range: readonly [number, number];
  /** Per-item values are 0 or range[1] (right/wrong), so flips and McNemar apply. */
  readonly binary: boolean;
  /** What the per-item value means when it differs from the corpus value's definition. */
  readonly itemNote?: string;
  /** Scores one item; throws MetricInputError when the input is unusable. */
  score(input: MetricInputs[K]): ItemScore<S>;
  /** The corpus value over all items, or over the given item indices (bootstrap resamples). */
  aggregate(stats: readonly S[], indices?: ArrayLike<number>): number;
  /** The corpus value with its details, signature and warnings. */
  corpus(stats: readonly S[]): CorpusScore;
}

/**
 * Any registered metric. Its `score` accepts any input shape (method parameters are bivariant);
 * each scorer validates its input at run time and throws MetricInputError when it does not fit.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyMetric = Metric<InputKind, any>;

/** Any metric input. */
export type MetricInput = MetricInputs[InputKind];

/** An item the metric cannot score (missing references, n < k, …). */
export class MetricInputError extends Error {
  override readonly name = 'MetricInputError';
}

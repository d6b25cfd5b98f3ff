/**
 * What the passes need from a model, and nothing more (lm-evaluation-harness's `api/model.py`
 * idea): the in-process ONNX backend and the served-endpoint backend implement it. The passes
 * learn what a backend can give (`distributions`), never which stack it is.
 */
export interface ModelBackend {
  readonly variantId: string;
  /** Where it runs, as the run card says it: an execution provider ("cpu") or "served". */
  readonly executionProvider: string;
  /** Size of the next-token distribution (the logits' last dimension). */
  readonly vocabSize: number;
  /** What `forward` / `promptTopK` can give for a given token sequence. */
  readonly distributions: DistributionSupport;

  /**
   * Scores for every position of `tokens` in one fresh context: [tokens.length × vocabSize], row i
   * the distribution of the token after tokens[i]. Softmax of a row is the distribution: raw
   * logits (float32, in-process) or log-probabilities (float64, from a server, so nothing is
   * rounded on the way). Only when `distributions.kind` is 'full'.
   */
  forward(tokens: readonly number[]): Promise<NextTokenScores>;

  /**
   * Log-probabilities of each next token of `tokens` and the top-k the server returned at each
   * position. Only when `distributions.kind` is 'top-k'. `alsoIds[i]` asks for these ids at row i
   * too where the server can (vLLM `logprob_token_ids`); `PromptTopK.askedIdsReturned` says if it did.
   */
  promptTopK?(tokens: readonly number[], alsoIds?: ReadonlyArray<readonly number[]>): Promise<PromptTopK>;

  /** Greedy decoding with a timestamp (performance.now() ms) as each token becomes available. */
  generateGreedy(promptTokens: readonly number[], options: GreedyOptions): Promise<GreedyResult>;

  /**
   * Seeded temperature (and nucleus) sampling, for code tasks with n > 1 samples per problem; the
   * same seed gives the same tokens on the same backend. Absent where the backend cannot sample.
   */
  generateSampled?(promptTokens: readonly number[], options: SampledOptions): Promise<GreedyResult>;

  dispose(): Promise<void>;
}

/** Softmax of each row is the next-token distribution (see ModelBackend.forward). */
export type NextTokenScores = Float32Array | Float64Array;

/**
 * 'full': forward gives every token's score. 'top-k': promptTopK gives the k most likely tokens and
 * the actual next token's log-probability (PPL exact, KLD only as a lower bound). 'none': the
 * server gives no prompt log-probabilities at all (llama.cpp server, Ollama); `reason` says so,
 * naming the endpoint and server, and generation, tasks that generate and performance still run.
 */
export type DistributionSupport = { kind: 'full' } | { kind: 'top-k'; k: number } | { kind: 'none'; reason: string };

/** Per row i of a sequence of n tokens (i in 0..n-2, predicting tokens[i+1]). */
export interface PromptTopK {
  /** ln P(tokens[i+1] | tokens[..i]), length n − 1. */
  targetLogprobs: Float64Array;
  /** The ids and ln P the server returned at row i (its top-k, the target, and any asked ids), length n − 1. */
  rows: Array<{ ids: Int32Array; logprobs: Float64Array }>;
  /** Whether the ids in `alsoIds` came back (the server honours vLLM's logprob_token_ids). */
  askedIdsReturned: boolean;
}

export interface GreedyOptions {
  maxNewTokens: number;
  /** Stop at an end-of-sequence token (fidelity); performance runs ignore EOS to fix the length. */
  stopOnEos: boolean;
  /** Checked between steps so cancellation is prompt. */
  shouldStop?: () => boolean;
}

/** Temperature > 0; topP in (0, 1] (1 = the whole distribution); seed as the run card records it. */
export interface SamplingOptions {
  temperature: number;
  topP: number;
  seed: number;
}

export interface SampledOptions extends GreedyOptions {
  sampling: SamplingOptions;
}

export interface GreedyResult {
  tokens: number[];
  stoppedBy: 'eos' | 'max-new-tokens' | 'cancelled';
  /** performance.now() when the request started (before the prompt's forward pass). */
  startedAtMs: number;
  /** performance.now() when each generated token was available. */
  tokenTimesMs: number[];
}

/** Greedy decoding of a batch: one token list per prompt row, one timestamp per step (all rows at once). */
export interface BatchGreedyResult extends Omit<GreedyResult, 'tokens'> {
  rows: number[][];
}

export interface TextTokenizer {
  /** Token ids of `text`, with BOS when the tokenizer's template adds one and `addSpecialTokens`. */
  encode(text: string, addSpecialTokens: boolean): number[];
  decode(tokens: readonly number[]): string;
  readonly eosTokenIds: readonly number[];
  /** The model's chat template with add_generation_prompt, when its tokenizer has one. */
  applyChatTemplate?(messages: Array<{ role: 'system' | 'user' | 'assistant'; content: string }>): string;
  /** The model folder's file that template comes from; set exactly when applyChatTemplate is. */
  readonly chatTemplateSource?: ChatTemplateSource;
}

export type ChatTemplateSource = 'tokenizer_config.json' | 'chat_template.jinja';

/**
 * What the passes need from a model, and nothing more (lm-evaluation-harness's `api/model.py`
 * idea): the in-process ONNX backend implements it today; a server or GGUF backend can plug in
 * later without touching the passes.
 */
export interface ModelBackend {
  readonly variantId: string;
  /** The execution provider the session actually runs on, e.g. "cpu". */
  readonly executionProvider: string;
  /** Size of the logits' last dimension. */
  readonly vocabSize: number;
  /** Full-vocabulary logits are exact for this backend (a server backend may give top-k only). */
  readonly fullVocabulary: true;

  /** Logits for every position of `tokens` in one fresh context: [tokens.length × vocabSize]. */
  forward(tokens: readonly number[]): Promise<Float32Array>;

  /** Greedy decoding with a timestamp (performance.now() ms) as each token becomes available. */
  generateGreedy(promptTokens: readonly number[], options: GreedyOptions): Promise<GreedyResult>;

  dispose(): Promise<void>;
}

export interface GreedyOptions {
  maxNewTokens: number;
  /** Stop at an end-of-sequence token (fidelity); performance runs ignore EOS to fix the length. */
  stopOnEos: boolean;
  /** Checked between steps so cancellation is prompt. */
  shouldStop?: () => boolean;
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

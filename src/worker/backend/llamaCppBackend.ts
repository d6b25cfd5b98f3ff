import { performance } from 'node:perf_hooks';
import type { LlamaContext, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import type { LlamaCppVariantCard } from '../../shared/llamaCppCard';
import type { ModelVariant } from '../../shared/modelTypes';
import type { ExecutionProviderChoice } from '../../shared/report/schema';
import { llamaRuntime, LlamaRuntime } from './llamaCppRuntime';
import type { DistributionSupport, GreedyOptions, GreedyResult, ModelBackend, TextTokenizer } from './modelBackend';
import { compareTokenizations, describeDisagreement } from './tokenizerAgreement';

export interface LlamaCppLoadOptions {
  variant: ModelVariant;
  executionProvider: ExecutionProviderChoice;
  /** llama.cpp's threads (the run's intra-op threads). */
  threads: number;
  /** The baseline tokenizer: its ids are what the passes feed, and what the GGUF's own tokenizer must agree with. */
  tokenizer: TextTokenizer;
  agreementTexts: readonly string[];
  warn(message: string): void;
}

/** Tokens per llama_decode call (llama-perplexity's default n_ubatch): a window of up to this many is one batch. */
export const LLAMA_BATCH_SIZE = 512;

/** The KV cache's element type (recorded in the run card; llama.cpp's own default is F16). */
export const LLAMA_KV_CACHE_TYPE = 'F32';

/**
 * ln of the smallest float32 (denormal, 2^-149). node-llama-cpp hands each probability over as a
 * float32 softmax (AddonContext.cpp: expf(logit − max) / Σ, in float), so a token more than ~103
 * nats below the top underflows to 0; it gets this log-probability instead of −∞, a bias under
 * 1e-44 in its probability, so KLD stays finite.
 */
export const FLOAT32_MIN_LOG = Math.log(2 ** -149);

/**
 * A GGUF variant run by llama.cpp in-process through node-llama-cpp. Full next-token
 * distributions come from its low-level API: `controlledEvaluate` with `generateNext: {
 * probabilities: true }` and no sampling options, so the sampler chain is llama.cpp's greedy
 * sampler alone, which leaves the logits as they are, and node-llama-cpp returns the softmax over
 * every token of the vocabulary (llama_vocab_n_tokens). `forward` returns their logs (float64):
 * softmax of a row is the distribution, as ModelBackend asks. Greedy decoding is the sequence's own
 * `evaluate` loop (temperature 0: llama.cpp's greedy sampler), timed per token as it arrives.
 */
export class LlamaCppBackend implements ModelBackend {
  private context: LlamaContext | null = null;
  private sequence: LlamaContextSequence | null = null;
  private largestContext = 0;

  private constructor(
    readonly variantId: string,
    readonly executionProvider: string,
    readonly vocabSize: number,
    readonly distributions: DistributionSupport,
    private readonly runtime: LlamaRuntime,
    private readonly model: LlamaModel,
    private readonly threads: number,
    private readonly eos: ReadonlySet<number>,
    private readonly tokenizerRecord: LlamaCppVariantCard['tokenizer'],
  ) {}

  static async load(options: LlamaCppLoadOptions): Promise<LlamaCppBackend> {
    const { variant } = options;
    if (!variant.gguf) throw new Error(`Variant ${variant.id} is not a GGUF variant; it cannot be loaded by llama.cpp.`);
    const runtime = await llamaRuntime(options.executionProvider);
    if (runtime.fallback && !runtime.fallbackExpected) options.warn(`${variant.id}: ${runtime.fallback}`);
    // 'auto' offloads as many layers as fit in VRAM (node-llama-cpp's estimate); the CPU build offloads none.
    const model = await runtime.llama.loadModel({ modelPath: variant.file, gpuLayers: runtime.llama.gpu === false ? 0 : 'auto' });
    try {
      const eos = new Set<number>(options.tokenizer.eosTokenIds);
      if (model.tokens.eos != null) eos.add(model.tokens.eos);
      const agreement = checkTokenizer(model, options.tokenizer, options.agreementTexts, variant.file);
      const distributions: DistributionSupport = agreement.agrees ? { kind: 'full' } : { kind: 'none', reason: agreement.reason };
      const gpu = runtime.llama.gpu;
      const backend = new LlamaCppBackend(variant.id, `llama.cpp-${gpu === false ? 'cpu' : gpu}`, 0, distributions, runtime, model, options.threads, eos, agreement.agrees ? agreement.record : { agrees: false, mismatch: agreement.reason });
      (backend as { vocabSize: number }).vocabSize = await backend.measureVocabulary();
      return backend;
    } catch (error) {
      await model.dispose();
      throw error;
    }
  }

  /** What the run card records of this variant (the binary, GPU layers, threads, batch, tokenizer check). */
  get card(): LlamaCppVariantCard {
    const r = this.runtime;
    return {
      nodeLlamaCpp: r.nodeLlamaCppVersion,
      requestedGpu: r.requestedGpu,
      gpu: r.llama.gpu,
      buildType: r.llama.buildType,
      prebuiltPackage: r.prebuiltPackage,
      llamaCppRelease: r.llama.llamaCppRelease.release,
      ...(r.fallback ? { fallback: r.fallback } : {}),
      gpuLayers: this.model.gpuLayers,
      totalLayers: this.model.fileInsights.totalLayers ?? null,
      threads: this.context?.currentThreads ?? this.threads,
      batchSize: this.context?.batchSize ?? LLAMA_BATCH_SIZE,
      contextSize: this.largestContext,
      kvCacheType: LLAMA_KV_CACHE_TYPE,
      flashAttention: false,
      tokenizer: this.tokenizerRecord,
    };
  }

  /** The GGUF's own tokenization of `text` (its BOS first when the file says to add one), as llama-perplexity tokenizes. */
  tokenize(text: string): number[] {
    return ggufTokens(this.model, text);
  }

  /** Whether the GGUF's tokenizer gave other ids than the baseline's on the run's texts (PPL/KLD against the baseline refused). */
  get tokenizerDisagrees(): boolean {
    return !this.tokenizerRecord.agrees;
  }

  /**
   * This model on its own tokenization: its tokenizer (llama.cpp's, from the GGUF) and a backend
   * view with full distributions over its own ids, for the perplexity that stays comparable when
   * the tokenizers disagree (word- and byte-level: the same text, whatever the tokens).
   */
  ownTokenization(): { tokenizer: TextTokenizer; backend: ModelBackend } {
    const model = this.model;
    const tokenizer: TextTokenizer = {
      encode: (text, addSpecialTokens) => (addSpecialTokens ? ggufTokens(model, text) : model.tokenize(text, false)),
      decode: (tokens) => model.detokenize(tokens as Token[], false),
      eosTokenIds: model.tokens.eos != null ? [model.tokens.eos] : [],
    };
    const backend: ModelBackend = {
      variantId: this.variantId,
      executionProvider: this.executionProvider,
      vocabSize: this.vocabSize,
      distributions: { kind: 'full' },
      forward: (tokens) => this.forward(tokens),
      generateGreedy: (tokens, options) => this.generateGreedy(tokens, options),
      dispose: async () => undefined,
    };
    return { tokenizer, backend };
  }

  /**
   * Log-probabilities [tokens.length × V] over the whole vocabulary, row i after tokens[..i], in a
   * fresh sequence. Each position's Map is turned into its row as it arrives (onTokenResult), while
   * llama.cpp sorts and copies the next one on its thread pool.
   */
  async forward(tokens: readonly number[]): Promise<Float64Array> {
    const n = tokens.length;
    const V = this.vocabSize;
    const sequence = await this.freshSequence(n);
    const out = new Float64Array(n * V);
    const filled = new Uint8Array(n);
    const input = tokens.map((token) => [token as Token, { generateNext: { probabilities: true } }] as [Token, { generateNext: { probabilities: true } }]);
    await sequence.controlledEvaluate(input, {
      onTokenResult: (index, result) => {
        const probabilities = result.next.probabilities;
        if (!probabilities) return;
        if (probabilities.size !== V) throw new Error(`${this.variantId}: llama.cpp returned ${probabilities.size} probabilities at position ${index}, not the whole vocabulary of ${V}.`);
        const base = index * V;
        // forEach, not for…of: no iterator result and [id, p] pair allocated per vocabulary entry.
        probabilities.forEach((p, id) => {
          out[base + id] = p > 0 ? Math.log(p) : FLOAT32_MIN_LOG;
        });
        filled[index] = 1;
      },
    });
    const missing = filled.indexOf(0);
    if (missing !== -1) throw new Error(`${this.variantId}: llama.cpp returned no distribution for position ${missing} of ${n}.`);
    return out;
  }

  async generateGreedy(promptTokens: readonly number[], options: GreedyOptions): Promise<GreedyResult> {
    const sequence = await this.freshSequence(promptTokens.length + options.maxNewTokens);
    const startedAtMs = performance.now();
    const tokens: number[] = [];
    const tokenTimesMs: number[] = [];
    let stoppedBy: GreedyResult['stoppedBy'] = 'max-new-tokens';
    if (options.maxNewTokens > 0 && !options.shouldStop?.()) {
      for await (const token of sequence.evaluate(promptTokens as Token[])) {
        tokenTimesMs.push(performance.now());
        tokens.push(token);
        if (options.stopOnEos && this.eos.has(token)) {
          stoppedBy = 'eos';
          break;
        }
        if (tokens.length >= options.maxNewTokens) break;
        if (options.shouldStop?.()) {
          stoppedBy = 'cancelled';
          break;
        }
      }
    } else if (options.maxNewTokens > 0) stoppedBy = 'cancelled';
    return { tokens, stoppedBy, startedAtMs, tokenTimesMs };
  }

  async dispose(): Promise<void> {
    await this.context?.dispose();
    this.context = null;
    this.sequence = null;
    await this.model.dispose();
  }

  /** A cleared sequence in a context of at least `length` tokens (a context is made again, larger, only when needed). */
  private async freshSequence(length: number): Promise<LlamaContextSequence> {
    if (!this.context || !this.sequence || this.context.contextSize < length) {
      await this.context?.dispose();
      this.context = null;
      const contextSize = Math.max(length, Math.min(2 * this.largestContext, this.model.trainContextSize || length), 64);
      this.context = await this.model.createContext({
        contextSize,
        batchSize: Math.min(LLAMA_BATCH_SIZE, contextSize),
        threads: this.threads,
        sequences: 1,
        // llama.cpp's flash attention (on by default where supported) computes in f16 on the CPU and
        // keeps K and V in f16: each alone moves the logits by ~1e-3. Off, and an f32 cache, so a
        // KLD measures the weights' quantization and nothing else (both recorded in the run card).
        flashAttention: false,
        experimentalKvCacheKeyType: LLAMA_KV_CACHE_TYPE,
        experimentalKvCacheValueType: LLAMA_KV_CACHE_TYPE,
      });
      this.sequence = this.context.getSequence();
      this.largestContext = Math.max(this.largestContext, this.context.contextSize);
    } else {
      await this.sequence.clearHistory();
    }
    return this.sequence;
  }

  /** The row length: how many probabilities llama.cpp returns after one token (llama_vocab_n_tokens). */
  private async measureVocabulary(): Promise<number> {
    const sequence = await this.freshSequence(1);
    const first = this.model.tokens.bos ?? (0 as Token);
    const [result] = await sequence.controlledEvaluate([[first, { generateNext: { probabilities: true } }]]);
    const size = result?.next.probabilities?.size;
    if (!size) throw new Error(`${this.variantId}: llama.cpp gave no next-token distribution for the GGUF's first token`);
    return size;
  }
}

function ggufTokens(model: LlamaModel, text: string): number[] {
  const bos = model.tokens.shouldPrependBosToken && model.tokens.bos != null ? [model.tokens.bos as number] : [];
  return [...bos, ...model.tokenize(text, false)];
}

type TokenizerCheck = { agrees: true; record: Extract<LlamaCppVariantCard['tokenizer'], { agrees: true }> } | { agrees: false; reason: string };

/**
 * The GGUF embeds its own tokenizer; the passes feed it the baseline tokenizer's ids. Both must
 * give the same ids on the run's texts (corpus lines and prompts), or position-by-position
 * comparisons are meaningless: the first mismatch refuses PPL and KLD for this variant, naming the
 * file and the place. Word- and byte-level perplexity stay comparable across tokenizers.
 */
function checkTokenizer(model: LlamaModel, tokenizer: TextTokenizer, texts: readonly string[], file: string): TokenizerCheck {
  const local = texts.map((text) => tokenizer.encode(text, true));
  const other = texts.map((text) => ggufTokens(model, text));
  const result = compareTokenizations(texts, local, other, (ids) => tokenizer.decode(ids));
  if (result.agrees) return { agrees: true, record: { agrees: true, texts: result.texts, tokens: result.tokens } };
  return {
    agrees: false,
    reason: `${file}: the GGUF's own tokenizer disagrees with the baseline's at ${describeDisagreement(result, 'the GGUF')} — token-level perplexity and KLD against the baseline are not computed for this pair (positions would not line up); word- and byte-level perplexity on the GGUF's own tokenization remain comparable`,
  };
}

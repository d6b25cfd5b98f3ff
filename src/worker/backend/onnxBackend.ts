import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import { AutoModelForCausalLM, env as transformersEnv } from '@huggingface/transformers';
import { float16BitsToFloat32 } from '../../shared/float16';
import type { ModelVariant } from '../../shared/modelTypes';
import type { ExecutionProviderChoice } from '../../shared/report/schema';
import { planExecutionProviders, shortReason } from './executionProvider';
import { BatchGreedyResult, GreedyOptions, GreedyResult, ModelBackend, SampledOptions } from './modelBackend';
import { SeededRandom } from '../../shared/stats/seededRandom';
import { sampleFromLogits } from './sampling';
import { transformersLoadPlan } from './transformersLoader';

export interface OnnxLoadOptions {
  modelFolder: string;
  variant: ModelVariant;
  executionProvider: ExecutionProviderChoice;
  threads: { intraOp: number; interOp: number };
  eosTokenIds: readonly number[];
  /** Told when a provider could not be used and the next one was tried. */
  onFallback?: (provider: string, reason: string) => void;
}

/**
 * A decoder-only ONNX model (Optimum text-generation-with-past interface). Sessions are created by
 * transformers.js (local files only) when the file follows its naming, else by onnxruntime-node;
 * either way the passes drive the InferenceSession directly, so the measured decode step is one
 * `session.run` plus an argmax — no framework overhead in the numbers.
 */
export class OnnxDecoderBackend implements ModelBackend {
  readonly distributions = { kind: 'full' } as const;
  private readonly kvInputs: Array<{ name: string; present: string; type: 'float32' | 'float16'; heads: number; headDim: number }>;
  /** All ones, grown as needed: every attention mask is a view of it (no padding is ever fed). */
  private ones = new BigInt64Array(0);
  private readonly usesPositionIds: boolean;

  private constructor(
    readonly variantId: string,
    readonly executionProvider: string,
    readonly vocabSize: number,
    private readonly session: ort.InferenceSession,
    private readonly eos: ReadonlySet<number>,
    private readonly release: () => Promise<void>,
  ) {
    const metadata = (session as unknown as { inputMetadata?: Array<{ name: string; type?: string; shape?: Array<number | string> }> }).inputMetadata ?? [];
    this.usesPositionIds = session.inputNames.includes('position_ids');
    this.kvInputs = session.inputNames
      .filter((name) => name.startsWith('past_key_values.'))
      .map((name) => {
        const meta = metadata.find((m) => m.name === name);
        const shape = meta?.shape ?? [];
        const heads = typeof shape[1] === 'number' ? shape[1] : NaN;
        const headDim = typeof shape[3] === 'number' ? shape[3] : NaN;
        if (!Number.isFinite(heads) || !Number.isFinite(headDim)) {
          throw new Error(`${name} must have concrete head and head-dim sizes (got ${JSON.stringify(shape)}); re-export the model with a KV cache`);
        }
        return { name, present: name.replace('past_key_values.', 'present.'), type: meta?.type === 'float16' ? 'float16' : 'float32', heads, headDim };
      });
  }

  static async load(options: OnnxLoadOptions): Promise<OnnxDecoderBackend> {
    const { variant } = options;
    const plan = planExecutionProviders(options.executionProvider);
    const sessionOptions = { intraOpNumThreads: options.threads.intraOp, interOpNumThreads: options.threads.interOp, graphOptimizationLevel: 'all' as const };
    let lastError: unknown;
    for (const provider of plan.candidates) {
      try {
        const loaded = await createSession(options, provider, sessionOptions);
        const vocab = outputVocabSize(loaded.session);
        return new OnnxDecoderBackend(variant.id, provider, vocab, loaded.session, new Set(options.eosTokenIds), loaded.release);
      } catch (error) {
        lastError = error;
        if (provider !== 'cpu') options.onFallback?.(provider, shortReason(error));
      }
    }
    throw lastError;
  }

  async forward(tokens: readonly number[]): Promise<Float32Array> {
    const output = await this.session.run(this.feeds([tokens], 0, this.emptyCache(1)));
    return floatData(output.logits!);
  }

  async generateGreedy(promptTokens: readonly number[], options: GreedyOptions): Promise<GreedyResult> {
    const { rows, ...rest } = await this.generateGreedyBatch([promptTokens], options);
    return { tokens: rows[0]!, ...rest };
  }

  /**
   * Greedy decoding of several prompts of one length in one batch: input_ids [rows, length], an
   * all-ones attention mask (no padding is needed), argmax per row. Every step yields one token
   * per row at the same moment. With `stopOnEos` it stops once every row has produced an EOS, and
   * each row ends at its own first EOS.
   */
  async generateGreedyBatch(promptRows: ReadonlyArray<readonly number[]>, options: GreedyOptions): Promise<BatchGreedyResult> {
    return this.decode(promptRows, options, (logits, batch) => argmaxLastPositions(logits, batch, this.vocabSize));
  }

  /** Seeded sampling: the greedy loop with each step's token drawn from the last position's logits. */
  async generateSampled(promptTokens: readonly number[], options: SampledOptions): Promise<GreedyResult> {
    const random = new SeededRandom(options.sampling.seed);
    const { rows, ...rest } = await this.decode([promptTokens], options, (logits) => {
      const data = floatData(logits);
      return [sampleFromLogits(data, data.length - this.vocabSize, this.vocabSize, options.sampling, random)];
    });
    return { tokens: rows[0]!, ...rest };
  }

  private async decode(promptRows: ReadonlyArray<readonly number[]>, options: GreedyOptions, pick: (logits: ort.Tensor, batch: number) => number[]): Promise<BatchGreedyResult> {
    const batch = promptRows.length;
    const length = promptRows[0]?.length ?? 0;
    if (batch === 0 || promptRows.some((row) => row.length !== length)) throw new Error(`a batch needs prompts of one length (got ${promptRows.map((r) => r.length).join(', ')})`);
    const startedAtMs = performance.now();
    const rows: number[][] = promptRows.map(() => []);
    const ended = new Array<boolean>(batch).fill(false);
    const tokenTimesMs: number[] = [];
    let cache = this.emptyCache(batch);
    let input: ReadonlyArray<readonly number[]> = promptRows;
    let past = 0;
    let stoppedBy: GreedyResult['stoppedBy'] = 'max-new-tokens';
    for (let step = 0; step < options.maxNewTokens; step++) {
      if (options.shouldStop?.()) {
        stoppedBy = 'cancelled';
        break;
      }
      const output = await this.session.run(this.feeds(input, past, cache));
      const next = pick(output.logits!, batch);
      tokenTimesMs.push(performance.now());
      for (let b = 0; b < batch; b++) {
        if (ended[b]) continue;
        rows[b]!.push(next[b]!);
        if (options.stopOnEos && this.eos.has(next[b]!)) ended[b] = true;
      }
      past += input[0]!.length;
      cache = this.presentAsPast(output);
      input = next.map((token) => [token]);
      if (options.stopOnEos && ended.every(Boolean)) {
        stoppedBy = 'eos';
        break;
      }
    }
    return { rows, stoppedBy, startedAtMs, tokenTimesMs };
  }

  /**
   * Step-by-step decoding for a server that needs every row's logits (quantlens serve: prompt
   * logprobs, logprobs of generated tokens, its own stop rules). The prompt pass is exactly
   * `forward(promptTokens)` (same feeds, empty cache), so served prompt logprobs equal the
   * in-process ones bit for bit; each `next(token)` feeds one token after the cached context.
   */
  async decodeFrom(promptTokens: readonly number[]): Promise<DecodeCursor> {
    return this.cursor([promptTokens], 0, this.emptyCache(1));
  }

  private async cursor(input: ReadonlyArray<readonly number[]>, past: number, cache: Record<string, ort.Tensor>): Promise<DecodeCursor> {
    const output = await this.session.run(this.feeds(input, past, cache));
    const logits = floatData(output.logits!);
    const present = this.presentAsPast(output);
    const length = past + input[0]!.length;
    return { logits, rows: input[0]!.length, next: (token) => this.cursor([[token]], length, present) };
  }

  /** Bytes per KV cache element (2 for float16 caches, 4 for float32). */
  get kvElementBytes(): number {
    return this.kvInputs[0]?.type === 'float16' ? 2 : 4;
  }

  async dispose(): Promise<void> {
    await this.release();
  }

  private emptyCache(batch: number): Record<string, ort.Tensor> {
    const cache: Record<string, ort.Tensor> = {};
    for (const kv of this.kvInputs) {
      const data = kv.type === 'float16' ? new Uint16Array(0) : new Float32Array(0);
      cache[kv.name] = new ort.Tensor(kv.type, data, [batch, kv.heads, 0, kv.headDim]);
    }
    return cache;
  }

  private presentAsPast(output: ort.InferenceSession.OnnxValueMapType): Record<string, ort.Tensor> {
    const cache: Record<string, ort.Tensor> = {};
    for (const kv of this.kvInputs) cache[kv.name] = output[kv.present] as ort.Tensor;
    return cache;
  }

  /**
   * `count` ones, a view of one shared buffer: a decode step's mask grows by one position a step,
   * and filling a fresh one each step is work proportional to the context (onnxruntime only reads it).
   */
  private onesMask(count: number): BigInt64Array {
    if (this.ones.length < count) this.ones = new BigInt64Array(Math.max(count, 2 * this.ones.length, 1024)).fill(1n);
    return this.ones.subarray(0, count);
  }

  /** Feeds for `rows` of equal length after `past` cached positions: [rows, length] ids and positions, [rows, past + length] mask. */
  private feeds(rows: ReadonlyArray<readonly number[]>, past: number, cache: Record<string, ort.Tensor>): Record<string, ort.Tensor> {
    const batch = rows.length;
    const length = rows[0]!.length;
    const ids = new BigInt64Array(batch * length);
    for (let b = 0; b < batch; b++) for (let i = 0; i < length; i++) ids[b * length + i] = BigInt(rows[b]![i]!);
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', ids, [batch, length]),
      attention_mask: new ort.Tensor('int64', this.onesMask(batch * (past + length)), [batch, past + length]),
      ...cache,
    };
    if (this.usesPositionIds) {
      const positions = new BigInt64Array(batch * length);
      for (let b = 0; b < batch; b++) for (let i = 0; i < length; i++) positions[b * length + i] = BigInt(past + i);
      feeds.position_ids = new ort.Tensor('int64', positions, [batch, length]);
    }
    return feeds;
  }
}

async function createSession(options: OnnxLoadOptions, provider: string, sessionOptions: ort.InferenceSession.SessionOptions): Promise<{ session: ort.InferenceSession; release: () => Promise<void> }> {
  const plan = transformersLoadPlan(options.modelFolder, options.variant);
  if (plan) {
    transformersEnv.allowRemoteModels = false;
    transformersEnv.allowLocalModels = true;
    transformersEnv.localModelPath = plan.localModelPath;
    const model = await AutoModelForCausalLM.from_pretrained(plan.modelId, {
      dtype: plan.dtype as 'fp32',
      device: provider as 'cpu',
      subfolder: plan.subfolder,
      model_file_name: plan.modelFileName,
      local_files_only: true,
      session_options: sessionOptions,
    } as Parameters<typeof AutoModelForCausalLM.from_pretrained>[1]);
    const sessions = (model as unknown as { sessions: Record<string, ort.InferenceSession> }).sessions;
    const session = sessions.decoder_model_merged ?? sessions.model;
    if (!session) throw new Error(`transformers.js loaded ${options.variant.file} without a decoder session`);
    return { session, release: async () => { await model.dispose(); } };
  }
  const session = await ort.InferenceSession.create(options.variant.file, { ...sessionOptions, executionProviders: [provider] });
  return { session, release: () => session.release() };
}

/** Logits of the rows just fed ([rows × vocab], float32 as the model gave them) and the way on. */
export interface DecodeCursor {
  logits: Float32Array;
  rows: number;
  next(token: number): Promise<DecodeCursor>;
}

function outputVocabSize(session: ort.InferenceSession): number {
  const metadata = (session as unknown as { outputMetadata?: Array<{ name: string; shape?: Array<number | string> }> }).outputMetadata ?? [];
  const logits = metadata.find((m) => m.name === 'logits');
  const vocab = logits?.shape?.[2];
  if (typeof vocab !== 'number') throw new Error('the model has no `logits` output with a fixed vocabulary size');
  return vocab;
}

/** Logits as float32, whatever the model emits (float16 models return raw half bits). */
export function floatData(tensor: ort.Tensor): Float32Array {
  if (tensor.type === 'float32') return tensor.data as Float32Array;
  if (tensor.type === 'float16') {
    const halves = tensor.data as Uint16Array;
    const out = new Float32Array(halves.length);
    for (let i = 0; i < halves.length; i++) out[i] = float16BitsToFloat32(halves[i]!);
    return out;
  }
  throw new Error(`unsupported logits type ${tensor.type}`);
}

/** Argmax of each row's last position in [rows, positions, vocab] logits. */
function argmaxLastPositions(tensor: ort.Tensor, rows: number, vocab: number): number[] {
  const data = tensor.type === 'float32' ? (tensor.data as Float32Array) : floatData(tensor);
  const positions = data.length / (rows * vocab);
  const out: number[] = [];
  for (let b = 0; b < rows; b++) {
    const offset = (b * positions + positions - 1) * vocab;
    let best = 0;
    let bestValue = -Infinity;
    for (let i = 0; i < vocab; i++) {
      const v = data[offset + i]!;
      if (v > bestValue) {
        bestValue = v;
        best = i;
      }
    }
    out.push(best);
  }
  return out;
}

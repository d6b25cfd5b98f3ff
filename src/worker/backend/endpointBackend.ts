import { performance } from 'node:perf_hooks';
import type { ServedVariantInfo } from '../../shared/endpoints';
import type { ModelVariant } from '../../shared/modelTypes';
import { streamCompletion } from '../../node/endpoint/completionStream';
import { PROMPT_LOGPROBS } from '../../node/endpoint/dialect';
import { apiKeyFor } from '../../node/endpoint/discover';
import { EndpointClient, isEndpointError } from '../../node/endpoint/httpClient';
import { DEFAULT_POLICY, RequestPolicy } from '../../node/endpoint/requestPolicy';
import { FIXES_LENGTH, promptLogprobsRequest, RETURNS_TOKEN_IDS, streamedCompletionRequest, TAKES_TOKEN_IDS, tokenizeFallbackRequest, tokenizeRequest } from '../../node/endpoint/requests';
import { answeredModel, LogprobRow, parsePromptLogprobs, parseSglangInputIds, parseSglangInputLogprobs, parseTokenizeResponse } from '../../node/endpoint/responses';
import type { LoadRequest, LoadTarget, StreamedRequest } from '../load/loadTarget';
import type { DistributionSupport, GreedyOptions, GreedyResult, ModelBackend, PromptTopK, SampledOptions, SamplingOptions, TextTokenizer } from './modelBackend';
import type { ServedAnswers } from './servedAnswers';
import { compareTokenizations, describeDisagreement } from './tokenizerAgreement';

export interface EndpointLoadOptions {
  variant: ModelVariant;
  tokenizer: TextTokenizer;
  eosTokenIds: readonly number[];
  /** Texts (the run's own inputs, a few) tokenized here and by the server: any difference refuses PPL/KLD. */
  agreementTexts: string[];
  warn(message: string): void;
  env: NodeJS.ProcessEnv;
  /** config.json's vocab_size: the row length where the server does not return the whole vocabulary. */
  vocabSize?: number;
  policy?: RequestPolicy;
}

/** Most (position × token) entries one whole-vocabulary answer may hold (~75 bytes each as vLLM writes them). */
const MAX_FULL_ENTRIES = 6_000_000;

/**
 * A variant behind an OpenAI-compatible server. Prompt distributions come from the server's
 * prompt logprobs where it has them (vLLM `prompt_logprobs`, SGLang native `/generate`), probed
 * once at load: the whole vocabulary → 'full' (exact PPL and KLD), a capped top-k → 'top-k', none →
 * 'none' with the reason. Generation and the load generator stream /v1/completions, timed per
 * chunk on arrival. Requests go round-robin over the replicas.
 */
export class EndpointBackend implements ModelBackend, LoadTarget {
  readonly executionProvider = 'served';
  readonly baseUrls: readonly string[];
  private next = 0;
  private warnedRetokenize = false;
  /** The run's journal of finished requests (requests.jsonl), when the engine gave one. */
  private answers: ServedAnswers | undefined;

  private constructor(
    readonly variantId: string,
    private readonly served: ServedVariantInfo,
    private readonly clients: EndpointClient[],
    readonly vocabSize: number,
    readonly distributions: DistributionSupport,
    private readonly tokenizer: TextTokenizer,
    private readonly eos: ReadonlySet<number>,
    private readonly warn: (message: string) => void,
    private readonly maxAttempts: number,
  ) {
    this.baseUrls = served.baseUrls;
  }

  static async load(options: EndpointLoadOptions): Promise<EndpointBackend> {
    const { variant, tokenizer, warn } = options;
    const served = variant.served;
    if (!served) throw new Error(`Variant ${variant.id} is not a served variant (no endpoint); it cannot be loaded as one.`);
    const apiKey = apiKeyFor(served, options.env);
    const policy = options.policy ?? DEFAULT_POLICY;
    const clients = served.baseUrls.map(
      (baseUrl) =>
        new EndpointClient({
          baseUrl,
          apiKey,
          policy,
          onRetry: (info) => warn(`${variant.id}: ${baseUrl.replace(/\/\/[^@/]*@/, '//')} attempt ${info.attempt} failed (${info.reason}); retrying in ${info.delayMs} ms.`),
        }),
    );
    const client = clients[0]!;
    const label = `${client.endpoint} (${served.dialect}, model ${served.model})`;
    const agreement = await checkTokenizer(client, served, tokenizer, options.agreementTexts);
    let distributions: DistributionSupport;
    let vocabSize = options.vocabSize ?? 0;
    if (!agreement.ok) {
      distributions = { kind: 'none', reason: `${label}: ${agreement.reason} — perplexity and KLD are not computed for this variant; generation, tasks and performance still run.` };
    } else {
      if (agreement.warning) warn(`${variant.id}: ${agreement.warning}`);
      const probeTokens = tokenizer.encode(options.agreementTexts[0] || 'The quick brown fox', true).slice(0, 8);
      const probed = await probeDistributions(client, served, probeTokens.length >= 2 ? probeTokens : [probeTokens[0] ?? 0, probeTokens[0] ?? 0], options.vocabSize);
      distributions = probed.kind === 'none' ? { kind: 'none', reason: `${label}: ${probed.reason} — perplexity and KLD are not computed for this variant; generation, tasks and performance still run.` } : probed;
      if (probed.kind === 'full') vocabSize = probed.vocabSize;
    }
    const backend = new EndpointBackend(variant.id, served, clients, vocabSize, distributions.kind === 'full' ? { kind: 'full' } : distributions, tokenizer, new Set(options.eosTokenIds), warn, policy.maxAttempts);
    return backend;
  }

  /**
   * From now on every finished fidelity or generation request is journaled, and one the journal
   * already holds (a resumed run) is answered from it instead of being sent again. The load
   * sweep's requests are not: a performance unit is timed whole, in one session.
   */
  useAnswers(answers: ServedAnswers): void {
    this.answers = answers;
  }

  /**
   * Log-probabilities [n × V]: row i is ln P(· | tokens[..i]). vLLM's prompt_logprobs give the
   * rows for positions 1..n−1 (entry j predicts tokens[j]); the last row (what follows the whole
   * sequence) is read the same way by sending one extra token after it — its prompt logprob row
   * is the distribution after tokens[n−1], whatever that extra token is — so every row comes from
   * one request and the same prefill computation (no generation-side logprobs processing).
   */
  async forward(tokens: readonly number[]): Promise<Float64Array> {
    if (this.distributions.kind !== 'full') throw new Error(`${this.variantId}: forward needs the whole distribution, which this endpoint does not give (${this.distributions.kind}).`);
    const key = this.answers?.key('forward', { tokens, V: this.vocabSize });
    const journaled = key && this.answers!.forward(key);
    if (journaled) return journaled;
    const out = await this.forwardOnce(tokens);
    if (key) this.answers!.recordForward(key, out);
    return out;
  }

  private async forwardOnce(tokens: readonly number[]): Promise<Float64Array> {
    const n = tokens.length;
    const V = this.vocabSize;
    const client = this.pick();
    // vLLM answers every (position, token) pair as ~75 bytes of JSON in one body; past V8's string
    // limit (~512 MB) it cannot even be read. Say so plainly instead of failing inside JSON.parse.
    if ((n + 1) * V > MAX_FULL_ENTRIES) {
      throw client.error(`the whole-vocabulary prompt logprobs of ${n} tokens × ${V} ids (~${Math.round(((n + 1) * V * 75) / 1e6)} MB of JSON) are too large to read in one answer. Use a shorter --context (at most ${Math.max(1, Math.floor(MAX_FULL_ENTRIES / V) - 1)} tokens for this vocabulary), or serve with a top-k cap (vLLM --max-logprobs 20) for the KLD lower bound.`);
    }
    const prompt = [...tokens, tokens[n - 1]!];
    // vLLM spells "every token" −1; SGLang's top_logprobs_num takes the count itself.
    const rows = await this.promptRows(client, prompt, this.served.dialect === 'sglang' ? V : -1);
    const out = new Float64Array(n * V);
    for (let i = 0; i < n; i++) {
      const row = rows[i + 1];
      if (!row || row.size !== V) throw client.error(`prompt_logprobs row ${i + 1} has ${row?.size ?? 0} entries, not the whole vocabulary (${V}); was the server restarted with a different --max-logprobs?`);
      const base = i * V;
      for (const [id, logprob] of row) {
        if (id >= V) throw client.error(`prompt_logprobs row ${i + 1} names token ${id}, outside the vocabulary of ${V}.`);
        out[base + id] = logprob;
      }
    }
    return out;
  }

  /**
   * The top-k and the next token's log-probability at each position. vLLM's HTTP API has no way to
   * ask for named ids over the prompt (its `logprob_token_ids` applies to generated positions
   * only, vllm/entrypoints/openai/completion/protocol.py), so `alsoIds` are reported as returned
   * only where they happen to be in the rows.
   */
  async promptTopK(tokens: readonly number[], alsoIds?: ReadonlyArray<readonly number[]>): Promise<PromptTopK> {
    if (this.distributions.kind !== 'top-k') throw new Error(`${this.variantId}: promptTopK needs a top-k endpoint (this one gives ${this.distributions.kind}).`);
    const key = this.answers?.key('promptTopK', { tokens, k: this.distributions.k, alsoIds: alsoIds ?? null });
    const journaled = key && this.answers!.topK(key);
    if (journaled) return journaled;
    const answer = await this.promptTopKOnce(tokens, this.distributions.k, alsoIds);
    if (key) this.answers!.recordTopK(key, answer);
    return answer;
  }

  private async promptTopKOnce(tokens: readonly number[], k: number, alsoIds?: ReadonlyArray<readonly number[]>): Promise<PromptTopK> {
    const client = this.pick();
    const rows = await this.promptRows(client, tokens, k);
    const n = tokens.length;
    const targetLogprobs = new Float64Array(Math.max(0, n - 1));
    const out: PromptTopK['rows'] = [];
    let askedIdsReturned = alsoIds !== undefined;
    for (let i = 0; i < n - 1; i++) {
      const row = rows[i + 1]!;
      const target = row.get(tokens[i + 1]!);
      if (target === undefined) throw client.error(`prompt_logprobs row ${i + 1} lacks the prompt token ${tokens[i + 1]} itself (vLLM always includes it).`);
      targetLogprobs[i] = target;
      const ids = Int32Array.from(row.keys());
      const logprobs = Float64Array.from(row.values());
      out.push({ ids, logprobs });
      if (alsoIds?.[i]?.some((id) => !row.has(id))) askedIdsReturned = false;
    }
    return { targetLogprobs, rows: out, askedIdsReturned };
  }

  /**
   * Greedy decoding over a streamed completion. A stream that breaks off mid-way (server restarted,
   * connection reset, cut short) is started again from the prompt, up to the policy's attempts:
   * a greedy decode is deterministic, so the restart gives the same tokens (times are the retry's).
   */
  async generateGreedy(promptTokens: readonly number[], options: GreedyOptions): Promise<GreedyResult> {
    const key = this.answers?.key('generateGreedy', { promptTokens, maxNewTokens: options.maxNewTokens, stopOnEos: options.stopOnEos });
    const journaled = key && this.answers!.greedy(key, performance.now());
    if (journaled) return journaled;
    const result = await this.generateWithRestarts(promptTokens, options);
    if (key) this.answers!.recordGreedy(key, result);
    return result;
  }

  /**
   * Seeded sampling on the server (temperature, top_p, seed): a restart after a broken stream sends
   * the same seed. Not journaled like greedy answers (a code task's samples are kept in its unit).
   */
  async generateSampled(promptTokens: readonly number[], options: SampledOptions): Promise<GreedyResult> {
    return this.generateWithRestarts(promptTokens, options, options.sampling);
  }

  private async generateWithRestarts(promptTokens: readonly number[], options: GreedyOptions, sampling?: SamplingOptions): Promise<GreedyResult> {
    for (let attempt = 1; ; attempt++) {
      const client = this.pick();
      try {
        return await this.generateOnce(client, promptTokens, options, sampling);
      } catch (error) {
        if (!isEndpointError(error) || !error.streamBroken || attempt >= this.maxAttempts) throw error;
        this.warn(`${this.variantId}: ${error.message} Starting the generation again (attempt ${attempt + 1} of ${this.maxAttempts}).`);
      }
    }
  }

  private async generateOnce(client: EndpointClient, promptTokens: readonly number[], options: GreedyOptions, sampling?: SamplingOptions): Promise<GreedyResult> {
    const startedAtMs = performance.now();
    const tokens: number[] = [];
    const tokenTimesMs: number[] = [];
    let text = '';
    let finishReason: string | undefined;
    let cancelled = false;
    const ids = RETURNS_TOKEN_IDS.has(this.served.dialect);
    const request = this.completionRequest(promptTokens, options.maxNewTokens, !options.stopOnEos, true, 0, sampling);
    const stream = await streamCompletion(client, request.path, request.body);
    for await (const chunk of stream.chunks) {
      this.checkModel(client, chunk.model);
      if (options.shouldStop?.()) {
        cancelled = true;
        stream.close();
        break;
      }
      if (chunk.finishReason) finishReason = chunk.finishReason;
      if (ids) {
        if (!chunk.tokenIds) {
          if (chunk.text) throw client.error(`a stream chunk carried text but no token ids although return_token_ids / return_tokens_as_token_ids were asked.`);
          continue;
        }
        for (const id of chunk.tokenIds) {
          tokens.push(id);
          tokenTimesMs.push(chunk.arrivedAtMs);
        }
      } else if (chunk.text) {
        // No ids from this server: the text so far is retokenized here, and the new tokens take this chunk's arrival time.
        text += chunk.text;
        const all = this.tokenizer.encode(text, false);
        for (let k = tokens.length; k < all.length; k++) tokenTimesMs.push(chunk.arrivedAtMs);
        tokens.splice(0, tokens.length, ...all);
        if (tokenTimesMs.length > tokens.length) tokenTimesMs.length = tokens.length;
      }
    }
    if (!ids && !this.warnedRetokenize && tokens.length) {
      this.warnedRetokenize = true;
      this.warn(`${this.variantId}: ${client.endpoint} (${this.served.dialect}) does not return generated token ids; its text is retokenized locally, so token counts and per-token times are approximate.`);
    }
    let stoppedBy: GreedyResult['stoppedBy'] = cancelled ? 'cancelled' : finishReason === 'length' ? 'max-new-tokens' : 'eos';
    if (stoppedBy === 'eos' && options.stopOnEos && !this.eos.has(tokens[tokens.length - 1] ?? -1) && this.eos.size) {
      // The server stopped at EOS but its text (and ids, with skip_special_tokens) leave it out: put it
      // back, timed with the last chunk, so a generation reads as the in-process backend's does.
      tokens.push([...this.eos][0]!);
      tokenTimesMs.push(tokenTimesMs[tokenTimesMs.length - 1] ?? performance.now());
    }
    if (tokens.length > options.maxNewTokens) {
      tokens.length = options.maxNewTokens;
      tokenTimesMs.length = options.maxNewTokens;
      stoppedBy = 'max-new-tokens';
    }
    return { tokens, stoppedBy, startedAtMs, tokenTimesMs };
  }

  /** One streamed request for the load generator; failures after retries come back in `error`, never thrown. */
  async streamRequest(request: LoadRequest, signal: AbortSignal): Promise<StreamedRequest> {
    const client = this.clients[request.replica % this.clients.length]!;
    const chunkTimesMs: number[] = [];
    const chunkTokens: number[] = [];
    let usageTokens: number | undefined;
    let sentAtMs = performance.now();
    const fixed = request.fixedLength && FIXES_LENGTH.has(this.served.dialect);
    try {
      const sent = this.completionRequest(request.promptTokens, request.outputTokens, fixed, false, fixed ? request.outputTokens : 0);
      const stream = await streamCompletion(client, sent.path, sent.body, signal);
      sentAtMs = stream.sentAtMs;
      for await (const chunk of stream.chunks) {
        this.checkModel(client, chunk.model);
        if (chunk.completionTokens !== undefined) usageTokens = chunk.completionTokens;
        const carried = chunk.tokenIds?.length ?? (chunk.text ? 1 : 0);
        if (carried > 0) {
          chunkTimesMs.push(chunk.arrivedAtMs);
          chunkTokens.push(carried);
        }
      }
    } catch (error) {
      const message = signal.aborted ? 'cancelled' : isEndpointError(error) ? error.message : client.redact(String((error as Error)?.message ?? error));
      return { sentAtMs, chunkTimesMs, chunkTokens, outputTokens: usageTokens ?? sum(chunkTokens), fixedLengthHonoured: false, error: message };
    }
    const outputTokens = usageTokens ?? sum(chunkTokens);
    return { sentAtMs, chunkTimesMs, chunkTokens, outputTokens, fixedLengthHonoured: !request.fixedLength || (fixed && outputTokens === request.outputTokens) };
  }

  async dispose(): Promise<void> {
    for (const client of this.clients) client.close();
  }

  private pick(): EndpointClient {
    const client = this.clients[this.next % this.clients.length]!;
    this.next++;
    return client;
  }

  private checkModel(client: EndpointClient, model: string | undefined): void {
    if (model !== undefined && model !== this.served.model) throw client.error(`answered for model "${model}" although "${this.served.model}" was asked; another model is being served there now (restart it with the model the run expects, or point --endpoint at the right server).`);
  }

  private completionRequest(prompt: readonly number[], maxTokens: number, ignoreEos: boolean, wantIds: boolean, minTokens = 0, sampling?: SamplingOptions) {
    const dialect = this.served.dialect;
    return streamedCompletionRequest(dialect, this.served.model, TAKES_TOKEN_IDS.has(dialect) ? prompt : this.tokenizer.decode(prompt), { maxTokens, ignoreEos, wantIds, minTokens, ...(sampling ? { sampling } : {}) });
  }

  /** Prompt logprob rows (index = prompt position; [0] null) with `k` per row (−1 = all). */
  private async promptRows(client: EndpointClient, prompt: readonly number[], k: number): Promise<Array<LogprobRow | null>> {
    return requestPromptRows(client, this.served, prompt, k, (model) => this.checkModel(client, model));
  }
}

async function requestPromptRows(client: EndpointClient, served: ServedVariantInfo, prompt: readonly number[], k: number, checkModel: (model: string | undefined) => void, maxAttempts?: number): Promise<Array<LogprobRow | null>> {
  const request = promptLogprobsRequest(served.dialect, served.model, prompt, k);
  const { body } = await client.postJson(request.path, request.body, { root: request.root, ...(maxAttempts ? { maxAttempts } : {}) });
  if (!request.root) checkModel(answeredModel(body));
  try {
    return served.dialect === 'sglang' ? parseSglangInputLogprobs(body, prompt.length) : parsePromptLogprobs(body, prompt.length);
  } catch (error) {
    throw client.error(`POST ${request.path}: ${(error as Error).message}`);
  }
}

type Agreement = { ok: true; warning?: string } | { ok: false; reason: string };

/** The server's ids for the agreement texts against the local tokenizer's (see tokenizerAgreement.ts). */
async function checkTokenizer(client: EndpointClient, served: ServedVariantInfo, tokenizer: TextTokenizer, texts: readonly string[]): Promise<Agreement> {
  if (!texts.length) return { ok: true, warning: `no texts to check ${client.endpoint}'s tokenizer with; assuming it tokenizes as the local one.` };
  if (served.dialect === 'ollama') return { ok: false, reason: `Ollama has no tokenize route, so its tokenizer cannot be checked against the local one` };
  const local = texts.map((text) => tokenizer.encode(text, true));
  const other: number[][] = [];
  for (const text of texts) {
    const request = tokenizeRequest(served.dialect, served.model, text);
    try {
      other.push(parseTokenizeResponse((await client.postJson(request.path, request.body, { root: request.root })).body));
    } catch (error) {
      const fallback = tokenizeFallbackRequest(served.dialect, text);
      let ids: number[] | undefined;
      if (fallback && isEndpointError(error) && error.status === 404) {
        try {
          ids = parseSglangInputIds((await client.postJson(fallback.path, fallback.body, { root: fallback.root })).body);
        } catch {
          /* reported below with the tokenize error */
        }
      }
      if (!ids) return { ok: false, reason: `its tokenizer could not be checked against the local one (${(error as Error).message.replace(`${client.endpoint}: `, '')})` };
      other.push(ids);
    }
  }
  const result = compareTokenizations(texts, local, other, (ids) => tokenizer.decode(ids));
  if (result.agrees) return { ok: true };
  return { ok: false, reason: `the server's tokenizer disagrees with the local one at ${describeDisagreement(result, 'the server')}` };
}

type Probe = { kind: 'full'; vocabSize: number } | { kind: 'top-k'; k: number } | { kind: 'none'; reason: string };

/**
 * What prompt distributions the server gives, asked once with a few tokens: the whole vocabulary
 * (prompt_logprobs −1), else the cap its 400 names (vLLM: "… greater than max allowed: N"), else
 * the common caps 20, 5, 1; llama.cpp, Ollama and TGI have no top-k over the prompt at all.
 */
async function probeDistributions(client: EndpointClient, served: ServedVariantInfo, tokens: readonly number[], vocabSize: number | undefined): Promise<Probe> {
  const dialect = served.dialect;
  if (dialect === 'llama.cpp' || dialect === 'ollama' || dialect === 'tgi') return { kind: 'none', reason: `the server gives no prompt-token distributions (${PROMPT_LOGPROBS[dialect]})` };
  const ignoreModel = () => undefined;
  const attempt = async (k: number) => requestPromptRows(client, served, tokens, k, ignoreModel, 1);
  const rowSizes = (rows: Array<LogprobRow | null>) => rows.slice(1).map((r) => r?.size ?? 0);
  const candidates: number[] = [dialect === 'sglang' && vocabSize ? vocabSize : -1];
  const tried: string[] = [];
  for (let c = 0; c < candidates.length && c < 6; c++) {
    const k = candidates[c]!;
    try {
      const sizes = rowSizes(await attempt(k));
      const smallest = Math.min(...sizes);
      const largest = Math.max(...sizes);
      if (k === -1 || k === vocabSize) {
        if (smallest === largest && smallest > 1 && (vocabSize === undefined || smallest >= vocabSize)) return { kind: 'full', vocabSize: smallest };
        // Fewer than asked came back without an error: a silent cap; its top-k is what every row holds.
        return { kind: 'top-k', k: Math.max(1, smallest - 1) };
      }
      return { kind: 'top-k', k: Math.min(k, largest) };
    } catch (error) {
      const text = isEndpointError(error) ? error.serverText ?? error.message : String(error);
      tried.push(`prompt_logprobs ${k}: ${text}`);
      if (isEndpointError(error) && error.status !== 400 && error.status !== 422) break;
      const cap = /max(?:imum)? allowed:?\s*(\d+)/i.exec(text) ?? /max_logprobs[^0-9]*(\d+)/i.exec(text);
      const next = cap ? Number(cap[1]) : undefined;
      if (next && next > 0 && !candidates.includes(next)) candidates.splice(c + 1, 0, next);
      else for (const common of [20, 5, 1]) if (!candidates.includes(common)) candidates.push(common);
    }
  }
  return { kind: 'none', reason: `the server gives no prompt logprobs (${tried.slice(0, 2).join('; ')})` };
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}


import { excerpt } from './httpClient';

/**
 * Parsers for the response shapes QuantLens relies on, one per dialect, each checked against the
 * contract fixtures in test/contracts/ (which say where each shape was read). They throw plain
 * Errors describing what came; callers prefix the endpoint.
 */

/** One position's log-probabilities by token id. */
export type LogprobRow = Map<number, number>;

/**
 * vLLM `choices[0].prompt_logprobs` (also `quantlens serve`): one entry per prompt token, the first
 * null (nothing predicts it), each a `{ "<id>": { logprob, rank, decoded_token } }` holding the
 * prompt token itself and the top-k (`prompt_logprobs: K`; K = -1 asks for every token).
 */
export function parsePromptLogprobs(body: unknown, expectedLength: number): Array<LogprobRow | null> {
  const choice = firstChoice(body);
  const list = (choice as { prompt_logprobs?: unknown }).prompt_logprobs;
  if (!Array.isArray(list)) throw new Error(`the completion has no prompt_logprobs list (got ${describe(list)}); this server does not return prompt logprobs`);
  if (list.length !== expectedLength) throw new Error(`prompt_logprobs has ${list.length} entries for a prompt of ${expectedLength} tokens`);
  return list.map((entry, position) => {
    if (entry === null) return null;
    if (typeof entry !== 'object') throw new Error(`prompt_logprobs[${position}] is ${describe(entry)}, not an object of token ids`);
    const row: LogprobRow = new Map();
    for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
      const id = Number(key);
      const logprob = typeof value === 'number' ? value : (value as { logprob?: unknown } | null)?.logprob;
      if (!Number.isInteger(id) || id < 0) throw new Error(`prompt_logprobs[${position}] has key "${excerpt(key, 40)}", not a token id`);
      // vLLM writes -inf as -9999.0 in JSON-safe mode; a missing or non-numeric value is a broken answer.
      if (typeof logprob !== 'number' || Number.isNaN(logprob)) throw new Error(`prompt_logprobs[${position}]["${key}"] has logprob ${describe(logprob)}`);
      row.set(id, logprob);
    }
    return row;
  });
}

/** The `model` a completion answered for (OpenAI shape), or undefined when the server omits it. */
export function answeredModel(body: unknown): string | undefined {
  const model = (body as { model?: unknown } | null)?.model;
  return typeof model === 'string' ? model : undefined;
}

export interface CompletionChunk {
  text: string;
  /** Token ids this chunk carried, where the server said them (vLLM `token_ids`, or `token_id:N` logprob tokens). */
  tokenIds?: number[];
  finishReason?: string;
  completionTokens?: number;
  model?: string;
}

/**
 * One streamed `/v1/completions` chunk (OpenAI legacy shape; vLLM adds `token_ids` with
 * `return_token_ids`, and `logprobs.tokens` as "token_id:N" with `return_tokens_as_token_ids`).
 * The last chunk of a stream with `stream_options.include_usage` has empty choices and usage.
 */
export function parseCompletionChunk(json: unknown): CompletionChunk {
  if (!json || typeof json !== 'object') throw new Error(`a stream event is ${describe(json)}, not a completion chunk`);
  const body = json as { choices?: unknown; usage?: unknown; model?: unknown };
  const usage = body.usage as { completion_tokens?: unknown } | null | undefined;
  const chunk: CompletionChunk = { text: '' };
  if (typeof body.model === 'string') chunk.model = body.model;
  if (usage && typeof usage.completion_tokens === 'number') chunk.completionTokens = usage.completion_tokens;
  if (!Array.isArray(body.choices)) {
    if (chunk.completionTokens === undefined) throw new Error(`a stream event has no choices (got ${excerpt(JSON.stringify(json), 200)})`);
    return chunk;
  }
  const choice = body.choices[0] as { text?: unknown; delta?: { content?: unknown }; finish_reason?: unknown; token_ids?: unknown; logprobs?: { tokens?: unknown } | null } | undefined;
  if (!choice) return chunk;
  const text = choice.text ?? choice.delta?.content ?? '';
  if (typeof text !== 'string') throw new Error(`a stream chunk's text is ${describe(text)}`);
  chunk.text = text;
  if (typeof choice.finish_reason === 'string') chunk.finishReason = choice.finish_reason;
  if (Array.isArray(choice.token_ids) && choice.token_ids.every(Number.isInteger)) chunk.tokenIds = choice.token_ids as number[];
  else if (Array.isArray(choice.logprobs?.tokens)) {
    const ids = (choice.logprobs!.tokens as unknown[]).map((t) => (typeof t === 'string' && t.startsWith('token_id:') ? Number(t.slice(9)) : NaN));
    if (ids.every(Number.isInteger)) chunk.tokenIds = ids;
  }
  return chunk;
}

/** Token ids from a tokenize route: vLLM/SGLang/llama.cpp `{tokens: [id…]}` (llama.cpp with_pieces: `[{id, piece}]`), TGI `[{id, text}…]`. */
export function parseTokenizeResponse(body: unknown): number[] {
  const list = Array.isArray(body) ? body : (body as { tokens?: unknown } | null)?.tokens;
  if (!Array.isArray(list)) throw new Error(`the tokenize answer has no token list (got ${excerpt(JSON.stringify(body) ?? String(body), 200)})`);
  return list.map((t, i) => {
    const id = typeof t === 'number' ? t : (t as { id?: unknown } | null)?.id;
    if (typeof id !== 'number' || !Number.isInteger(id)) throw new Error(`tokenize answer item ${i} is ${describe(t)}, not a token id`);
    return id;
  });
}

/**
 * SGLang native `/generate` with `return_logprob`, `logprob_start_len: 0`, `top_logprobs_num: K`:
 * `meta_info.input_token_logprobs` is `[[logprob|null, id, text|null]…]` per prompt token (the
 * first logprob null), `input_top_logprobs` the same shape's top-K lists per position.
 */
export function parseSglangInputLogprobs(body: unknown, expectedLength: number): Array<LogprobRow | null> {
  const item = Array.isArray(body) ? body[0] : body;
  const meta = (item as { meta_info?: Record<string, unknown> } | null)?.meta_info;
  if (!meta) throw new Error(`the /generate answer has no meta_info (got ${excerpt(JSON.stringify(body) ?? '', 200)})`);
  const targets = meta.input_token_logprobs;
  const tops = meta.input_top_logprobs;
  if (!Array.isArray(targets) || targets.length !== expectedLength) throw new Error(`meta_info.input_token_logprobs has ${Array.isArray(targets) ? targets.length : 'no'} entries for a prompt of ${expectedLength} tokens (SGLang's radix cache can shorten it: start the server with --disable-radix-cache)`);
  return targets.map((target, position) => {
    if (position === 0) return null;
    const row: LogprobRow = new Map();
    const top = Array.isArray(tops) ? tops[position] : undefined;
    for (const entry of [...(Array.isArray(top) ? top : []), target]) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'number' || !Number.isInteger(entry[1])) throw new Error(`meta_info logprobs at position ${position} has ${describe(entry)}, not [logprob, id, text]`);
      row.set(entry[1] as number, entry[0]);
    }
    return row;
  });
}

/** The prompt's token ids as SGLang's /generate saw them (meta_info.input_token_logprobs[i][1]). */
export function parseSglangInputIds(body: unknown): number[] {
  const item = Array.isArray(body) ? body[0] : body;
  const targets = (item as { meta_info?: { input_token_logprobs?: unknown } } | null)?.meta_info?.input_token_logprobs;
  if (!Array.isArray(targets)) throw new Error(`the /generate answer has no meta_info.input_token_logprobs (got ${excerpt(JSON.stringify(body) ?? '', 200)})`);
  return targets.map((entry, i) => {
    if (!Array.isArray(entry) || !Number.isInteger(entry[1])) throw new Error(`meta_info.input_token_logprobs[${i}] is ${describe(entry)}, not [logprob, id, text]`);
    return entry[1] as number;
  });
}

/**
 * TGI `/generate` with `details: true, decoder_input_details: true`: `details.prefill` is
 * `[{id, text, logprob}]` per prompt token, the first without a logprob. Only the prompt token's
 * own logprob: TGI has no top-n over the prompt.
 */
export function parseTgiPrefill(body: unknown, expectedLength: number): Array<LogprobRow | null> {
  const item = Array.isArray(body) ? body[0] : body;
  const prefill = (item as { details?: { prefill?: unknown } } | null)?.details?.prefill;
  if (!Array.isArray(prefill) || prefill.length !== expectedLength) throw new Error(`details.prefill has ${Array.isArray(prefill) ? prefill.length : 'no'} entries for a prompt of ${expectedLength} tokens (TGI returns prefill logprobs only when started with --enable-prefill-logprobs)`);
  return prefill.map((entry, position) => {
    if (position === 0) return null;
    const { id, logprob } = (entry ?? {}) as { id?: unknown; logprob?: unknown };
    if (!Number.isInteger(id) || typeof logprob !== 'number') throw new Error(`details.prefill[${position}] is ${describe(entry)}, not {id, logprob}`);
    return new Map([[id as number, logprob]]);
  });
}

function firstChoice(body: unknown): object {
  const choices = (body as { choices?: unknown } | null)?.choices;
  if (!Array.isArray(choices) || !choices[0] || typeof choices[0] !== 'object') throw new Error(`the answer has no choices (got ${excerpt(JSON.stringify(body) ?? String(body), 200)})`);
  return choices[0] as object;
}

/** A short description of an unexpected value, for error text. */
export function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return `an object (${excerpt(JSON.stringify(value), 80)})`;
  return `${typeof value} ${excerpt(String(value), 80)}`;
}

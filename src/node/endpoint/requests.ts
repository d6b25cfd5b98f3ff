import type { ServerDialect } from '../../shared/endpoints';

/**
 * The request shapes QuantLens sends, per dialect, in one place: the backend builds its requests
 * here and the contract tests (test/contracts/) check these against each server's documented
 * shape, so a drift on either side fails a test.
 */
export interface EndpointRequest {
  path: string;
  /** Path from the server root (/tokenize, /generate) rather than the /v1 base. */
  root: boolean;
  body: Record<string, unknown>;
}

/** Dialects that take a prompt as token ids on /v1/completions (vLLM, SGLang, llama.cpp and the OpenAI legacy API do; TGI and Ollama take text). */
export const TAKES_TOKEN_IDS: ReadonlySet<ServerDialect> = new Set(['vllm', 'quantlens', 'sglang', 'llama.cpp', 'openai-compatible']);
/** Dialects whose completions take ignore_eos (vLLM and SGLang sampling extras, llama.cpp); min_tokens: vLLM and SGLang's OpenAI layer. */
export const FIXES_LENGTH: ReadonlySet<ServerDialect> = new Set(['vllm', 'quantlens', 'sglang', 'llama.cpp']);
/** Dialects that return generated token ids (vLLM `return_token_ids`, and `return_tokens_as_token_ids` logprob tokens). */
export const RETURNS_TOKEN_IDS: ReadonlySet<ServerDialect> = new Set(['vllm', 'quantlens']);

/** The server's own tokenization of `text`, special tokens (BOS) added as the local encode(text, true) does. */
export function tokenizeRequest(dialect: ServerDialect, model: string, text: string): EndpointRequest {
  if (dialect === 'llama.cpp') return { path: '/tokenize', root: true, body: { content: text, add_special: true, parse_special: true } };
  if (dialect === 'tgi') return { path: '/tokenize', root: true, body: { inputs: text } };
  return { path: '/tokenize', root: true, body: { model, prompt: text, add_special_tokens: true } };
}

/**
 * Where a server has no tokenize route, its own ids for a text from a prompt-logprob request
 * (SGLang's native /generate returns every prompt token's id in meta_info.input_token_logprobs).
 */
export function tokenizeFallbackRequest(dialect: ServerDialect, text: string): EndpointRequest | undefined {
  if (dialect !== 'sglang') return undefined;
  return { path: '/generate', root: true, body: { text, sampling_params: { max_new_tokens: 1, temperature: 0 }, return_logprob: true, logprob_start_len: 0 } };
}

/**
 * Prompt log-probabilities of `prompt` (ids), `k` per position (−1 = the whole vocabulary):
 * vLLM's `prompt_logprobs` on /v1/completions, or SGLang's native /generate from position 0.
 */
export function promptLogprobsRequest(dialect: ServerDialect, model: string, prompt: readonly number[], k: number): EndpointRequest {
  if (dialect === 'sglang') {
    return { path: '/generate', root: true, body: { input_ids: [...prompt], sampling_params: { max_new_tokens: 1, temperature: 0 }, return_logprob: true, logprob_start_len: 0, top_logprobs_num: k } };
  }
  return { path: '/completions', root: false, body: { model, prompt: [...prompt], max_tokens: 1, temperature: 0, prompt_logprobs: k } };
}

export interface CompletionOptions {
  maxTokens: number;
  ignoreEos: boolean;
  /** min_tokens (fixed output lengths for the load generator); 0 = not sent. */
  minTokens?: number;
  /** Ask for the generated token ids (logprobs: 1 with return_tokens_as_token_ids) where the dialect has them. */
  wantIds: boolean;
  /** Seeded sampling (code tasks, n > 1) instead of greedy: OpenAI's temperature, top_p and seed. */
  sampling?: { temperature: number; topP: number; seed: number };
}

/** A streamed greedy /v1/completions request: temperature 0, seed 0, usage in the last chunk. */
export function streamedCompletionRequest(dialect: ServerDialect, model: string, prompt: readonly number[] | string, options: CompletionOptions): EndpointRequest {
  const body: Record<string, unknown> = {
    model,
    prompt: typeof prompt === 'string' ? prompt : [...prompt],
    max_tokens: options.maxTokens,
    temperature: options.sampling?.temperature ?? 0,
    ...(options.sampling ? { top_p: options.sampling.topP } : {}),
    seed: options.sampling?.seed ?? 0,
    stream: true,
    stream_options: { include_usage: true },
  };
  if (FIXES_LENGTH.has(dialect)) {
    if (options.ignoreEos) body.ignore_eos = true;
    if ((options.minTokens ?? 0) > 0 && dialect !== 'llama.cpp') body.min_tokens = options.minTokens;
  }
  if (RETURNS_TOKEN_IDS.has(dialect)) {
    body.return_token_ids = true;
    if (options.wantIds) {
      body.logprobs = 1;
      body.return_tokens_as_token_ids = true;
    }
  }
  return { path: '/completions', root: false, body };
}

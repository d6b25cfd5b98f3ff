import { badRequest } from './httpErrors';
import type { RequestFields } from './requestFields';

/**
 * What both /v1/completions and /v1/chat/completions take besides the prompt, checked as vLLM
 * checks it (vllm/entrypoints/openai/completion/protocol.py and chat_completion/protocol.py,
 * CompletionRequest / ChatCompletionRequest and their validators; vllm/sampling_params.py
 * SamplingParams._validate_logprobs — read 2026 from vllm-project/vllm). quantlens serve decodes
 * greedily only, so every field that would change a greedy decode is refused with a 400 saying
 * so instead of being ignored.
 */
export interface SamplingPlan {
  /** null: as many as fit in max_model_len. */
  maxTokens: number | null;
  minTokens: number;
  ignoreEos: boolean;
  stop: string[];
  stopTokenIds: number[];
  includeStopStr: boolean;
  stream: boolean;
  includeUsage: boolean;
  returnTokensAsIds: boolean;
  /** vLLM prompt_logprobs (K, −1 = vocabulary), or null. */
  promptLogprobs: number | null;
  /** vLLM logprob_token_ids, or null. */
  logprobTokenIds: number[] | null;
}

/** vLLM's MAX_LOGPROB_TOKEN_IDS (vllm/sampling_params.py). */
export const MAX_LOGPROB_TOKEN_IDS = 128;

export function parseSampling(f: RequestFields, maxTokensField: number | null): SamplingPlan {
  greedyOnly(f);
  const stream = f.bool('stream', false);
  if (f.has('stream_options') && !stream) throw badRequest('Stream options can only be defined when `stream=True`.', 'stream_options');
  const options = f.raw('stream_options');
  if (options !== undefined && options !== null && (typeof options !== 'object' || Array.isArray(options))) throw f.wrong('stream_options', 'an object', options);
  const includeUsageRaw = (options as { include_usage?: unknown } | null | undefined)?.include_usage;
  if (includeUsageRaw !== undefined && includeUsageRaw !== null && typeof includeUsageRaw !== 'boolean') throw f.wrong('stream_options.include_usage', 'true or false', includeUsageRaw);
  const promptLogprobs = f.int('prompt_logprobs');
  if (promptLogprobs !== null) {
    if (promptLogprobs < 0 && promptLogprobs !== -1) throw badRequest('`prompt_logprobs` must be a positive value or -1.', 'prompt_logprobs');
    if (stream && promptLogprobs !== 0) throw badRequest('`prompt_logprobs` are not available when `stream=True`.', 'prompt_logprobs');
  }
  const logprobTokenIds = f.ids('logprob_token_ids');
  if (logprobTokenIds !== null) {
    if (logprobTokenIds.length === 0) throw badRequest('`logprob_token_ids` must not be an empty list.', 'logprob_token_ids');
    if (logprobTokenIds.length > MAX_LOGPROB_TOKEN_IDS) throw badRequest(`Requested logprob_token_ids of length ${logprobTokenIds.length}, which is greater than max allowed: ${MAX_LOGPROB_TOKEN_IDS}`, 'logprob_token_ids');
  }
  return {
    maxTokens: maxTokensField,
    minTokens: f.int('min_tokens', 0) ?? 0,
    ignoreEos: f.bool('ignore_eos', false),
    stop: f.strings('stop'),
    stopTokenIds: f.ids('stop_token_ids') ?? [],
    includeStopStr: f.bool('include_stop_str_in_output', false),
    stream,
    // vLLM's StreamOptions.include_usage defaults to true once stream_options is given.
    includeUsage: options !== undefined && options !== null && includeUsageRaw !== false,
    returnTokensAsIds: f.bool('return_tokens_as_token_ids', false),
    promptLogprobs,
    logprobTokenIds,
  };
}

/** Refuses what would make the decode other than greedy (or other than one sequence). */
function greedyOnly(f: RequestFields): void {
  const temperature = f.number('temperature');
  if (temperature !== null && temperature !== 0) {
    throw badRequest(`${f.endpoint}: quantlens serve decodes greedily only: \`temperature\` must be 0 or absent (got ${temperature}). Send temperature 0; \`seed\` is accepted and has no effect on a greedy decode.`, 'temperature');
  }
  f.int('seed');
  const n = f.int('n');
  if (n !== null && n !== 1) throw badRequest(`${f.endpoint}: quantlens serve returns one greedy sequence per prompt: \`n\` must be 1 (got ${n}).`, 'n');
  const bestOf = f.int('best_of');
  if (bestOf !== null && bestOf !== 1) throw badRequest(`${f.endpoint}: \`best_of\` must be 1 (got ${bestOf}); quantlens serve decodes greedily.`, 'best_of');
  if (f.bool('use_beam_search', false)) throw badRequest(`${f.endpoint}: beam search is not supported; quantlens serve decodes greedily.`, 'use_beam_search');
  for (const [name, neutral] of [['presence_penalty', 0], ['frequency_penalty', 0], ['repetition_penalty', 1]] as const) {
    const v = f.number(name);
    if (v !== null && v !== neutral) throw badRequest(`${f.endpoint}: \`${name}\` must be ${neutral} or absent (got ${v}); quantlens serve decodes plain greedy, without penalties.`, name);
  }
  const bias = f.raw('logit_bias');
  if (bias !== undefined && bias !== null && (typeof bias !== 'object' || Object.keys(bias).length > 0)) throw badRequest(`${f.endpoint}: \`logit_bias\` is not supported; quantlens serve decodes plain greedy.`, 'logit_bias');
  for (const name of ['suffix', 'response_format', 'structured_outputs', 'guided_json', 'guided_regex', 'guided_choice', 'allowed_token_ids', 'bad_words', 'prompt_embeds', 'tools']) {
    const v = f.raw(name);
    if (v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0)) throw badRequest(`${f.endpoint}: \`${name}\` is not supported by quantlens serve.`, name);
  }
}

/**
 * vLLM's --max-logprobs check (SamplingParams._validate_logprobs): −1 means the vocabulary, on
 * both sides; the messages are vLLM's.
 */
export function checkLogprobCap(maxLogprobs: number, vocabSize: number, sample: number | null, prompt: number | null): void {
  const cap = maxLogprobs === -1 ? vocabSize : maxLogprobs;
  if (sample !== null && sample !== 0) {
    const asked = sample === -1 ? vocabSize : sample;
    if (asked > cap) throw badRequest(`Requested sample logprobs of ${asked}, which is greater than max allowed: ${cap}`, 'logprobs');
  }
  if (prompt !== null && prompt !== 0) {
    const asked = prompt === -1 ? vocabSize : prompt;
    if (asked > cap) throw badRequest(`Requested prompt logprobs of ${asked}, which is greater than max allowed: ${cap}`, 'prompt_logprobs');
  }
}

/** vLLM's context-length check (its message): the prompt plus max_tokens must fit max_model_len. */
export function resolveMaxTokens(maxTokens: number | null, promptTokens: number, maxModelLen: number, what: 'prompt' | 'messages'): number {
  if (promptTokens > maxModelLen || (maxTokens !== null && promptTokens + maxTokens > maxModelLen)) {
    const asked = promptTokens + (maxTokens ?? 0);
    throw badRequest(
      `This model's maximum context length is ${maxModelLen} tokens. However, you requested ${asked} tokens (${promptTokens} in the ${what}, ${maxTokens ?? 0} in the completion). Please reduce the length of the ${what} or completion.`,
      what === 'prompt' ? 'prompt' : 'messages',
    );
  }
  return maxTokens ?? maxModelLen - promptTokens;
}

import type { ServerDialect } from '../../shared/endpoints';

/**
 * Which server answers, from what it says about itself. `/v1/models`' `owned_by` is the clearest
 * sign (vLLM "vllm", SGLang "sglang", llama.cpp "llamacpp", `quantlens serve` "quantlens"); the
 * Server header and the servers' own info routes settle the rest (TGI `/info`, llama.cpp `/props`,
 * Ollama `/api/version`). Unknown servers are 'openai-compatible': QuantLens then only trusts
 * what it can check (prompt logprobs are probed, never assumed).
 */
export function dialectFromOwnedBy(ownedBy: unknown): ServerDialect | undefined {
  if (typeof ownedBy !== 'string') return undefined;
  const owner = ownedBy.toLowerCase();
  if (owner === 'vllm') return 'vllm';
  if (owner === 'sglang') return 'sglang';
  if (owner === 'quantlens') return 'quantlens';
  if (owner === 'llamacpp' || owner === 'llama.cpp' || owner === 'llama-cpp') return 'llama.cpp';
  if (owner === 'ollama' || owner === 'library') return 'ollama';
  if (owner === 'tgi' || owner === 'text-generation-inference') return 'tgi';
  return undefined;
}

export function dialectFromServerHeader(server: string | null): ServerDialect | undefined {
  if (!server) return undefined;
  const s = server.toLowerCase();
  if (s.includes('llama.cpp') || s.includes('llama-server')) return 'llama.cpp';
  if (s.includes('text-generation') || s.includes('tgi')) return 'tgi';
  if (s.includes('ollama')) return 'ollama';
  if (s.includes('quantlens')) return 'quantlens';
  return undefined;
}

/** What each dialect can give for a prompt, as read from its docs and sources (test/contracts/). */
export const PROMPT_LOGPROBS: Record<ServerDialect, string> = {
  vllm: 'prompt_logprobs on /v1/completions (the whole vocabulary with --max-logprobs -1, else at most --max-logprobs, default 20)',
  quantlens: 'prompt_logprobs on /v1/completions (the whole vocabulary unless started with a logprobs cap)',
  sglang: 'return_logprob with logprob_start_len 0 and top_logprobs_num on its native /generate',
  tgi: 'only the prompt tokens\' own logprobs on /generate with decoder_input_details, and only when started with --enable-prefill-logprobs; no top-n over the prompt',
  'llama.cpp': 'none: llama.cpp server gives logprobs of generated tokens only and rejects echo ("Only no echo is supported")',
  ollama: 'none: Ollama gives logprobs of generated tokens only',
  'openai-compatible': 'whatever a probe of prompt_logprobs on /v1/completions finds',
};

import type { ScoredRows } from './protocol';

/**
 * The JSON shapes of log-probabilities, as vLLM writes them (read 2026 from vllm-project/vllm):
 * - legacy completions `logprobs` (completion/serving.py `_create_completion_logprobs`):
 *   {tokens, token_logprobs, top_logprobs, text_offset}; a position without a row (the first
 *   echoed prompt token) has token_logprobs null and top_logprobs null; each top_logprobs dict
 *   starts with the position's own token, then the most likely, keyed by the token's text (or
 *   "token_id:ID" with return_tokens_as_token_ids), at most K + 1 entries unless logprob_token_ids
 *   asked for specific ids; values below −9999 are written as −9999 (OpenAI's JSON-safe floor);
 *   text_offset accumulates the token strings' lengths.
 * - vLLM `prompt_logprobs` (CompletionResponseChoice.prompt_logprobs, vllm/logprobs.py Logprob):
 *   [null, {"<id>": {logprob, rank, decoded_token}, …}, …] with the actual token among them (JSON
 *   objects with integer-like keys come out in id order in JavaScript, so "first" cannot be kept;
 *   clients read it as the dict it is).
 * - chat `logprobs.content` (chat_completion/protocol.py ChatCompletionLogProbsContent):
 *   [{token, logprob, bytes, top_logprobs: [{token, logprob, bytes}]}].
 * Every number is the float64 the model thread computed; JSON.stringify writes the shortest text
 * that reads back as the same double, so nothing is rounded on the wire.
 */
export interface TokenNames {
  /** The token's text as a client sees it (its own decode), or "token_id:ID". */
  name(id: number): string;
  /** The decoded text (for decoded_token), whatever the naming. */
  text(id: number): string;
}

const FLOOR = -9999;
const floor = (v: number): number => (v < FLOOR ? FLOOR : v);

/** One position of a legacy logprobs list: a row index into `rows`, or null for "no row". */
export interface LegacyPosition {
  token: number;
  rows: ScoredRows | null;
  row: number;
}

export interface LegacyLogprobs {
  tokens: string[];
  token_logprobs: Array<number | null>;
  top_logprobs: Array<Record<string, number> | null>;
  text_offset: number[];
}

export function legacyLogprobs(positions: readonly LegacyPosition[], names: TokenNames, k: number, explicitIds: boolean, initialOffset: number): LegacyLogprobs {
  const out: LegacyLogprobs = { tokens: [], token_logprobs: [], top_logprobs: [], text_offset: [] };
  let offset = initialOffset;
  for (const p of positions) {
    const name = names.name(p.token);
    out.tokens.push(name);
    out.text_offset.push(offset);
    offset += name.length;
    if (!p.rows) {
      out.token_logprobs.push(null);
      out.top_logprobs.push(null);
      continue;
    }
    const { rows, row } = p;
    out.token_logprobs.push(floor(rows.logprobs[row]!));
    const top: Record<string, number> = { [name]: floor(rows.logprobs[row]!) };
    // vLLM keeps the first K + 1 entries of {own token, top-k…} (own token deduplicated by id).
    let entries = 1;
    const limit = k === -1 || explicitIds ? Infinity : k + 1;
    for (let j = 0; j < rows.width && entries < limit; j++) {
      const id = rows.ids[row * rows.width + j]!;
      if (id === p.token) continue;
      entries++;
      const key = names.name(id);
      if (!(key in top)) top[key] = floor(rows.values[row * rows.width + j]!);
    }
    out.top_logprobs.push(top);
  }
  return out;
}

export interface PromptLogprobEntry {
  logprob: number;
  rank: number;
  decoded_token: string;
}

/** vLLM's prompt_logprobs: null for the first prompt token, then one dict per later token. */
export function promptLogprobs(rows: ScoredRows, names: TokenNames): Array<Record<string, PromptLogprobEntry> | null> {
  const out: Array<Record<string, PromptLogprobEntry> | null> = [null];
  for (let r = 0; r < rows.count; r++) {
    const token = rows.tokens[r]!;
    const entry: Record<string, PromptLogprobEntry> = { [token]: { logprob: floor(rows.logprobs[r]!), rank: rows.ranks[r]!, decoded_token: names.text(token) } };
    for (let j = 0; j < rows.width; j++) {
      const id = rows.ids[r * rows.width + j]!;
      if (id === token) continue;
      entry[id] = { logprob: floor(rows.values[r * rows.width + j]!), rank: j + 1, decoded_token: names.text(id) };
    }
    out.push(entry);
  }
  return out;
}

export interface ChatLogprob {
  token: string;
  logprob: number;
  bytes: number[];
}

export interface ChatLogprobContent extends ChatLogprob {
  top_logprobs: ChatLogprob[];
}

/** One generated token's chat logprobs entry: its own, and its row's entries (top-k or asked ids). */
export function chatLogprob(token: number, rows: ScoredRows, names: TokenNames): ChatLogprobContent {
  const entry = (id: number, logprob: number): ChatLogprob => {
    const name = names.name(id);
    return { token: name, logprob: floor(logprob), bytes: [...Buffer.from(name, 'utf8')] };
  };
  const top: ChatLogprob[] = [];
  for (let j = 0; j < rows.width; j++) top.push(entry(rows.ids[j]!, rows.values[j]!));
  return { ...entry(token, rows.logprobs[0]!), top_logprobs: top };
}

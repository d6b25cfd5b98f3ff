import type { TextTokenizer } from '../worker/backend/modelBackend';
import { badRequest, HttpError } from './httpErrors';
import type { TokenNames } from './logprobShapes';
import type { ModelClient } from './modelClient';
import type { RowRequest } from './protocol';
import type { RequestFields } from './requestFields';
import type { RequestLog } from './requestLog';

/** What every route of one `quantlens serve` needs. */
export interface ServeContext {
  modelName: string;
  /** The variant's id and file, for /v1/models. */
  variantId: string;
  maxModelLen: number;
  vocabSize: number;
  /** --max-logprobs: −1 = the whole vocabulary. */
  maxLogprobs: number;
  tokenizer: TextTokenizer;
  client: ModelClient;
  log: RequestLog;
  /** Unix seconds the server started (the models' `created`). */
  created: number;
  names: { text: TokenNames; ids: TokenNames };
}

/** Token texts, each decoded alone once (as vLLM's per-token decoded_token), cached. */
export function tokenNames(tokenizer: TextTokenizer): { text: TokenNames; ids: TokenNames } {
  const cache = new Map<number, string>();
  const text = (id: number): string => {
    let t = cache.get(id);
    if (t === undefined) cache.set(id, (t = tokenizer.decode([id])));
    return t;
  };
  return {
    text: { name: text, text },
    // vLLM's return_tokens_as_token_ids: "token_id:{id}" (format_token_id_placeholder).
    ids: { name: (id) => `token_id:${id}`, text },
  };
}

/** vLLM answers a request for another model with 404 "The model `x` does not exist." */
export function checkModel(ctx: ServeContext, f: RequestFields): void {
  const model = f.string('model');
  if (model !== null && model !== ctx.modelName) throw new HttpError(404, `The model \`${model}\` does not exist. This server serves \`${ctx.modelName}\` (GET /v1/models).`, 'model');
}

export function rowRequest(k: number | null): RowRequest | null {
  if (k === null) return null;
  return k === -1 ? { kind: 'full' } : { kind: 'top', k };
}

export function checkIds(ctx: ServeContext, ids: readonly number[], param: string): void {
  const bad = ids.filter((id) => id >= ctx.vocabSize);
  if (bad.length) throw badRequest(`token_id(s) ${JSON.stringify(bad.slice(0, 10))} in ${param} contain out-of-vocab token ids. Vocabulary size: ${ctx.vocabSize}`, param);
}

export function randomId(prefix: string): string {
  const hex = Array.from({ length: 16 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  return `${prefix}-${hex}`;
}

/** The usage object of vLLM's responses (UsageInfo). */
export function usage(prompt: number, completion: number): object {
  return { prompt_tokens: prompt, total_tokens: prompt + completion, completion_tokens: completion, prompt_tokens_details: null };
}

import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TextTokenizer } from '../../src/worker/backend/modelBackend';

/** What a fake server saw: every request, with its parsed JSON body. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export type Handler = (request: SeenRequest, res: ServerResponse) => void | Promise<void>;

export interface FakeServer {
  /** http://127.0.0.1:PORT/v1 */
  baseUrl: string;
  port: number;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** A real HTTP server on a loopback port (real sockets: resets, timeouts and kills are real too). */
export async function startFake(handler: Handler): Promise<FakeServer> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      const text = Buffer.concat(parts).toString('utf8');
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        /* keep the text */
      }
      const request = { method: req.method ?? '', path: (req.url ?? '').split('?')[0]!, headers: req.headers, body };
      seen.push(request);
      Promise.resolve(handler(request, res)).catch((error) => {
        res.statusCode = 599;
        res.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export function sseHead(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A toy tokenizer: BOS = 1, letters a..n = ids 2..15, anything else = 15. V = 16. */
export const TOY_VOCAB = 16;
export const toyTokenizer: TextTokenizer = {
  encode: (text, special) => [...(special ? [1] : []), ...[...text].map((c) => Math.min(15, Math.max(2, c.charCodeAt(0) - 97 + 2)))],
  decode: (ids) => ids.filter((i) => i >= 2).map((i) => String.fromCharCode(i - 2 + 97)).join(''),
  eosTokenIds: [0],
};

/** The toy model's exact ln P(· | prefix) over TOY_VOCAB ids, in float64 (log-softmax of a fixed function). */
export function toyLogprobs(prefix: readonly number[]): Float64Array {
  let s = 0;
  for (const [i, t] of prefix.entries()) s += (t + 1) * (i + 1);
  const logits = Array.from({ length: TOY_VOCAB }, (_, v) => 2 * Math.sin(v * 1.3 + s * 0.7) + (v === 0 ? -3 : 0));
  const max = Math.max(...logits);
  const lse = max + Math.log(logits.reduce((a, l) => a + Math.exp(l - max), 0));
  return Float64Array.from(logits, (l) => l - lse);
}

export function argmax(row: Float64Array): number {
  let best = 0;
  for (let v = 1; v < row.length; v++) if (row[v]! > row[best]!) best = v;
  return best;
}

export interface ToyVllmOptions {
  model?: string;
  ownedBy?: string;
  /** --max-logprobs: -1 = the whole vocabulary. */
  maxLogprobs?: number;
  /** /tokenize answers with this instead of the toy tokenizer's ids. */
  tokenize?: (text: string) => number[];
  /** The model name completions answer with (to test a swapped server). */
  answerModel?: string;
}

/**
 * A vLLM look-alike over the toy model: /v1/models, /tokenize, /v1/completions with prompt
 * token ids, prompt_logprobs (vLLM's dict shape and its max-logprobs 400), and SSE streams with
 * token_ids and usage — the shapes in test/contracts/vllm.
 */
export function toyVllm(options: ToyVllmOptions = {}): Handler {
  const model = options.model ?? 'toy';
  const cap = options.maxLogprobs ?? -1;
  return async (req, res) => {
    if (req.method === 'GET' && req.path === '/v1/models') return sendJson(res, 200, { object: 'list', data: [{ id: model, object: 'model', created: 1, owned_by: options.ownedBy ?? 'vllm', root: model, parent: null, max_model_len: 64 }] });
    if (req.method === 'POST' && req.path === '/tokenize') {
      const text = (req.body as { prompt?: string; content?: string }).prompt ?? (req.body as { content: string }).content;
      const tokens = options.tokenize ? options.tokenize(text) : toyTokenizer.encode(text, true);
      return sendJson(res, 200, { count: tokens.length, max_model_len: 64, tokens, token_strs: null });
    }
    if (req.method === 'POST' && req.path === '/v1/completions') {
      const body = req.body as { prompt: number[]; max_tokens: number; prompt_logprobs?: number; stream?: boolean; ignore_eos?: boolean };
      const answerModel = options.answerModel ?? model;
      const asked = body.prompt_logprobs;
      if (asked !== undefined && asked !== null && asked !== 0) {
        const n = asked === -1 ? TOY_VOCAB : asked;
        const max = cap === -1 ? TOY_VOCAB : cap;
        if (n > max) return sendJson(res, 400, { object: 'error', message: `Requested prompt logprobs of ${n}, which is greater than max allowed: ${max}`, type: 'BadRequestError', param: null, code: 400 });
        const prompt_logprobs = body.prompt.map((token, j) => {
          if (j === 0) return null;
          const row = toyLogprobs(body.prompt.slice(0, j));
          const order = [...row.keys()].sort((a, b) => row[b]! - row[a]!);
          const keep = new Set(order.slice(0, n));
          keep.add(token);
          const entry: Record<string, { logprob: number; rank: number; decoded_token: string }> = {};
          for (const id of keep) entry[String(id)] = { logprob: row[id]!, rank: order.indexOf(id) + 1, decoded_token: toyTokenizer.decode([id]) };
          return entry;
        });
        const next = argmax(toyLogprobs(body.prompt));
        return sendJson(res, 200, { id: 'cmpl-1', object: 'text_completion', created: 1, model: answerModel, choices: [{ index: 0, text: toyTokenizer.decode([next]), logprobs: null, finish_reason: 'length', stop_reason: null, prompt_logprobs }], usage: { prompt_tokens: body.prompt.length, completion_tokens: 1, total_tokens: body.prompt.length + 1 } });
      }
      if (body.stream) {
        sseHead(res);
        const context = [...body.prompt];
        let finish = 'length';
        let produced = 0;
        for (let step = 0; step < body.max_tokens; step++) {
          const next = argmax(toyLogprobs(context));
          context.push(next);
          produced++;
          const isEos = next === 0 && !body.ignore_eos;
          if (isEos) finish = 'stop';
          const last = isEos || step === body.max_tokens - 1;
          res.write(`data: ${JSON.stringify({ id: 'cmpl-2', object: 'text_completion', created: 1, model: answerModel, choices: [{ index: 0, text: toyTokenizer.decode([next]), logprobs: null, finish_reason: last ? finish : null, stop_reason: null, token_ids: [next] }] })}\n\n`);
          await sleep(2);
          if (isEos) break;
        }
        res.write(`data: ${JSON.stringify({ id: 'cmpl-2', object: 'text_completion', created: 1, model: answerModel, choices: [], usage: { prompt_tokens: body.prompt.length, completion_tokens: produced, total_tokens: body.prompt.length + produced } })}\n\n`);
        res.end('data: [DONE]\n\n');
        return;
      }
    }
    sendJson(res, 404, { detail: 'Not Found' });
  };
}

/** Rejects, and the error's message (not its "Name: " prefixed string) matches `pattern`. */
export async function rejectsWithMessage(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  let error: unknown;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  if (!error) throw new Error(`expected a rejection matching ${pattern}, but it resolved`);
  const message = error instanceof Error ? error.message : String(error);
  if (!pattern.test(message)) throw new Error(`the error message ${JSON.stringify(message)} does not match ${pattern}`);
}

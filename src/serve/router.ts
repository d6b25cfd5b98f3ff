import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorMessage } from '../shared/errors';
import { chatCompletions } from './chatRoute';
import { completions } from './completionsRoute';
import { errorBody, HttpError } from './httpErrors';
import { readJsonBody, sendJson } from './httpIo';
import { CLOCK_NOTE, now } from './requestLog';
import type { ServeContext } from './serveContext';
import { detokenize, tokenize } from './tokenizeRoutes';

type Route = (ctx: ServeContext, req: IncomingMessage, res: ServerResponse, arrivalMs: number) => Promise<void>;

const json = (answer: (ctx: ServeContext, body: unknown) => object, endpoint: string): Route => async (ctx, req, res) => {
  sendJson(res, 200, answer(ctx, await readJsonBody(req, endpoint)));
};

/** A generation route: its request gets a timing entry (GET /quantlens/requests). */
const generation = (handler: typeof completions, endpoint: string): Route => async (ctx, req, res, arrivalMs) => {
  const timing = ctx.log.start('', endpoint, false, arrivalMs);
  try {
    await handler(ctx, await readJsonBody(req, endpoint), res, timing);
  } catch (error) {
    timing.status = 'error';
    timing.finishedMs = now();
    throw error;
  }
};

const ROUTES: Record<string, Partial<Record<'GET' | 'POST', Route>>> = {
  '/health': { GET: async (_ctx, _req, res) => void res.writeHead(200).end() },
  '/version': { GET: async (_ctx, _req, res) => void sendJson(res, 200, { version: 'quantlens-serve' }) },
  '/v1/models': { GET: async (ctx, _req, res) => void sendJson(res, 200, modelList(ctx)) },
  '/tokenize': { POST: json(tokenize, 'POST /tokenize') },
  '/detokenize': { POST: json(detokenize, 'POST /detokenize') },
  '/v1/completions': { POST: generation(completions, 'POST /v1/completions') },
  '/v1/chat/completions': { POST: generation(chatCompletions, 'POST /v1/chat/completions') },
  '/quantlens/requests': {
    GET: async (ctx, req, res) => {
      const limit = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('limit') ?? 1000);
      sendJson(res, 200, { clock: CLOCK_NOTE, requests: ctx.log.recent(Number.isFinite(limit) && limit > 0 ? limit : 1000) });
    },
  },
};

/**
 * GET /v1/models as vLLM answers it (vllm/entrypoints/openai/models/protocol.py ModelCard, read
 * 2026): {object: "list", data: [{id, object: "model", created, owned_by, root, parent,
 * max_model_len, permission}]}; owned_by "quantlens" tells a client which server this is.
 */
function modelList(ctx: ServeContext): object {
  return {
    object: 'list',
    data: [{ id: ctx.modelName, object: 'model', created: ctx.created, owned_by: 'quantlens', root: ctx.modelName, parent: null, max_model_len: ctx.maxModelLen, permission: [] }],
  };
}

/** Dispatches one request; every failure becomes vLLM's error JSON (or, mid-stream, an error event). */
export async function handle(ctx: ServeContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const arrivalMs = now();
  const path = new URL(req.url ?? '/', 'http://x').pathname.replace(/\/+$/, '') || '/';
  try {
    const methods = ROUTES[path];
    if (!methods) throw new HttpError(404, `${req.method} ${path}: no such endpoint. quantlens serve has ${Object.keys(ROUTES).join(', ')}.`);
    const route = methods[req.method as 'GET' | 'POST'];
    if (!route) throw new HttpError(405, `${req.method} ${path}: use ${Object.keys(methods).join(' or ')}.`);
    await route(ctx, req, res, arrivalMs);
  } catch (error) {
    const status = error instanceof HttpError ? error.status : 500;
    const body = errorBody(status, error instanceof HttpError ? error.message : `internal error: ${errorMessage(error)}`, error instanceof HttpError ? error.param : null);
    if (res.destroyed || res.writableEnded) return;
    if (res.headersSent) {
      // vLLM's streams end with an error event, then [DONE].
      res.end(`data: ${JSON.stringify(body)}\n\ndata: [DONE]\n\n`);
      return;
    }
    sendJson(res, status, body);
  }
}

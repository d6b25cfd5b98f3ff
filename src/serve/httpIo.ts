import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, HttpError } from './httpErrors';
import { now } from './requestLog';

/** Request bodies above this are refused (413): a full-vocabulary prompt is ids, never megabytes of JSON. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

export async function readJsonBody(req: IncomingMessage, endpoint: string): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `${endpoint}: the request body is larger than ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw badRequest(`${endpoint}: the request body is empty; send a JSON object (Content-Type: application/json).`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`${endpoint}: the request body is not valid JSON (${(error as Error).message}).`);
  }
}

/** Writes a JSON response; returns performance.now() once the body was handed to the socket. */
export function sendJson(res: ServerResponse, status: number, body: unknown): number {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
  return now();
}

/**
 * Server-sent events as OpenAI and vLLM stream them: `data: {json}\n\n` per chunk, then
 * `data: [DONE]\n\n`. Each write goes straight to the socket (no buffering on our side; Nagle is
 * off on the server's sockets), and `send` returns the moment it was handed over.
 */
export class SseWriter {
  private started = false;

  constructor(private readonly res: ServerResponse) {}

  send(chunk: unknown): number {
    this.start();
    // A client that went away gets nothing more (its generation is being cancelled).
    if (!this.closed) this.res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    return now();
  }

  done(): number {
    this.start();
    if (!this.closed) this.res.end('data: [DONE]\n\n');
    return now();
  }

  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
  }
}

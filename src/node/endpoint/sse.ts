import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';

/**
 * Server-sent events (WHATWG HTML §9.2 "event stream interpretation"), only as far as
 * OpenAI-style streams use them: `data:` lines joined by newlines, a blank line ends an event, `:`
 * lines are comments (keep-alives), other fields ignored. Bytes arrive in arbitrary chunks: a
 * line, a UTF-8 character or a CRLF pair may be split across two reads.
 */
export interface SseEvent {
  data: string;
  /** performance.now() at the socket 'data' event that completed this event. */
  arrivedAtMs: number;
}

/** The line-level SSE state machine: text in (already UTF-8 decoded), whole events out. */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private pendingCr = false;

  constructor(private readonly onEvent: (event: SseEvent) => void) {}

  push(chunk: string, arrivedAtMs: number): void {
    let text = chunk;
    // A CR at the end of the previous read may be the first half of a CRLF.
    if (this.pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.pendingCr = false;
    const buffer = this.buffer ? this.buffer + text : text;
    let start = 0;
    for (let i = 0; i < buffer.length; i++) {
      const ch = buffer.charCodeAt(i);
      if (ch !== 10 && ch !== 13) continue;
      const line = buffer.slice(start, i);
      if (ch === 13) {
        if (i + 1 < buffer.length) {
          if (buffer.charCodeAt(i + 1) === 10) i++;
        } else {
          this.pendingCr = true;
        }
      }
      start = i + 1;
      if (line === '') {
        if (this.data.length) this.onEvent({ data: this.data.length === 1 ? this.data[0]! : this.data.join('\n'), arrivedAtMs });
        this.data = [];
      } else if (line.charCodeAt(0) !== 58 /* ':' comment */) {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        if (field !== 'data') continue;
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.charCodeAt(0) === 32) value = value.slice(1);
        this.data.push(value);
      }
    }
    // An event without its closing blank line at end of stream is dropped, as the spec says;
    // a truncated stream is caught by the caller (no finish_reason, no [DONE]).
    this.buffer = start < buffer.length ? buffer.slice(start) : '';
  }
}

export interface SseReadOptions {
  /** Longest silence between two socket reads (ms); then `onIdle` is called and reading stops with its error. */
  idleTimeoutMs: number;
  /** Makes the error thrown on idle (it should also abort the request so the socket closes). */
  onIdle: () => Error;
  /** Aborting it stops reading at once with its reason (the caller also destroys the request). */
  signal: AbortSignal;
}

/**
 * The events of a node:http response body. Timestamps are taken in the socket's 'data' handler,
 * before any parsing or any await, so a chunk's arrival time does not include the time the
 * consumer took over earlier chunks. Events queue (the stream is small) and are yielded in order;
 * a failure (connection lost, idle, abort) is thrown after the events that came before it.
 */
export async function* readSse(res: IncomingMessage, options: SseReadOptions): AsyncGenerator<SseEvent> {
  let queue: SseEvent[] = [];
  let ended = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const fail = (error: unknown) => {
    if (failure === undefined && !ended) failure = error;
    notify();
  };
  const parser = new SseParser((event) => queue.push(event));
  const decoder = new StringDecoder('utf8');
  const idle = setTimeout(() => fail(options.onIdle()), options.idleTimeoutMs);
  const onData = (chunk: Buffer) => {
    const arrivedAtMs = performance.now();
    idle.refresh();
    parser.push(decoder.write(chunk), arrivedAtMs);
    if (queue.length) notify();
  };
  const onEnd = () => {
    parser.push(decoder.end(), performance.now());
    ended = true;
    clearTimeout(idle);
    notify();
  };
  const onError = (error: Error) => fail(error);
  const onClose = () => fail(Object.assign(new Error('the connection closed before the stream ended'), { code: 'ECONNRESET' }));
  const onAbort = () => fail(options.signal.reason);
  res.on('data', onData);
  res.once('end', onEnd);
  res.on('error', onError);
  res.once('close', onClose);
  options.signal.addEventListener('abort', onAbort, { once: true });
  if (options.signal.aborted) onAbort();
  try {
    for (;;) {
      if (queue.length) {
        const ready = queue;
        queue = [];
        for (const event of ready) yield event;
        continue;
      }
      if (failure !== undefined) throw failure;
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    clearTimeout(idle);
    options.signal.removeEventListener('abort', onAbort);
    res.off('data', onData);
    res.off('end', onEnd);
    res.off('close', onClose);
    // An error after we stop listening must not become an uncaught exception.
    res.off('error', onError);
    res.on('error', () => {});
    if (!ended) res.destroy();
  }
}

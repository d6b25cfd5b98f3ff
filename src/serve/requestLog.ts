import { performance } from 'node:perf_hooks';

/**
 * Server-side timing of each generation request, for the client-overhead bench (QuantLens-measured
 * TTFT ÷ server-side TTFT). The clock is performance.now() of the serve process, in milliseconds:
 * its zero is arbitrary, so only differences within this process mean anything (durations), never
 * a comparison with a client's clock.
 *
 * - arrivalMs: the request's headers were parsed (node's 'request' event), before its body is read.
 * - firstTokenWrittenMs: the first chunk carrying a generated token was handed to the socket
 *   (res.write returned); for a response that is not streamed, when the whole body was written;
 *   null when no token was generated.
 * - finishedMs: the response ended (or the client went away).
 */
export interface RequestTiming {
  id: string;
  endpoint: string;
  stream: boolean;
  arrivalMs: number;
  firstTokenWrittenMs: number | null;
  finishedMs: number | null;
  promptTokens: number;
  outputTokens: number;
  status: 'running' | 'ok' | 'cancelled' | 'error';
}

export const CLOCK_NOTE = 'performance.now() of the quantlens serve process, milliseconds; compare durations only (arrival → first token written → finished), never against another process\'s clock';

/** The most recent requests' timings (a ring of `capacity`). */
export class RequestLog {
  private readonly entries: RequestTiming[] = [];

  constructor(private readonly capacity = 10_000) {}

  start(id: string, endpoint: string, stream: boolean, arrivalMs: number): RequestTiming {
    const entry: RequestTiming = { id, endpoint, stream, arrivalMs, firstTokenWrittenMs: null, finishedMs: null, promptTokens: 0, outputTokens: 0, status: 'running' };
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    return entry;
  }

  /** The last `limit` entries, oldest first. */
  recent(limit: number): RequestTiming[] {
    return this.entries.slice(Math.max(0, this.entries.length - limit));
  }
}

export function now(): number {
  return performance.now();
}

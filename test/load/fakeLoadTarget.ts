import type { LoadClock } from '../../src/worker/load/clock';
import type { LoadRequest, LoadTarget, StreamedRequest } from '../../src/worker/load/loadTarget';

/**
 * Virtual time for the load generator's tests: sleeps register timers and the clock jumps to the
 * earliest one once every promise has settled (one timer per macrotask turn), so timings are exact
 * and deterministic and a simulated minute takes milliseconds.
 */
export class VirtualClock implements LoadClock {
  private t = 0;
  private seq = 0;
  private readonly timers: Array<{ at: number; seq: number; resolve: () => void }> = [];
  private scheduled = false;

  now(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    return this.sleepUntil(this.t + ms);
  }

  sleepUntil(atMs: number, signal?: AbortSignal): Promise<void> {
    if (atMs <= this.t || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      this.timers.push({ at: atMs, seq: this.seq++, resolve });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.timers.length === 0) return;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift()!;
      this.t = Math.max(this.t, next.at);
      next.resolve();
      if (this.timers.length) this.schedule();
    });
  }
}

/** How the fake server answers request number `index` (in the order they were sent). */
export interface FakeAnswer {
  ttftMs: number;
  /** Gaps after the first chunk, one per further chunk. */
  gapsMs: number[];
  /** Tokens per chunk (default 1 each). */
  chunkTokens?: number[];
  /** usage.completion_tokens (default Σ chunkTokens). */
  outputTokens?: number;
  fixedLengthHonoured?: boolean;
  /** Returned as StreamedRequest.error after `ttftMs`. */
  error?: string;
  /** Thrown from streamRequest after `ttftMs`. */
  throws?: string;
}

/** A LoadTarget on a virtual clock that records what it was asked and how many requests were in flight. */
export class FakeLoadTarget implements LoadTarget {
  readonly requests: LoadRequest[] = [];
  inFlight = 0;
  maxInFlight = 0;

  constructor(readonly baseUrls: string[], private readonly clock: VirtualClock, private readonly answer: (index: number, request: LoadRequest) => FakeAnswer) {}

  async streamRequest(request: LoadRequest, _signal: AbortSignal): Promise<StreamedRequest> {
    const index = this.requests.push(request) - 1;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const a = this.answer(index, request);
      const sentAtMs = this.clock.now();
      await this.clock.sleep(a.ttftMs);
      if (a.throws) throw new Error(a.throws);
      if (a.error) return { sentAtMs, chunkTimesMs: [], chunkTokens: [], outputTokens: 0, fixedLengthHonoured: false, error: a.error };
      const chunkTimesMs = [this.clock.now()];
      for (const gap of a.gapsMs) {
        await this.clock.sleep(gap);
        chunkTimesMs.push(this.clock.now());
      }
      const chunkTokens = a.chunkTokens ?? chunkTimesMs.map(() => 1);
      return { sentAtMs, chunkTimesMs, chunkTokens, outputTokens: a.outputTokens ?? chunkTokens.reduce((s, n) => s + n, 0), fixedLengthHonoured: a.fixedLengthHonoured ?? true };
    } finally {
      this.inFlight--;
    }
  }
}

/**
 * At most `limit` holders at once, first come first served (vLLM's asyncio.Semaphore around each
 * request), counting the most it ever held so the report can show the cap was kept.
 */
export class ConcurrencyLimiter {
  private held = 0;
  private readonly waiting: Array<() => void> = [];
  peak = 0;

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`concurrency ${limit}: give a whole number of requests in flight, at least 1`);
  }

  acquire(): Promise<void> {
    if (this.held < this.limit) {
      this.take();
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(() => {
      this.take();
      resolve();
    }));
  }

  release(): void {
    this.held--;
    const next = this.waiting.shift();
    if (next) next();
  }

  private take(): void {
    this.held++;
    if (this.held > this.peak) this.peak = this.held;
  }
}

/**
 * Time for the load generator: the real one reads performance.now() (the same clock the endpoint
 * backend stamps chunks with) and sleeps with timers; tests pass a virtual clock so every timing is
 * exact and a pass takes no wall time.
 */
export interface LoadClock {
  now(): number;
  /** Resolves at `atMs` on this clock (at once when that has passed) or when `signal` aborts. */
  sleepUntil(atMs: number, signal: AbortSignal): Promise<void>;
}

export const realClock: LoadClock = {
  now: () => performance.now(),
  sleepUntil: (atMs, signal) =>
    new Promise<void>((resolve) => {
      const wait = atMs - performance.now();
      if (wait <= 0 || signal.aborted) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, wait);
      signal.addEventListener('abort', done, { once: true });
    }),
};

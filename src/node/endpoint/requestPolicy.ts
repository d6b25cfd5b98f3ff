/**
 * One request policy for every HTTP call to a served variant (discovery, tokenize, logprobs,
 * streamed generations): how long to wait, what to retry and how far apart. A served run is long
 * and networks fail; a retry that waits is cheaper than a run that dies at hour three.
 */
export interface RequestPolicy {
  /** Whole request for plain JSON calls; until the response headers for streamed ones (ms). */
  timeoutMs: number;
  /** Longest silence between two chunks of a stream before it counts as dead (ms). */
  idleTimeoutMs: number;
  /** Attempts in all, the first included (1 = no retries). */
  maxAttempts: number;
  /** First backoff step (ms); step n waits up to base·2ⁿ, with full jitter. */
  baseDelayMs: number;
  /** No single wait is longer than this, Retry-After included (ms). */
  maxDelayMs: number;
  /** Jitter source in [0, 1): injectable so tests can pin it. */
  random?: () => number;
}

export const DEFAULT_POLICY: RequestPolicy = {
  timeoutMs: 300_000,
  idleTimeoutMs: 120_000,
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
};

/** HTTP statuses worth a second try: rate limited, or the server (or a proxy before it) failed. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || (status >= 500 && status <= 599 && status !== 501 && status !== 505);
}

/** Connection-level failures (undici puts the code on `cause`): the server went away or is restarting. */
const RETRYABLE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT']);

export function isRetryableNetworkError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && RETRYABLE_CODES.has(code)) return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && /socket hang up|other side closed|terminated/i.test(message)) return true;
  }
  return false;
}

/** The wait before attempt `attempt + 1` (attempt counts from 0): exponential backoff with full jitter. */
export function backoffDelayMs(policy: RequestPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor((policy.random ?? Math.random)() * ceiling);
}

/**
 * Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3), in ms from `nowMs`; undefined when
 * absent or unreadable. Capped by the policy's maxDelayMs by the caller.
 */
export function retryAfterMs(header: string | null, nowMs = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isFinite(date) ? Math.max(0, date - nowMs) : undefined;
}

/** Waits `ms`, or rejects at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

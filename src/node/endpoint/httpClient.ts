import { performance } from 'node:perf_hooks';
import { backoffDelayMs, isRetryableNetworkError, isRetryableStatus, RequestPolicy, retryAfterMs, sleep } from './requestPolicy';
import { readSse, SseEvent } from './sse';

/**
 * A failure talking to a served variant. The message names the endpoint (origin and path, never
 * credentials), what was asked, and what the server said, so "see the output" is never needed.
 * API keys are never part of it: the client redacts its own key from anything a server echoes.
 */
export class EndpointError extends Error {
  override readonly name = 'EndpointError';
  constructor(
    /** The base URL as shown to users (no credentials, no query). */
    readonly endpoint: string,
    message: string,
    /** HTTP status, when the server answered. */
    readonly status?: number,
    /** The server's own error text (its JSON `message` where it has one). */
    readonly serverText?: string,
    /** A stream that broke off (connection lost, cut short, went silent): restarting the request may succeed. */
    readonly streamBroken = false,
  ) {
    super(message);
  }
}

export function isEndpointError(value: unknown): value is EndpointError {
  return value instanceof Error && value.name === 'EndpointError';
}

export interface RetryInfo {
  /** The attempt that failed (1-based). */
  attempt: number;
  delayMs: number;
  reason: string;
}

export interface EndpointClientOptions {
  /** Base URL ending in /v1. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer`; never logged, never in an error. */
  apiKey?: string;
  policy: RequestPolicy;
  /** Told before each retry's wait (the run log counts them). */
  onRetry?: (info: RetryInfo) => void;
}

export interface RequestOptions {
  /** Path from the server root (`/tokenize`, `/version`) instead of from the /v1 base. */
  root?: boolean;
  signal?: AbortSignal;
  /** Override the policy's attempt count (probes try once). */
  maxAttempts?: number;
  /** Override the policy's timeout (probes wait briefly). */
  timeoutMs?: number;
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

export interface StreamResponse {
  /** performance.now() just before the attempt that succeeded was written to the socket. */
  sentAtMs: number;
  headers: Headers;
  events: AsyncGenerator<SseEvent>;
  /** Closes the stream (and its socket) early. */
  close(): void;
}

/** One HTTP client per base URL: the request policy, the key, and errors that say where. */
export class EndpointClient {
  /** Retries made so far (every attempt after a first, over all requests). */
  retries = 0;
  readonly endpoint: string;
  private readonly base: URL;

  /** Basic credentials from a user:password@ URL (fetch refuses URLs that carry them). */
  private readonly basicAuth: string | undefined;

  constructor(private readonly options: EndpointClientOptions) {
    this.base = new URL(options.baseUrl.replace(/\/+$/, ''));
    if (this.base.username || this.base.password) {
      this.basicAuth = Buffer.from(`${decodeURIComponent(this.base.username)}:${decodeURIComponent(this.base.password)}`).toString('base64');
      this.base.username = '';
      this.base.password = '';
    }
    this.endpoint = displayUrl(this.base);
  }

  url(path: string, root = false): string {
    const prefix = root ? this.base.pathname.replace(/\/v1$/, '') : this.base.pathname;
    return `${this.base.origin}${prefix}${path}`;
  }

  async getJson(path: string, options: RequestOptions = {}): Promise<JsonResponse> {
    return this.json('GET', path, undefined, options);
  }

  async postJson(path: string, body: unknown, options: RequestOptions = {}): Promise<JsonResponse> {
    return this.json('POST', path, body, options);
  }

  /**
   * POST and read the answer as server-sent events. Retries cover the request until its headers
   * arrive; once a stream has started, a failure is the caller's (it knows whether a restart is safe).
   */
  async postStream(path: string, body: unknown, options: RequestOptions = {}): Promise<StreamResponse> {
    const { response, controller, sentAtMs } = await this.send('POST', path, body, options, true);
    const policy = this.options.policy;
    const what = `POST ${path}`;
    const events = readSse(response.body!, {
      idleTimeoutMs: policy.idleTimeoutMs,
      now: () => performance.now(),
      onIdle: () => {
        const error = this.error(`${what}: the stream sent nothing for ${policy.idleTimeoutMs} ms; the server may be overloaded or hung (raise the idle timeout if it is only slow).`, undefined, undefined, true);
        controller.abort(error);
        return error;
      },
    });
    return { sentAtMs, headers: response.headers, events, close: () => controller.abort(new Error('closed by the client')) };
  }

  /** An error naming this endpoint, for parsers and callers (text redacted). */
  error(message: string, status?: number, serverText?: string, streamBroken = false): EndpointError {
    return new EndpointError(this.endpoint, this.redact(`${this.endpoint}: ${message}`), status, serverText === undefined ? undefined : this.redact(serverText), streamBroken);
  }

  /** Removes this client's API key from text a server or a library produced. */
  redact(text: string): string {
    let out = text;
    for (const secret of [this.options.apiKey, this.basicAuth]) if (secret) out = out.split(secret).join('***');
    return out;
  }

  private async json(method: string, path: string, body: unknown, options: RequestOptions): Promise<JsonResponse> {
    const { response, controller, timer } = await this.send(method, path, body, options, false);
    try {
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw this.error(`${method} ${path} answered HTTP ${response.status} with a body that is not JSON: ${excerpt(text)}`, response.status);
      }
      return { status: response.status, headers: response.headers, body: parsed };
    } catch (error) {
      throw this.wrap(error, method, path, controller);
    } finally {
      clearTimeout(timer);
    }
  }

  private async send(method: string, path: string, body: unknown, options: RequestOptions, stream: boolean): Promise<{ response: Response; controller: AbortController; sentAtMs: number; timer: ReturnType<typeof setTimeout> | undefined }> {
    const policy = this.options.policy;
    const attempts = Math.max(1, options.maxAttempts ?? policy.maxAttempts);
    const timeoutMs = options.timeoutMs ?? policy.timeoutMs;
    const url = this.url(path, options.root);
    const headers: Record<string, string> = { accept: stream ? 'text/event-stream' : 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    else if (this.basicAuth) headers.authorization = `Basic ${this.basicAuth}`;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    let lastReason = '';
    for (let attempt = 1; ; attempt++) {
      const controller = new AbortController();
      const onAbort = () => controller.abort(options.signal!.reason);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (options.signal?.aborted) onAbort();
      const timer = setTimeout(() => controller.abort(new TimeoutError(timeoutMs)), timeoutMs);
      let retryDelay: number | undefined;
      let keepLink = false;
      const sentAtMs = performance.now();
      try {
        const response = await fetch(url, { method, headers, body: payload, signal: controller.signal });
        if (response.ok) {
          if (stream) {
            clearTimeout(timer);
            if (!response.body) throw this.error(`${method} ${path} answered without a body`, response.status);
            // The caller's signal must still close the stream once it is being read.
            keepLink = true;
            return { response, controller, sentAtMs, timer: undefined };
          }
          return { response, controller, sentAtMs, timer };
        }
        const text = await response.text().catch(() => '');
        const serverText = serverMessage(text);
        clearTimeout(timer);
        if (!isRetryableStatus(response.status) || attempt >= attempts) {
          const tries = attempt > 1 ? ` after ${attempt} attempts` : '';
          throw this.error(`${method} ${path} failed with HTTP ${response.status}${tries}: ${serverText || '(no error text)'}`, response.status, serverText);
        }
        lastReason = `HTTP ${response.status}${serverText ? `: ${serverText}` : ''}`;
        const after = retryAfterMs(response.headers.get('retry-after'));
        retryDelay = after === undefined ? backoffDelayMs(policy, attempt - 1) : Math.min(after, policy.maxDelayMs);
      } catch (error) {
        clearTimeout(timer);
        if (isEndpointError(error)) throw error;
        if (options.signal?.aborted) throw options.signal.reason ?? error;
        const timedOut = controller.signal.reason instanceof TimeoutError;
        if ((!timedOut && !isRetryableNetworkError(error)) || attempt >= attempts) throw this.wrap(error, method, path, controller, attempt);
        lastReason = timedOut ? `no response in ${timeoutMs} ms` : causeText(error);
        retryDelay = backoffDelayMs(policy, attempt - 1);
      } finally {
        if (!keepLink) options.signal?.removeEventListener('abort', onAbort);
      }
      this.retries++;
      this.options.onRetry?.({ attempt, delayMs: retryDelay, reason: this.redact(lastReason) });
      await sleep(retryDelay, options.signal);
    }
  }

  /** Any thrown value → an EndpointError that says where and why (timeouts and resets by name). */
  wrap(error: unknown, method: string, path: string, controller?: AbortController, attempt?: number): Error {
    if (isEndpointError(error)) return error;
    const reason = controller?.signal.reason;
    if (reason instanceof EndpointError) return reason;
    const tries = attempt && attempt > 1 ? ` after ${attempt} attempts` : '';
    if (reason instanceof TimeoutError) return this.error(`${method} ${path}: no response in ${reason.ms} ms${tries}; the server is slow or unreachable (raise the timeout if it is only slow).`);
    return this.error(`${method} ${path} failed${tries}: ${causeText(error)}. Is the server running at ${this.endpoint}?`);
  }
}

class TimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`timed out after ${ms} ms`);
  }
}

/** The server's error message out of its body: OpenAI/vLLM `{error:{message}}`, vLLM `{message}`, TGI `{error}`, or the raw text. */
export function serverMessage(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return '';
  try {
    const body = JSON.parse(trimmed) as Record<string, unknown>;
    const error = body.error;
    if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') return excerpt((error as { message: string }).message);
    if (typeof error === 'string') return excerpt(error);
    if (typeof body.message === 'string') return excerpt(body.message);
    if (typeof body.detail === 'string') return excerpt(body.detail);
  } catch {
    /* not JSON: the text itself */
  }
  return excerpt(trimmed);
}

/** At most `max` characters of untrusted server text, on one line. */
export function excerpt(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** "socket hang up (ECONNRESET)" out of undici's TypeError('fetch failed') chain. */
export function causeText(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const message = (e as { message?: unknown }).message;
    const code = (e as { code?: unknown }).code;
    if (typeof message === 'string' && message && message !== 'fetch failed') parts.push(typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message);
    else if (typeof code === 'string') parts.push(code);
  }
  return parts.length ? parts.join(': ') : String(error);
}

/** Origin and path of a URL, without user:password, query or fragment. */
export function displayUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

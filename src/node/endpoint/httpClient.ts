import { Agent as HttpAgent, IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
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

/** Response headers by lower-case name (node:http's own object, read through one accessor). */
export interface ResponseHeaders {
  get(name: string): string | null;
}

export interface JsonResponse {
  status: number;
  headers: ResponseHeaders;
  body: unknown;
}

export interface StreamResponse {
  /** performance.now() just before the attempt that succeeded was written to the socket. */
  sentAtMs: number;
  headers: ResponseHeaders;
  events: AsyncGenerator<SseEvent>;
  /** Closes the stream (and its socket) early. */
  close(): void;
}

/**
 * One HTTP client per base URL: the request policy, the key, and errors that say where.
 * Requests go through node:http with one keep-alive agent (no socket cap, so a load sweep's
 * concurrency is never queued here), not fetch: undici's WHATWG streams cost a load generator
 * ~1.5× a bare node:http client's TTFT on a busy 2-core machine (bench/serve-overhead.ts).
 */
export class EndpointClient {
  /** Retries made so far (every attempt after a first, over all requests). */
  retries = 0;
  readonly endpoint: string;
  private readonly base: URL;
  private readonly agent: HttpAgent;
  private readonly request: typeof httpRequest;

  /** Basic credentials from a user:password@ URL (sent as a header, never in the URL or a message). */
  private readonly basicAuth: string | undefined;

  constructor(private readonly options: EndpointClientOptions) {
    this.base = new URL(options.baseUrl.replace(/\/+$/, ''));
    if (this.base.username || this.base.password) {
      this.basicAuth = Buffer.from(`${decodeURIComponent(this.base.username)}:${decodeURIComponent(this.base.password)}`).toString('base64');
      this.base.username = '';
      this.base.password = '';
    }
    this.endpoint = displayUrl(this.base);
    const https = this.base.protocol === 'https:';
    // keepSocketAlive unrefs idle sockets, so a forgotten client never holds the process open.
    this.agent = https ? new HttpsAgent({ keepAlive: true, maxSockets: Infinity }) : new HttpAgent({ keepAlive: true, maxSockets: Infinity });
    this.request = https ? (httpsRequest as unknown as typeof httpRequest) : httpRequest;
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
    const events = readSse(response, {
      idleTimeoutMs: policy.idleTimeoutMs,
      signal: controller.signal,
      onIdle: () => {
        const error = this.error(`${what}: the stream sent nothing for ${policy.idleTimeoutMs} ms; the server may be overloaded or hung (raise the idle timeout if it is only slow).`, undefined, undefined, true);
        controller.abort(error);
        return error;
      },
    });
    return { sentAtMs, headers: headerReader(response), events, close: () => controller.abort(new Error('closed by the client')) };
  }

  /** Closes the pooled sockets (the backend's dispose). */
  close(): void {
    this.agent.destroy();
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
      const text = await readText(response, controller.signal);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw this.error(`${method} ${path} answered HTTP ${response.statusCode} with a body that is not JSON: ${excerpt(text)}`, response.statusCode);
      }
      return { status: response.statusCode ?? 0, headers: headerReader(response), body: parsed };
    } catch (error) {
      throw this.wrap(error, method, path, controller);
    } finally {
      clearTimeout(timer);
    }
  }

  private async send(method: string, path: string, body: unknown, options: RequestOptions, stream: boolean): Promise<{ response: IncomingMessage; controller: AbortController; sentAtMs: number; timer: ReturnType<typeof setTimeout> | undefined }> {
    const policy = this.options.policy;
    const attempts = Math.max(1, options.maxAttempts ?? policy.maxAttempts);
    const timeoutMs = options.timeoutMs ?? policy.timeoutMs;
    const url = new URL(this.url(path, options.root));
    const headers: Record<string, string | number> = { accept: stream ? 'text/event-stream' : 'application/json' };
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = payload.length;
    }
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    else if (this.basicAuth) headers.authorization = `Basic ${this.basicAuth}`;
    let lastReason = '';
    for (let attempt = 1; ; attempt++) {
      const controller = new AbortController();
      const onAbort = () => controller.abort(options.signal!.reason);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (options.signal?.aborted) onAbort();
      const timer = setTimeout(() => controller.abort(new TimeoutError(timeoutMs)), timeoutMs);
      let retryDelay: number | undefined;
      let keepLink = false;
      try {
        const { response, sentAtMs } = await this.attempt(url, method, headers, payload, controller.signal);
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          if (stream) {
            clearTimeout(timer);
            // The caller's signal must still close the stream once it is being read.
            keepLink = true;
            return { response, controller, sentAtMs, timer: undefined };
          }
          return { response, controller, sentAtMs, timer };
        }
        const text = await readText(response, controller.signal).catch(() => '');
        const serverText = serverMessage(text);
        clearTimeout(timer);
        if (!isRetryableStatus(status) || attempt >= attempts) {
          const tries = attempt > 1 ? ` after ${attempt} attempts` : '';
          throw this.error(`${method} ${path} failed with HTTP ${status}${tries}: ${serverText || '(no error text)'}`, status, serverText);
        }
        lastReason = `HTTP ${status}${serverText ? `: ${serverText}` : ''}`;
        const after = retryAfterMs(headerValue(response, 'retry-after'));
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

  /**
   * One attempt: resolves at the response headers. `sentAtMs` is taken just before the body is
   * handed to the socket (TTFT starts there, as vLLM's client starts it before its POST). Aborting
   * the signal destroys the request and its socket, whether the answer has started or not.
   */
  private attempt(url: URL, method: string, headers: Record<string, string | number>, payload: Buffer | undefined, signal: AbortSignal): Promise<{ response: IncomingMessage; sentAtMs: number }> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const req = this.request(url, { method, headers, agent: this.agent });
      const onAbort = () => req.destroy(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
      signal.addEventListener('abort', onAbort, { once: true });
      req.once('response', (response) => {
        // Once the answer has started, its reader owns the signal's effect (it destroys the response).
        response.once('close', () => signal.removeEventListener('abort', onAbort));
        resolve({ response, sentAtMs });
      });
      // Not once: destroying a request whose answer has started can emit a second error.
      req.on('error', (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(signal.aborted ? signal.reason : error);
      });
      const sentAtMs = performance.now();
      req.end(payload);
    });
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

/** The whole body as UTF-8 text; rejects with the signal's reason when it aborts mid-body. */
function readText(response: IncomingMessage, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    const onAbort = () => {
      response.destroy();
      reject(signal.reason);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    response.on('data', (part: Buffer) => parts.push(part));
    response.once('end', () => {
      signal.removeEventListener('abort', onAbort);
      resolve(Buffer.concat(parts).toString('utf8'));
    });
    response.on('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      reject(signal.aborted ? signal.reason : error);
    });
    response.once('close', () => {
      signal.removeEventListener('abort', onAbort);
      if (!response.complete) reject(signal.aborted ? signal.reason : Object.assign(new Error('the connection closed before the answer ended'), { code: 'ECONNRESET' }));
    });
  });
}

function headerValue(response: IncomingMessage, name: string): string | null {
  const value = response.headers[name];
  return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
}

function headerReader(response: IncomingMessage): ResponseHeaders {
  return { get: (name) => headerValue(response, name.toLowerCase()) };
}

/** "socket hang up (ECONNRESET)" out of a node:http error (or a fetch-style cause chain). */
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

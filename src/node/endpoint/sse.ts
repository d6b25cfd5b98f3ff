/**
 * Server-sent events over a fetch body (WHATWG HTML §9.2 "event stream interpretation"), only as
 * far as OpenAI-style streams use them: `data:` lines joined by newlines, a blank line ends an
 * event, `:` lines are comments (keep-alives), other fields ignored. Bytes arrive in arbitrary
 * chunks: a line, a UTF-8 character or a CRLF pair may be split across two reads.
 */
export interface SseEvent {
  data: string;
  /** performance.now() when the read that completed this event returned. */
  arrivedAtMs: number;
}

export interface SseReadOptions {
  /** Longest silence between two reads (ms); then `onIdle` is called and reading stops with its error. */
  idleTimeoutMs: number;
  /** Makes the error thrown on idle (it should also abort the request so the socket closes). */
  onIdle: () => Error;
  now: () => number;
}

export async function* readSse(body: ReadableStream<Uint8Array>, options: SseReadOptions): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder('utf-8');
  let buffer = '';
  let data: string[] = [];
  let pendingCr = false;
  try {
    for (;;) {
      const { done, value } = await readWithIdleTimeout(reader, options);
      const arrivedAtMs = options.now();
      let text = done ? decoder.decode() : decoder.decode(value, { stream: true });
      // A CR at the end of the previous read may be the first half of a CRLF.
      if (pendingCr && text.startsWith('\n')) text = text.slice(1);
      pendingCr = false;
      buffer += text;
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const ch = buffer.charCodeAt(i);
        if (ch !== 10 && ch !== 13) continue;
        const line = buffer.slice(start, i);
        if (ch === 13) {
          if (i + 1 < buffer.length) {
            if (buffer.charCodeAt(i + 1) === 10) i++;
          } else {
            pendingCr = true;
          }
        }
        start = i + 1;
        if (line === '') {
          if (data.length) yield { data: data.join('\n'), arrivedAtMs };
          data = [];
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          let value = colon < 0 ? '' : line.slice(colon + 1);
          if (value.startsWith(' ')) value = value.slice(1);
          if (field === 'data') data.push(value);
        }
      }
      buffer = buffer.slice(start);
      if (done) {
        // An event without its closing blank line at end of stream is dropped, as the spec says;
        // a truncated stream is caught by the caller (no finish_reason, no [DONE]).
        return;
      }
    }
  } finally {
    // After an idle timeout a read is still pending; the caller aborts the request, which ends it.
    try {
      reader.releaseLock();
    } catch {
      /* already released or errored */
    }
  }
}

function readWithIdleTimeout(reader: ReadableStreamDefaultReader<Uint8Array>, options: SseReadOptions): Promise<Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>["read"]>>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(options.onIdle()), options.idleTimeoutMs);
    reader.read().then(
      (result) => {
        clearTimeout(timer);
        resolve(result);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

import { causeText, EndpointClient, excerpt, isEndpointError } from './httpClient';
import { CompletionChunk, parseCompletionChunk } from './responses';

export interface TimedChunk extends CompletionChunk {
  /** performance.now() when the bytes that completed this event were read. */
  arrivedAtMs: number;
}

export interface CompletionStream {
  sentAtMs: number;
  chunks: AsyncGenerator<TimedChunk>;
  close(): void;
}

/**
 * A streamed /v1/completions request read chunk by chunk. Ends cleanly at `data: [DONE]` (or at
 * the end of the body after a finish_reason: some servers stop there); anything else — the socket
 * closed mid-stream, an event that is not JSON, an error event, a stream that just stops — is an
 * error naming the endpoint and what came.
 */
export async function streamCompletion(client: EndpointClient, path: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<CompletionStream> {
  const stream = await client.postStream(path, { ...body, stream: true }, { signal });
  const what = `POST ${path}`;
  async function* chunks(): AsyncGenerator<TimedChunk> {
    let events = 0;
    let finished = false;
    try {
      for await (const event of stream.events) {
        events++;
        if (event.data.trim() === '[DONE]') return;
        let json: unknown;
        try {
          json = JSON.parse(event.data);
        } catch {
          throw client.error(`${what}: stream event ${events} is not JSON: ${excerpt(event.data, 200)}`);
        }
        const error = (json as { error?: unknown; object?: unknown; message?: unknown } | null) ?? {};
        if (error.error !== undefined || error.object === 'error') {
          const message = typeof error.message === 'string' ? error.message : typeof (error.error as { message?: unknown })?.message === 'string' ? (error.error as { message: string }).message : JSON.stringify(error.error);
          throw client.error(`${what}: the server reported an error mid-stream: ${excerpt(message ?? '', 300)}`, undefined, message);
        }
        let chunk: CompletionChunk;
        try {
          chunk = parseCompletionChunk(json);
        } catch (e) {
          throw client.error(`${what}: ${(e as Error).message}`);
        }
        if (chunk.finishReason) finished = true;
        // parseCompletionChunk made a fresh object: stamp it rather than copy it (one allocation less per chunk).
        const timed = chunk as TimedChunk;
        timed.arrivedAtMs = event.arrivedAtMs;
        yield timed;
      }
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      if (isEndpointError(error)) throw error;
      throw client.error(`${what}: the connection broke after ${events} stream events (${causeText(error)}); the server may have stopped or restarted.`, undefined, undefined, true);
    } finally {
      stream.close();
    }
    if (!finished) throw client.error(`${what}: the stream ended after ${events} events without a finish_reason or [DONE]; it was cut off (server restarted, proxy timeout?).`, undefined, undefined, true);
  }
  return { sentAtMs: stream.sentAtMs, chunks: chunks(), close: stream.close };
}

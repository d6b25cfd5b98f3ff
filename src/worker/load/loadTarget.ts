/**
 * What the load generator needs from a served variant: one streamed greedy completion, timed
 * per chunk on arrival. The endpoint backend implements it over HTTP/SSE; tests can implement it
 * with a fake clock. Times are performance.now() milliseconds of the process that measures.
 */
export interface LoadTarget {
  /** Replicas: requests are spread over these base URLs (round-robin), one target per variant. */
  readonly baseUrls: readonly string[];
  streamRequest(request: LoadRequest, signal: AbortSignal): Promise<StreamedRequest>;
}

export interface LoadRequest {
  /** Prompt as token ids (sent as ids where the server takes them, so every request has exactly this length). */
  promptTokens: readonly number[];
  /** max_tokens; with `fixedLength`, also min_tokens / ignore_eos where the server supports them. */
  outputTokens: number;
  fixedLength: boolean;
  /** Which replica (index into baseUrls) this request goes to. */
  replica: number;
}

export interface StreamedRequest {
  /** When the request was written to the socket (just before fetch). */
  sentAtMs: number;
  /** Arrival time of each content chunk that carried at least one token. */
  chunkTimesMs: number[];
  /** Tokens each of those chunks carried (from the server's usage or logprobs; 1 when it cannot say). */
  chunkTokens: number[];
  /** Output tokens of the whole request (usage.completion_tokens where given, else Σ chunkTokens). */
  outputTokens: number;
  /** Whether the server honoured the fixed length (ignore_eos / min_tokens); false = flagged in the report. */
  fixedLengthHonoured: boolean;
  /** Set when the request failed after its retries; a failed request counts against goodput. */
  error?: string;
}

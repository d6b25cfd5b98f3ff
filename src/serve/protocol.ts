import { messageGuard } from '../shared/messageGuards';

/**
 * Messages between the HTTP side of `quantlens serve` (modelClient.ts, main thread) and its model
 * thread (modelThread.ts, dist/serve-model-thread.js, a worker_thread). onnxruntime-node computes
 * on the thread that calls session.run, so the model lives on its own thread and the HTTP event
 * loop stays free to take requests and write chunks the moment they are ready (honest server-side
 * timestamps). Every job has an id; the thread answers with prompt rows, one `token` message per
 * generated token, then `done` or `failed`. Buffers are transferred, not copied.
 */

/** How many log-probabilities a row carries: K most likely (`top`), or the whole vocabulary. */
export type RowRequest = { kind: 'top'; k: number } | { kind: 'full' };

/** Server → thread: load the variant (the first message). */
export interface LoadMessage {
  type: 'load';
  modelFolder: string;
  /** The discovered variant (ModelVariant), passed through as plain data. */
  variant: unknown;
  eosTokenIds: number[];
  threads: { intraOp: number; interOp: number };
}

/** Server → thread: run one prompt, score its rows if asked, and decode greedily. */
export interface GenerateMessage {
  type: 'generate';
  id: number;
  prompt: number[];
  /** Tokens to generate at most (0: only the prompt pass, when prompt rows are asked). */
  maxTokens: number;
  /** Before this many tokens the stop ids are masked out of the argmax (vLLM min_tokens). */
  minTokens: number;
  /** Ids that end generation (EOS unless ignore_eos, plus stop_token_ids). */
  stopIds: number[];
  /** Rows for the prompt positions 1..n−1 (vLLM prompt_logprobs), or none. */
  promptRows: RowRequest | null;
  /** Rows for each generated token (logprobs), or none. */
  sampleRows: RowRequest | null;
  /** vLLM logprob_token_ids: at each generated position these ids' logprobs replace the top-k. */
  sampleIds: number[] | null;
}

/** Server → thread: the client went away or a stop string matched: stop job `id` at the next step. */
export interface CancelMessage {
  type: 'cancel';
  id: number;
}

/** Server → thread: release the session; the thread answers `disposed`. */
export interface DisposeMessage {
  type: 'dispose';
}

export type ServerToThread = LoadMessage | GenerateMessage | CancelMessage | DisposeMessage;

/**
 * Scored rows, each for one position: the actual (or chosen) token's log-probability and rank
 * (1 = most likely; 1 + the number of tokens with a strictly larger logit), and `width` entries per
 * row of ids with their log-probabilities (most likely first for top-k and full; the asked ids in
 * the asked order for logprob_token_ids). All log-probabilities are float64: logit − lse.
 */
export interface ScoredRows {
  count: number;
  width: number;
  tokens: Int32Array;
  logprobs: Float64Array;
  ranks: Int32Array;
  ids: Int32Array;
  values: Float64Array;
}

/** Thread → server: the variant is loaded. */
export interface ReadyMessage {
  type: 'ready';
  vocabSize: number;
  executionProvider: string;
}

/** Thread → server: the variant could not be loaded. */
export interface LoadFailedMessage {
  type: 'load-failed';
  message: string;
}

/** Thread → server: job `id`'s prompt rows (positions 1..n−1), sent before its first token. */
export interface PromptScoredMessage {
  type: 'prompt-scored';
  id: number;
  rows: ScoredRows;
}

/** Thread → server: job `id` produced `token` (with its row when logprobs were asked). */
export interface TokenMessage {
  type: 'token';
  id: number;
  token: number;
  row: ScoredRows | null;
}

/** Thread → server: job `id` ended: a stop id, the length limit, or a cancel. */
export interface DoneMessage {
  type: 'done';
  id: number;
  reason: 'stop-id' | 'length' | 'cancelled';
}

/** Thread → server: job `id` failed (or, with id null, the thread got a message it does not take). */
export interface FailedMessage {
  type: 'failed';
  id: number | null;
  message: string;
}

/** Thread → server: the session is released. */
export interface DisposedMessage {
  type: 'disposed';
}

export type ThreadToServer = ReadyMessage | LoadFailedMessage | PromptScoredMessage | TokenMessage | DoneMessage | FailedMessage | DisposedMessage;

export const isServerToThread = messageGuard<ServerToThread>({ load: true, generate: true, cancel: true, dispose: true });
export const isThreadToServer = messageGuard<ThreadToServer>({ ready: true, 'load-failed': true, 'prompt-scored': true, token: true, done: true, failed: true, disposed: true });

/** The buffers of scored rows, to transfer with their message. */
export function rowBuffers(rows: ScoredRows | null): ArrayBuffer[] {
  if (!rows) return [];
  return [rows.tokens, rows.logprobs, rows.ranks, rows.ids, rows.values].map((a) => a.buffer as ArrayBuffer);
}

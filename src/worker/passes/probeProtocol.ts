import { messageGuard } from '../../shared/messageGuards';
import type { ModelVariant } from '../../shared/modelTypes';
import type { PerformanceWorkload } from '../../shared/perf/sweep';
import type { ExecutionProviderChoice } from '../../shared/report/schema';

/**
 * Messages between the worker's performance phase (performancePass.ts, the parent) and a
 * performance probe (performanceProbe.ts, a child process forked from the worker bundle with
 * --perf-probe), over Node's IPC channel. The parent sends one ProbeRequest; the probe answers
 * loaded → (cell-started, cell-measured)× cells → measured, or probe-error at any point.
 */

/** One workload for this probe process, with this round's share of the iteration and time floors. */
export interface ProbeCell {
  workload: PerformanceWorkload;
  /** batchSize × concurrency prompts of exactly inputTokens tokens; request r takes rows r·batch … r·batch + batch − 1. */
  prompts: number[][];
  minIterations: number;
  minMs: number;
}

/** Parent → probe: load this variant and measure it on these cells (the only message a probe takes). */
export interface ProbeRequest {
  type: 'probe';
  modelFolder: string;
  variant: ModelVariant;
  executionProvider: ExecutionProviderChoice;
  threads: { intraOp: number; interOp: number };
  /** Never stops a request (the output length is fixed); only noted, to detect what natural decoding would do. */
  eosTokenIds: number[];
  warmups: number;
  cells: ProbeCell[];
}

/** One timed request: when it was submitted and when each token was available (ms). */
export interface TimedRequest {
  startedAtMs: number;
  tokenTimesMs: number[];
  /** Rows decoded together (the batch size); 1 when absent. */
  rows?: number;
  /** Per row, the index of the first EOS among the generated tokens, or null. */
  firstEos?: Array<number | null>;
}

/** Requests submitted together; `concurrency` of them. */
export interface TimedIteration {
  requests: TimedRequest[];
}

/** Probe → parent: the session is loaded; its load time, the RSS around loading, provider fallbacks and KV element size. */
export interface ProbeLoadedMessage {
  type: 'loaded';
  executionProvider: string;
  loadMs: number;
  rssBeforeLoadBytes: number;
  rssAfterLoadBytes: number;
  fallbacks: Array<{ provider: string; reason: string }>;
  kvElementBytes: number;
}

/** Probe → parent: cell `index` starts (warmups first), so the parent opens a new RSS peak window. */
export interface CellStartedMessage {
  type: 'cell-started';
  index: number;
}

/** Probe → parent: cell `index`'s timings, with the probe's own RSS reading for where the parent cannot sample it. */
export interface CellMeasuredMessage {
  type: 'cell-measured';
  index: number;
  prefillMs: number[];
  iterations: TimedIteration[];
  rssBytes: number;
}

/** Probe → parent: every cell is measured; the process's own high-water RSS. The probe then disconnects. */
export interface MeasuredMessage {
  type: 'measured';
  maxRssBytes: number;
}

/** Probe → parent: loading or measuring failed (or the probe got a message it does not take); the variant's unit fails with this text. */
export interface ProbeErrorMessage {
  type: 'probe-error';
  message: string;
}

export type ProbeMessage = ProbeLoadedMessage | CellStartedMessage | CellMeasuredMessage | MeasuredMessage | ProbeErrorMessage;

export const isProbeRequest = messageGuard<ProbeRequest>({ probe: true });
export const isProbeMessage = messageGuard<ProbeMessage>({ loaded: true, 'cell-started': true, 'cell-measured': true, measured: true, 'probe-error': true });

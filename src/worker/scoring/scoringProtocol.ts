import { messageGuard } from '../../shared/messageGuards';
import type { ScoredBatch, ScoreJob } from './scoreBatch';

/**
 * Messages between the lockstep scorer (lockstepScorer.ts, on the worker's main thread) and its
 * scoring thread (scoringThread.ts, dist/scoring-thread.js, a worker_thread). Each job carries an
 * id; the thread answers each with `scored` or `score-failed` for that id. Buffers are transferred,
 * not copied, both ways.
 */

/** Scorer → thread: score this window's logits (the job's buffers move to the thread). */
export interface ScoreRequestMessage {
  type: 'score';
  id: number;
  job: ScoreJob;
}

/** Thread → scorer: job `id`'s per-token comparisons (the result's buffers move back). */
export interface ScoredMessage {
  type: 'scored';
  id: number;
  result: ScoredBatch;
}

/** Thread → scorer: job `id` could not be scored (or, with id null, the thread got a message it does not take). */
export interface ScoreFailedMessage {
  type: 'score-failed';
  id: number | null;
  message: string;
}

export type ScorerToThread = ScoreRequestMessage;
export type ThreadToScorer = ScoredMessage | ScoreFailedMessage;

export const isScorerToThread = messageGuard<ScorerToThread>({ score: true });
export const isThreadToScorer = messageGuard<ThreadToScorer>({ scored: true, 'score-failed': true });

/** The buffers of a scored batch, to transfer with its message. */
export function scoredBuffers(result: ScoredBatch): ArrayBuffer[] {
  return [result.kld, result.reverseKld, result.deltaP, result.nllBase, result.nllVariant, result.sameTop].map((a) => a.buffer as ArrayBuffer);
}

/** The buffers of a job, to transfer with its message. */
export function jobBuffers(job: ScoreJob): ArrayBuffer[] {
  return [job.base.buffer as ArrayBuffer, job.variant.buffer as ArrayBuffer, job.rows.buffer as ArrayBuffer, job.targets.buffer as ArrayBuffer];
}

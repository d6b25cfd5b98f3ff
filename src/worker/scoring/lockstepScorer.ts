import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { unknownMessageError } from '../../shared/messageGuards';
import { scoreBatch, ScoredBatch, ScoreJob } from './scoreBatch';
import { isThreadToScorer, jobBuffers, ScoreRequestMessage } from './scoringProtocol';

/** dist/scoring-thread.js beside whichever bundle is running (dist/, dist/bench/, dist-test/…). */
function scoringThreadScript(): string | undefined {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'dist', 'scoring-thread.js');
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Scores lockstep windows on a worker thread, so scoring overlaps the next forward passes instead
 * of following them; results come back in submission order. Falls back to scoring inline where the
 * thread cannot start (the arithmetic is the same function either way). Once the thread fails or
 * breaks the protocol, every pending and later job is rejected with that error. An idle thread does
 * not keep the process alive (it is referenced only while jobs are pending).
 */
export class LockstepScorer {
  private readonly pending = new Map<number, { resolve: (r: ScoredBatch) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private broken: Error | undefined;
  private static process: LockstepScorer | undefined;

  private constructor(private readonly worker: Worker | undefined) {
    worker?.unref();
    worker?.on('message', (message: unknown) => {
      if (!isThreadToScorer(message)) return this.fail(unknownMessageError('the lockstep scorer', message));
      if (message.type === 'score-failed' && message.id === null) return this.fail(new Error(message.message));
      const job = this.pending.get(message.id!);
      this.settled(message.id!);
      if (message.type === 'scored') job?.resolve(message.result);
      else job?.reject(new Error(message.message));
    });
    worker?.on('error', (error) => this.fail(error));
  }

  /** `script` is the thread's bundle; tests pass their own. */
  static start(script = scoringThreadScript()): LockstepScorer {
    try {
      return new LockstepScorer(script ? new Worker(script) : undefined);
    } catch {
      return new LockstepScorer(undefined);
    }
  }

  /**
   * The process's scorer, started on first use and kept for every later lockstep pass (a broken
   * one is replaced): starting a thread costs tens of milliseconds of both cores, once per process
   * instead of once per variant's pass. Callers do not close it.
   */
  static shared(): LockstepScorer {
    if (LockstepScorer.process?.broken) void LockstepScorer.process.close();
    if (!LockstepScorer.process || LockstepScorer.process.broken) LockstepScorer.process = LockstepScorer.start();
    return LockstepScorer.process;
  }

  /** Takes ownership of the job's buffers (they are transferred to the thread). */
  score(job: ScoreJob): Promise<ScoredBatch> {
    if (!this.worker) return Promise.resolve(scoreBatch(job));
    if (this.broken) return Promise.reject(this.broken);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker!.ref();
      this.pending.set(id, { resolve, reject });
      const message: ScoreRequestMessage = { type: 'score', id, job };
      this.worker!.postMessage(message, jobBuffers(job));
    });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
  }

  private settled(id: number): void {
    if (this.pending.delete(id) && this.pending.size === 0) this.worker?.unref();
  }

  private fail(error: Error): void {
    this.broken ??= error;
    const pending = [...this.pending.values()];
    this.pending.clear();
    this.worker?.unref();
    for (const p of pending) p.reject(error);
  }
}

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { scoreBatch, ScoredBatch, ScoreJob } from './scoreBatch';

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
 * thread cannot start (the arithmetic is the same function either way).
 */
export class LockstepScorer {
  private readonly pending = new Map<number, { resolve: (r: ScoredBatch) => void; reject: (e: Error) => void }>();
  private nextId = 0;

  private constructor(private readonly worker: Worker | undefined) {
    worker?.on('message', (message: { id: number; result: ScoredBatch }) => {
      this.pending.get(message.id)?.resolve(message.result);
      this.pending.delete(message.id);
    });
    worker?.on('error', (error) => {
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    });
  }

  static start(): LockstepScorer {
    const script = scoringThreadScript();
    try {
      return new LockstepScorer(script ? new Worker(script) : undefined);
    } catch {
      return new LockstepScorer(undefined);
    }
  }

  /** Takes ownership of the job's buffers (they are transferred to the thread). */
  score(job: ScoreJob): Promise<ScoredBatch> {
    if (!this.worker) return Promise.resolve(scoreBatch(job));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker!.postMessage({ id, job }, [job.base.buffer as ArrayBuffer, job.variant.buffer as ArrayBuffer, job.rows.buffer as ArrayBuffer, job.targets.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
  }
}

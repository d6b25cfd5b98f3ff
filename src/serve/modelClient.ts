import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { unknownMessageError } from '../shared/messageGuards';
import type { ModelVariant } from '../shared/modelTypes';
import { GenerateMessage, isThreadToServer, ScoredRows, ServerToThread, ThreadToServer } from './protocol';

/** dist/serve-model-thread.js beside whichever bundle is running (dist/, dist-test/…). */
export function modelThreadScript(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'dist', 'serve-model-thread.js');
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`dist/serve-model-thread.js was not found above ${__dirname}; build first (node scripts/build.mjs)`);
  }
}

/** What one job reports, in order: its prompt rows (when asked), each token, then the end. */
export interface JobEvents {
  onPromptRows?(rows: ScoredRows): void;
  onToken(token: number, row: ScoredRows | null): void;
  onDone(reason: 'stop-id' | 'length' | 'cancelled'): void;
  onFailed(message: string): void;
}

export type JobSpec = Omit<GenerateMessage, 'type' | 'id'>;

/**
 * The HTTP side's handle on the model thread: starts jobs, routes the thread's messages to each
 * job's callbacks, cancels. If the thread dies, every job in flight fails with the reason.
 */
export class ModelClient {
  private readonly jobs = new Map<number, JobEvents>();
  private nextId = 1;
  private broken: string | null = null;
  private disposed: (() => void) | null = null;

  private constructor(private readonly worker: Worker, readonly vocabSize: number, readonly executionProvider: string) {
    worker.on('message', (message: unknown) => this.route(message));
    worker.on('error', (error) => this.fail(`the model thread failed: ${error.message}`));
    worker.on('exit', (code) => this.fail(`the model thread exited (code ${code})`));
  }

  static async start(options: { modelFolder: string; variant: ModelVariant; eosTokenIds: readonly number[]; threads: { intraOp: number; interOp: number } }): Promise<ModelClient> {
    const worker = new Worker(modelThreadScript());
    // Removed once loaded, so the client's own listeners alone route what follows.
    const listeners: Array<[string, (value: any) => void]> = [];
    const ready = await new Promise<Extract<ThreadToServer, { type: 'ready' }>>((resolve, reject) => {
      const onMessage = (message: unknown): void => {
        if (!isThreadToServer(message)) return reject(unknownMessageError('quantlens serve', message));
        if (message.type === 'ready') resolve(message);
        else if (message.type === 'load-failed') reject(new Error(`${options.variant.file} failed to load: ${message.message}`));
      };
      const onExit = (code: number): void => reject(new Error(`the model thread exited (code ${code}) while loading ${options.variant.file}`));
      listeners.push(['message', onMessage], ['error', reject], ['exit', onExit]);
      for (const [event, listener] of listeners) worker.on(event, listener);
      const load: ServerToThread = { type: 'load', modelFolder: options.modelFolder, variant: options.variant, eosTokenIds: [...options.eosTokenIds], threads: options.threads };
      worker.postMessage(load);
    }).catch(async (error: unknown) => {
      await worker.terminate();
      throw error;
    });
    for (const [event, listener] of listeners) worker.off(event, listener);
    return new ModelClient(worker, ready.vocabSize, ready.executionProvider);
  }

  /** Starts a job; returns its id (for cancel). */
  run(spec: JobSpec, events: JobEvents): number {
    const id = this.nextId++;
    if (this.broken) {
      queueMicrotask(() => events.onFailed(this.broken!));
      return id;
    }
    this.jobs.set(id, events);
    this.post({ type: 'generate', id, ...spec });
    return id;
  }

  /** Asks the thread to stop job `id` before its next step; its onDone('cancelled') follows. */
  cancel(id: number): void {
    if (this.jobs.has(id)) this.post({ type: 'cancel', id });
  }

  async close(): Promise<void> {
    if (!this.broken) {
      await new Promise<void>((resolve) => {
        this.disposed = resolve;
        this.post({ type: 'dispose' });
        setTimeout(resolve, 5000).unref();
      });
    }
    this.broken ??= 'the server is closing';
    await this.worker.terminate();
  }

  private post(message: ServerToThread): void {
    this.worker.postMessage(message);
  }

  private route(message: unknown): void {
    if (!isThreadToServer(message)) return this.fail(unknownMessageError('quantlens serve', message).message);
    if (message.type === 'disposed') return this.disposed?.();
    if (message.type === 'ready' || message.type === 'load-failed') return;
    if (message.type === 'failed' && message.id === null) return this.fail(message.message);
    const job = this.jobs.get(message.id!);
    if (!job) return;
    try {
      this.deliver(job, message);
    } catch (error) {
      // A job's own handling failed (decoding, writing): that job fails and stops, the others go on.
      if (this.jobs.delete(message.id!)) this.post({ type: 'cancel', id: message.id! });
      job.onFailed(`quantlens serve could not handle the model's answer: ${(error as Error).message}`);
    }
  }

  private deliver(job: JobEvents, message: Exclude<ThreadToServer, { type: 'ready' | 'load-failed' | 'disposed' }>): void {
    switch (message.type) {
      case 'prompt-scored':
        return job.onPromptRows?.(message.rows);
      case 'token':
        return job.onToken(message.token, message.row);
      case 'done':
        this.jobs.delete(message.id);
        return job.onDone(message.reason);
      case 'failed':
        this.jobs.delete(message.id!);
        return job.onFailed(message.message);
    }
  }

  private fail(reason: string): void {
    if (this.broken) return;
    this.broken = reason;
    for (const job of this.jobs.values()) job.onFailed(reason);
    this.jobs.clear();
  }
}

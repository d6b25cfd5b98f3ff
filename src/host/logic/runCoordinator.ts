import type { StartRunMessage, WorkerToParent } from '../../shared/protocol';
import type { RunStatus } from '../../shared/report/schema';
import type { WorkerOutcome } from '../../node/workerClient';

/** What the coordinator needs from a worker; WorkerClient implements it, tests use a fake. */
export interface WorkerHandle {
  readonly outcome: Promise<WorkerOutcome>;
  cancel(graceMs?: number): void;
}

export type StartWorker = (start: StartRunMessage, onMessage: (message: WorkerToParent) => void) => WorkerHandle;

/** The lifecycle of one run, as the UI shows it. */
export type RunPhase = 'queued' | 'running' | 'cancelling' | 'finished';

export interface RunRecord {
  /** Model folder, the key: one run at a time per folder. */
  modelFolder: string;
  start: StartRunMessage;
  phase: RunPhase;
  /** Set when finished: the engine's status, or 'crashed' when the worker died without reporting. */
  status?: RunStatus;
  runFolder: string | null;
  reportPath: string | null;
  lastProgress?: Extract<WorkerToParent, { type: 'progress' }>;
  /** The message a person should read when the run did not complete. */
  failure?: string;
}

export interface CoordinatorEvents {
  onMessage?(record: RunRecord, message: WorkerToParent): void;
  onChange?(record: RunRecord): void;
  onFinished?(record: RunRecord): void;
}

export type RequestOutcome = { kind: 'started'; record: RunRecord } | { kind: 'busy'; running: RunRecord };

/**
 * One run at a time per model folder, with an optional queue behind it. Plain logic (no vscode), so
 * its state machine is tested directly: queued → running → (cancelling) → finished.
 */
export class RunCoordinator {
  private readonly active = new Map<string, { record: RunRecord; handle: WorkerHandle }>();
  private readonly queues = new Map<string, RunRecord[]>();

  constructor(private readonly startWorker: StartWorker, private readonly events: CoordinatorEvents = {}) {}

  /** Starts a run, or reports the folder busy so the caller can offer to queue or cancel. */
  request(start: StartRunMessage): RequestOutcome {
    const folder = start.request.modelFolder;
    const running = this.active.get(folder);
    if (running) return { kind: 'busy', running: running.record };
    return { kind: 'started', record: this.launch(this.newRecord(start)) };
  }

  /** Runs `start` after the folder's current run (and any queued before it) finishes. */
  enqueue(start: StartRunMessage): RunRecord {
    const folder = start.request.modelFolder;
    if (!this.active.has(folder)) return this.launch(this.newRecord(start));
    const record = this.newRecord(start);
    this.queues.set(folder, [...(this.queues.get(folder) ?? []), record]);
    this.events.onChange?.(record);
    return record;
  }

  /** Cancels the folder's running run (a message, then a kill after the grace period) and drops its queue. */
  cancel(modelFolder: string, graceMs?: number): boolean {
    this.queues.delete(modelFolder);
    const running = this.active.get(modelFolder);
    if (!running) return false;
    running.record.phase = 'cancelling';
    running.handle.cancel(graceMs);
    this.events.onChange?.(running.record);
    return true;
  }

  cancelAll(graceMs?: number): void {
    for (const folder of [...this.active.keys()]) this.cancel(folder, graceMs);
  }

  running(): RunRecord[] {
    return [...this.active.values()].map((a) => a.record);
  }

  queued(modelFolder: string): RunRecord[] {
    return this.queues.get(modelFolder) ?? [];
  }

  isRunning(modelFolder: string): boolean {
    return this.active.has(modelFolder);
  }

  private newRecord(start: StartRunMessage): RunRecord {
    return { modelFolder: start.request.modelFolder, start, phase: 'queued', runFolder: null, reportPath: null };
  }

  private launch(record: RunRecord): RunRecord {
    record.phase = 'running';
    const handle = this.startWorker(record.start, (message) => {
      if (message.type === 'run-created') record.runFolder = message.runFolder;
      if (message.type === 'progress') record.lastProgress = message;
      if (message.type === 'error' && message.fatal) record.failure = message.message;
      this.events.onMessage?.(record, message);
    });
    this.active.set(record.modelFolder, { record, handle });
    this.events.onChange?.(record);
    void handle.outcome.then((outcome) => this.finish(record, outcome));
    return record;
  }

  private finish(record: RunRecord, outcome: WorkerOutcome): void {
    const wasCancelling = record.phase === 'cancelling';
    record.phase = 'finished';
    record.runFolder = outcome.runFolder ?? record.runFolder;
    if (outcome.done) {
      record.status = outcome.done.status;
      record.reportPath = outcome.done.reportPath;
    } else if (wasCancelling) {
      // Killed after the grace period: the partial run is on disk, the user asked for this.
      record.status = 'cancelled';
    } else {
      record.status = 'crashed';
      // The last error-looking line the worker printed says what went wrong (a missing module, OOM).
      const cause = [...outcome.stderrTail].reverse().find((l) => /error|fatal|killed|memory/i.test(l));
      record.failure = `The evaluation worker stopped unexpectedly (${outcome.signal ?? `exit code ${outcome.exitCode}`})${cause ? `: ${cause.trim().slice(0, 300)}` : ''}.${record.runFolder ? ' Completed units are on disk; Resume finishes the run.' : ''}`;
    }
    this.active.delete(record.modelFolder);
    this.events.onChange?.(record);
    this.events.onFinished?.(record);
    const next = this.queues.get(record.modelFolder)?.shift();
    if (next) this.launch(next);
  }
}

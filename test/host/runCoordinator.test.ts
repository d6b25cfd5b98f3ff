import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { StartRunMessage, WorkerToParent } from '../../src/shared/protocol';
import type { WorkerOutcome } from '../../src/node/workerClient';
import { RunCoordinator, RunRecord, WorkerHandle } from '../../src/host/logic/runCoordinator';

/** A worker the test drives by hand: messages in, an outcome out. */
class FakeWorker implements WorkerHandle {
  readonly outcome: Promise<WorkerOutcome>;
  cancelled = 0;
  private resolveOutcome!: (o: WorkerOutcome) => void;
  constructor(readonly start: StartRunMessage, readonly emit: (m: WorkerToParent) => void) {
    this.outcome = new Promise((r) => (this.resolveOutcome = r));
  }
  cancel(): void {
    this.cancelled++;
  }
  finish(status: 'completed' | 'cancelled' | 'failed'): void {
    this.emit({ type: 'done', status, runFolder: '/runs/r1', reportPath: '/runs/r1/report.json' });
    this.resolveOutcome({ done: { type: 'done', status, runFolder: '/runs/r1', reportPath: '/runs/r1/report.json' }, crashed: false, exitCode: 0, signal: null, fatalError: null, runFolder: '/runs/r1', stderrTail: [] });
  }
  crash(stderrTail: string[] = []): void {
    this.resolveOutcome({ done: null, crashed: true, exitCode: null, signal: 'SIGKILL', fatalError: null, runFolder: '/runs/r1', stderrTail });
  }
}

function setup(): { coordinator: RunCoordinator; workers: FakeWorker[]; finished: RunRecord[]; changes: string[] } {
  const workers: FakeWorker[] = [];
  const finished: RunRecord[] = [];
  const changes: string[] = [];
  const coordinator = new RunCoordinator(
    (start, onMessage) => {
      const w = new FakeWorker(start, onMessage);
      workers.push(w);
      return w;
    },
    { onFinished: (r) => finished.push(r), onChange: (r) => changes.push(`${r.modelFolder}:${r.phase}`) },
  );
  return { coordinator, workers, finished, changes };
}

const startFor = (folder: string): StartRunMessage => ({
  type: 'start-run',
  outputFolder: '/out',
  resume: false,
  // The coordinator never reads the discovery: an empty one of the folder will do.
  model: { path: folder, name: folder, config: {}, variants: [], problems: [] },
  request: { modelFolder: folder, measures: ['fidelity'], contextLength: 64, stride: 32, maxNewTokens: 8, performance: { promptTokens: 8, outputTokens: 4, warmups: 0, repetitions: 1 }, executionProvider: 'cpu', threads: { intraOp: 1, interOp: 1 }, seed: 0 },
});
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

test('a run goes running → finished and records the engine status and report', async () => {
  const { coordinator, workers, finished } = setup();
  const outcome = coordinator.request(startFor('/m/a'));
  assert.equal(outcome.kind, 'started');
  const record = outcome.kind === 'started' ? outcome.record : undefined!;
  assert.equal(record.phase, 'running');
  workers[0]!.emit({ type: 'run-created', runId: 'r1', runFolder: '/runs/r1', resumed: false, skippedUnits: [] });
  workers[0]!.emit({ type: 'progress', stage: 'lockstep', variantId: 'q4', done: 1, total: 2, overall: 0.5, etaSeconds: 3 });
  assert.equal(record.runFolder, '/runs/r1');
  assert.equal(record.lastProgress?.overall, 0.5);
  workers[0]!.finish('completed');
  await settle();
  assert.equal(record.phase, 'finished');
  assert.equal(record.status, 'completed');
  assert.equal(record.reportPath, '/runs/r1/report.json');
  assert.deepEqual(finished, [record]);
  assert.equal(coordinator.isRunning('/m/a'), false);
});

test('one run at a time per model folder: a second request is refused as busy, another folder runs in parallel', () => {
  const { coordinator, workers } = setup();
  coordinator.request(startFor('/m/a'));
  const second = coordinator.request(startFor('/m/a'));
  assert.equal(second.kind, 'busy');
  assert.equal(workers.length, 1);
  assert.equal(coordinator.request(startFor('/m/b')).kind, 'started');
  assert.equal(workers.length, 2);
});

test('a queued run starts when the running one finishes, in order', async () => {
  const { coordinator, workers } = setup();
  coordinator.request(startFor('/m/a'));
  const queued1 = coordinator.enqueue(startFor('/m/a'));
  const queued2 = coordinator.enqueue(startFor('/m/a'));
  assert.equal(queued1.phase, 'queued');
  assert.equal(coordinator.queued('/m/a').length, 2);
  workers[0]!.finish('completed');
  await settle();
  assert.equal(workers.length, 2);
  assert.equal(queued1.phase, 'running');
  assert.equal(queued2.phase, 'queued');
  workers[1]!.finish('completed');
  await settle();
  assert.equal(queued2.phase, 'running');
});

test('cancel sends the cancel to the worker, drops the queue, and ends as cancelled', async () => {
  const { coordinator, workers } = setup();
  const record = (coordinator.request(startFor('/m/a')) as { record: RunRecord }).record;
  coordinator.enqueue(startFor('/m/a'));
  assert.equal(coordinator.cancel('/m/a'), true);
  assert.equal(record.phase, 'cancelling');
  assert.equal(workers[0]!.cancelled, 1);
  assert.equal(coordinator.queued('/m/a').length, 0);
  workers[0]!.finish('cancelled');
  await settle();
  assert.equal(record.status, 'cancelled');
  assert.equal(workers.length, 1, 'the dropped queue never starts');
  assert.equal(coordinator.cancel('/m/a'), false, 'nothing left to cancel');
});

test('a worker killed after the cancel grace period counts as cancelled, not crashed', async () => {
  const { coordinator, workers } = setup();
  const record = (coordinator.request(startFor('/m/a')) as { record: RunRecord }).record;
  coordinator.cancel('/m/a');
  workers[0]!.crash();
  await settle();
  assert.equal(record.status, 'cancelled');
  assert.equal(record.failure, undefined);
});

test('a worker that dies on its own is reported as crashed with a Resume hint when a run folder exists', async () => {
  const { coordinator, workers, finished } = setup();
  const record = (coordinator.request(startFor('/m/a')) as { record: RunRecord }).record;
  workers[0]!.emit({ type: 'run-created', runId: 'r1', runFolder: '/runs/r1', resumed: false, skippedUnits: [] });
  workers[0]!.crash();
  await settle();
  assert.equal(record.status, 'crashed');
  assert.match(record.failure!, /stopped unexpectedly \(SIGKILL\).*Resume/);
  assert.equal(finished.length, 1);
  assert.equal(coordinator.isRunning('/m/a'), false, 'the folder is free again');
});

test('a crash names the error the worker printed last (e.g. a module that failed to load)', async () => {
  const { coordinator, workers } = setup();
  const record = (coordinator.request(startFor('/m/a')) as { record: RunRecord }).record;
  workers[0]!.crash(['some progress', 'Error: Cannot find module onnxruntime-common', '    at Module._load']);
  await settle();
  assert.match(record.failure!, /unexpectedly \(SIGKILL\): Error: Cannot find module onnxruntime-common\./);
});

test('a fatal worker error is kept as the run failure', async () => {
  const { coordinator, workers } = setup();
  const record = (coordinator.request(startFor('/m/a')) as { record: RunRecord }).record;
  workers[0]!.emit({ type: 'error', message: 'corpus.txt: too short', fatal: true, file: 'corpus.txt' });
  workers[0]!.finish('failed');
  await settle();
  assert.equal(record.status, 'failed');
  assert.equal(record.failure, 'corpus.txt: too short');
});

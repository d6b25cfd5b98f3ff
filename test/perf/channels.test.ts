import { strict as assert } from 'node:assert';
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { after, describe, test } from 'node:test';
import { runProbeProcess } from '../../src/worker/passes/performancePass';
import { isProbeMessage, isProbeRequest, ProbeRequest } from '../../src/worker/passes/probeProtocol';
import { LockstepScorer } from '../../src/worker/scoring/lockstepScorer';
import { scoreBatch, ScoreJob } from '../../src/worker/scoring/scoreBatch';
import { isScorerToThread, isThreadToScorer, ThreadToScorer } from '../../src/worker/scoring/scoringProtocol';

/**
 * The worker's two internal channels — worker ↔ performance probe (a child process) and lockstep
 * scorer ↔ scoring thread (a worker_thread) — are typed: each side dispatches by guard and
 * rejects what it does not know with an error naming the channel and the message.
 */
const WORKER = resolve('dist/worker.js');
const SCORING_THREAD = resolve('dist/scoring-thread.js');
const scratch = mkdtempSync(join(tmpdir(), 'ql-channels-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A stand-in for a bundle: a CommonJS script written to the scratch folder. */
function script(name: string, source: string): string {
  const file = join(scratch, name);
  writeFileSync(file, source);
  return file;
}

const probeRequest = (variantId: string): ProbeRequest => ({
  type: 'probe', modelFolder: scratch, variant: { id: variantId } as ProbeRequest['variant'], executionProvider: 'cpu', threads: { intraOp: 1, interOp: 1 }, eosTokenIds: [], warmups: 0, cells: [],
});

describe('guards', () => {
  test('each channel takes its own types only', () => {
    assert.equal(isProbeRequest(probeRequest('q4')), true);
    for (const type of ['loaded', 'cell-started', 'cell-measured', 'measured', 'probe-error']) assert.equal(isProbeMessage({ type }), true, type);
    assert.equal(isScorerToThread({ type: 'score', id: 0, job: {} }), true);
    for (const type of ['scored', 'score-failed']) assert.equal(isThreadToScorer({ type }), true, type);
    for (const bad of [null, undefined, 'probe', 42, {}, { type: 'nope' }, { type: 'score' }, [{ type: 'probe' }]]) {
      assert.equal(isProbeRequest(bad), false, JSON.stringify(bad));
      assert.equal(isProbeMessage(bad), false, JSON.stringify(bad));
      assert.equal(isThreadToScorer(bad), false, JSON.stringify(bad));
    }
    assert.equal(isProbeMessage({ type: 'probe' }), false, 'a request is not a probe → parent message');
    assert.equal(isScorerToThread({ type: 'scored' }), false, 'a reply is not a request');
  });
});

describe('worker ↔ performance probe', () => {
  test('the probe answers a message it does not take with probe-error naming it, then disconnects', async () => {
    const child = fork(WORKER, ['--perf-probe'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const messages: unknown[] = [];
    child.on('message', (m) => messages.push(m));
    const exited = new Promise<void>((done) => child.on('exit', () => done()));
    child.send({ type: 'start-run', request: {} });
    await exited;
    assert.deepEqual(messages, [{ type: 'probe-error', message: 'the performance probe got an unknown message: {"type":"start-run","request":{}}' }]);
  });

  test('the performance phase rejects a probe message it does not know, naming the variant', async () => {
    const rogue = script('rogue-probe.js', `process.once('message', () => process.send({ type: 'progress', done: 1 }));\nsetTimeout(() => {}, 10000);\n`);
    await assert.rejects(runProbeProcess(rogue, probeRequest('q4'), () => false), {
      message: 'the performance phase (probe for q4) got an unknown message: {"type":"progress","done":1}',
    });
  });
});

describe('lockstep scorer ↔ scoring thread', () => {
  const job = (): ScoreJob => {
    const vocab = 4;
    const base = Float32Array.from([0.1, 2, -1, 0.5, 1, 1, 1, 1]);
    const variant = Float32Array.from([0.2, 1.8, -1.2, 0.4, 3, 0, 0, 0]);
    return { base, variant, vocab, rows: Int32Array.from([0, 1]), targets: Int32Array.from([1, 0]) };
  };

  test('the thread scores a job exactly as inline scoring does', async () => {
    const scorer = LockstepScorer.start(SCORING_THREAD);
    try {
      assert.deepEqual(await scorer.score(job()), scoreBatch(job()));
    } finally {
      await scorer.close();
    }
  });

  test('the thread answers a message it does not take with score-failed naming it, and keeps serving', async () => {
    const thread = new Worker(SCORING_THREAD);
    try {
      const next = (): Promise<ThreadToScorer> => new Promise((done) => thread.once('message', done));
      thread.postMessage({ type: 'bogus', id: 3 });
      assert.deepEqual(await next(), { type: 'score-failed', id: null, message: 'the scoring thread got an unknown message: {"type":"bogus","id":3}' });
      thread.postMessage({ type: 'score', id: 7, job: job() });
      const reply = await next();
      assert.equal(reply.type, 'scored');
      assert.equal(reply.id, 7);
    } finally {
      await thread.terminate();
    }
  });

  test('a job the thread cannot score fails alone, with the reason, and the thread keeps serving', async () => {
    const thread = new Worker(SCORING_THREAD);
    try {
      const next = (): Promise<ThreadToScorer> => new Promise((done) => thread.once('message', done));
      thread.postMessage({ type: 'score', id: 5, job: { ...job(), rows: null } });
      assert.deepEqual(await next(), { type: 'score-failed', id: 5, message: "the scoring thread could not score job 5: Cannot read properties of null (reading 'length')" });
      thread.postMessage({ type: 'score', id: 6, job: job() });
      assert.deepEqual(await next(), { type: 'scored', id: 6, result: scoreBatch(job()) });
    } finally {
      await thread.terminate();
    }
  });

  test('the scorer rejects the job a score-failed names, with the thread\'s reason', async () => {
    const failing = script('failing-thread.js', `const { parentPort } = require('node:worker_threads');\nparentPort.on('message', (m) => parentPort.postMessage({ type: 'score-failed', id: m.id, message: 'no luck with ' + m.id }));\n`);
    const scorer = LockstepScorer.start(failing);
    try {
      await assert.rejects(scorer.score(job()), { message: 'no luck with 0' });
      await assert.rejects(scorer.score(job()), { message: 'no luck with 1' });
    } finally {
      await scorer.close();
    }
  });

  test('the shared scorer is one thread for every pass, referenced only while a job is pending, and replaced once broken', async () => {
    const first = LockstepScorer.shared();
    assert.equal(LockstepScorer.shared(), first, 'the same scorer twice');
    const worker = (first as unknown as { worker?: Worker }).worker;
    assert.ok(worker, 'the scoring thread started');
    const calls: string[] = [];
    const { ref, unref } = worker;
    worker.ref = () => (calls.push('ref'), ref.call(worker));
    worker.unref = () => (calls.push('unref'), unref.call(worker));
    try {
      const [a, b] = await Promise.all([first.score(job()), first.score(job())]);
      assert.deepEqual(a, scoreBatch(job()));
      assert.deepEqual(b, scoreBatch(job()));
      // Two jobs in flight: referenced once at the first, released once after the last, so an idle
      // thread never keeps a finished process alive.
      assert.deepEqual(calls, ['ref', 'unref']);
    } finally {
      worker.ref = ref;
      worker.unref = unref;
    }
    (first as unknown as { fail(e: Error): void }).fail(new Error('broken on purpose'));
    await assert.rejects(first.score(job()), { message: 'broken on purpose' });
    const second = LockstepScorer.shared();
    assert.notEqual(second, first, 'a broken scorer is replaced');
    assert.deepEqual(await second.score(job()), scoreBatch(job()));
    await second.close();
  });

  test('the scorer rejects a reply it does not know, and every job after it', async () => {
    const rogue = script('rogue-thread.js', `const { parentPort } = require('node:worker_threads');\nparentPort.on('message', () => parentPort.postMessage({ hello: 1 }));\n`);
    const scorer = LockstepScorer.start(rogue);
    try {
      const expected = { message: 'the lockstep scorer got an unknown message: {"hello":1}' };
      await assert.rejects(scorer.score(job()), expected);
      await assert.rejects(scorer.score(job()), expected);
    } finally {
      await scorer.close();
    }
  });
});

import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { RunCoordinator, RunRecord } from '../../src/host/logic/runCoordinator';
import { WorkerClient } from '../../src/node/workerClient';
import { readRun } from '../../src/node/runFolder/reader';
import { discoverForRun } from '../../src/node/discovery';
import { TINY_LLAMA } from '../helpers/fixtures';

test('the real worker killed mid-run: the host marks the run crashed, says Resume, and the partial run is on disk', async () => {
  const out = mkdtempSync(join(tmpdir(), 'ql-host-kill-'));
  try {
    let client: WorkerClient | undefined;
    let finished: RunRecord | undefined;
    const coordinator = new RunCoordinator(
      (start, onMessage) => {
        client = new WorkerClient(start, {
          workerScript: resolve('dist/worker.js'),
          onMessage: (m) => {
            onMessage(m);
            // Kill as soon as the first unit is safely on disk.
            if (m.type === 'unit-result') client!.kill('SIGKILL');
          },
        });
        return client;
      },
      { onFinished: (r) => (finished = r) },
    );
    const model = await discoverForRun({ modelFolder: TINY_LLAMA });
    const outcome = coordinator.request({
      type: 'start-run',
      outputFolder: out,
      resume: false,
      model,
      request: {
        modelFolder: TINY_LLAMA,
        measures: ['fidelity', 'generation'],
        corpusFile: resolve('examples/demo/corpus.txt'),
        promptsFile: resolve('examples/demo/prompts.txt'),
        contextLength: 64,
        stride: 32,
        maxNewTokens: 8,
        performance: { promptTokens: 8, outputTokens: 4, warmups: 0, repetitions: 1 },
        executionProvider: 'cpu',
        threads: { intraOp: 1, interOp: 1 },
        seed: 0,
      },
    });
    assert.equal(outcome.kind, 'started');
    const record = (outcome as { record: RunRecord }).record;
    await client!.outcome;
    await new Promise((r) => setImmediate(r));
    assert.equal(finished, record);
    assert.equal(record.status, 'crashed');
    assert.match(record.failure!, /stopped unexpectedly \(SIGKILL\)\. Completed units are on disk; Resume finishes the run\./);
    assert.ok(record.runFolder, 'the run folder is known');
    const run = readRun(record.runFolder!);
    assert.equal(run.status, 'running', 'no run-finished event: the run is unfinished');
    assert.ok(run.results.length >= 1, 'the unit completed before the kill is on disk');
    assert.equal(run.results[0]!.kind, 'perplexity');
    assert.equal(coordinator.isRunning(TINY_LLAMA), false);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

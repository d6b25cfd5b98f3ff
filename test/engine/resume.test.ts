import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readRun, readSamples } from '../../src/node/runFolder/reader';
import type { RunReport, SampleRecord, UnitResult } from '../../src/shared/report/schema';
import { unitKeyString } from '../../src/shared/report/schema';
import { DEMO_PROMPTS, runWorker, testRequest, withTempDir, WorkerRun } from '../helpers/engineRun';
import { TINY_LLAMA } from '../helpers/fixtures';

/** The numbers a resumed run must reproduce exactly: everything but timings and run identity. */
function fidelityOf(report: RunReport): unknown {
  return report.variants.map((v) => ({ id: v.id, perplexity: v.perplexity, deltaPerplexity: v.deltaPerplexity, kld: v.kld, generation: v.generation }));
}

function sortedSamples(samples: SampleRecord[]): SampleRecord[] {
  return [...samples].sort((a, b) => (a.variantId < b.variantId ? -1 : a.variantId > b.variantId ? 1 : a.promptIndex - b.promptIndex));
}

test('a run killed mid-way (SIGKILL to the worker process group), twice, leaves a readable partial run each time, and resume finishes it with the same numbers as an uninterrupted run', async () => {
  await withTempDir('ql-resume-', async (dir) => {
    const request = testRequest(TINY_LLAMA, { measures: ['fidelity', 'generation'], maxNewTokens: 12 });
    const interruptedOut = join(dir, 'interrupted');

    const totalUnits = 2 + 2 * 3; // perplexity + generation of the baseline; lockstep + generation of fp16, q8, q4

    /** Runs (or resumes) the request and SIGKILLs the worker's group at the first result `when` accepts. */
    const runUntilKilled = async (resume: boolean, when: (result: UnitResult) => boolean) => {
      let killedAfter: UnitResult | undefined;
      const run = await runWorker(request, interruptedOut, {
        resume,
        onMessage: (message, client) => {
          if (message.type === 'unit-result' && !killedAfter && when(message.result)) {
            killedAfter = message.result;
            client.kill();
          }
        },
      });
      assert.ok(killedAfter, 'a unit completed before the kill');
      assert.equal(run.outcome.crashed, true);
      assert.equal(run.outcome.done, null);
      assert.equal(run.outcome.signal, 'SIGKILL');
      assert.ok(run.outcome.runFolder, 'the client knows the run folder from run-created');
      const partial = readRun(run.outcome.runFolder);
      assert.deepEqual(partial.damagedLines, [], 'events.jsonl parses line by line');
      assert.equal(partial.status, 'running', 'no run-finished event: the run is unfinished');
      assert.equal(partial.report, null);
      assert.ok(partial.results.some((r) => unitKeyString(r) === unitKeyString(killedAfter!)), 'the reported unit is on disk');
      if (process.env.QL_DEBUG) console.log('units done before the kill:', partial.results.map(unitKeyString));
      assert.ok(partial.results.length < totalUnits, `the kill landed mid-run (${partial.results.length} of ${totalUnits} units done)`);
      const doneGenerations = new Set(partial.results.filter((r) => r.kind === 'generation').map((r) => r.variantId));
      assert.ok(readSamples(partial.folder).every((s) => doneGenerations.has(s.variantId)), 'samples only of completed generation units');
      return { run, partial };
    };
    const skippedUnits = (run: WorkerRun): string[] => {
      const created = run.messages.find((m) => m.type === 'run-created');
      assert.ok(created?.type === 'run-created' && created.resumed, 'the run says it resumed');
      return [...created.skippedUnits].sort();
    };

    // 1. Kill as soon as the first unit's result is reported.
    const first = await runUntilKilled(false, () => true);
    const runFolder = first.partial.folder;

    // 2. Resume, and kill again once a variant's generations are on disk.
    const second = await runUntilKilled(true, (r) => r.kind === 'generation' && r.variantId !== 'fp32');
    assert.equal(second.partial.folder, runFolder, 'the same run folder is continued');
    assert.deepEqual(skippedUnits(second.run), first.partial.results.map(unitKeyString).sort(), 'exactly the completed units are skipped');
    assert.ok(second.partial.results.length > first.partial.results.length);

    // 3. Resume to the end.
    const resumed = await runWorker(request, interruptedOut, { resume: true });
    assert.equal(resumed.outcome.done?.status, 'completed', JSON.stringify(resumed.messages.filter((m) => m.type === 'error')));
    assert.equal(resumed.outcome.done?.runFolder, runFolder, 'the same run folder is continued');
    assert.deepEqual(skippedUnits(resumed), second.partial.results.map(unitKeyString).sort(), 'exactly the completed units are skipped');
    const recomputed = resumed.messages.filter((m) => m.type === 'unit-result');
    assert.equal(recomputed.length, totalUnits - second.partial.results.length, 'only the missing units run');
    const finished = readRun(runFolder);
    assert.equal(finished.status, 'completed');
    assert.deepEqual(finished.damagedLines, []);
    assert.equal(finished.events.filter((e) => e.type === 'run-started').length, 3);

    // 4. The same spec without interruption.
    const straight = await runWorker(request, join(dir, 'straight'));
    assert.equal(straight.outcome.done?.status, 'completed');
    const straightRun = readRun(straight.outcome.runFolder!);
    assert.equal(straightRun.card.specHash, finished.card.specHash);

    const resumedReport = finished.report!;
    assert.equal(resumedReport.status, 'completed');
    assert.deepEqual(resumedReport.failures, []);
    assert.deepEqual(fidelityOf(resumedReport), fidelityOf(straightRun.report!));
    const resumedSamples = readSamples(runFolder);
    const prompts = readFileSync(DEMO_PROMPTS, 'utf8').split('\n').filter((l) => l.trim()).length;
    assert.equal(resumedSamples.length, 4 * prompts, 'one sample per variant and prompt: none lost, none twice');
    assert.deepEqual(sortedSamples(resumedSamples), sortedSamples(readSamples(straightRun.folder)));
  });
});

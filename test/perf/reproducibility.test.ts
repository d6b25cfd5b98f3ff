import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { readRun } from '../../src/node/runFolder/reader';
import type { UnitResult } from '../../src/shared/report/schema';
import { runWorker, testRequest, withTempDir } from '../helpers/engineRun';
import { TINY_GQA } from '../helpers/fixtures';

async function fidelityResults(): Promise<UnitResult[]> {
  return withTempDir('ql-repro-', async (out) => {
    const run = await runWorker(testRequest(TINY_GQA, { measures: ['fidelity'] }), out);
    assert.equal(run.outcome.done?.status, 'completed', JSON.stringify(run.messages.filter((m) => m.type === 'error')));
    return readRun(run.outcome.runFolder!).results.filter((r) => r.kind === 'lockstep' || r.kind === 'perplexity');
  });
}

test('a rerun of the same spec on this machine gives bitwise-identical fidelity numbers on CPU', async () => {
  const first = await fidelityResults();
  const second = await fidelityResults();
  assert.ok(first.some((r) => r.kind === 'lockstep'), 'lockstep units ran');
  assert.equal(first.length, second.length);
  // deepStrictEqual compares numbers with Object.is: every bit of every figure must match.
  assert.deepStrictEqual(second, first);
});

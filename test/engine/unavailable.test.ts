import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readRun } from '../../src/node/runFolder/reader';
import { currentReport } from '../../src/node/runInput';
import { buildReport } from '../../src/shared/report/buildReport';
import { RunEvent, unavailableMeasure } from '../../src/shared/report/schema';
import type { ModelBackend } from '../../src/worker/backend/modelBackend';
import { runLockstepPass, runPerplexityPass } from '../../src/worker/passes/corpusPasses';
import { unavailableReason } from '../../src/worker/unavailable';
import { syntheticRun } from '../panel/synthetic';

const REASON = 'http://10.0.0.7:8080/v1 (llama.cpp server) gives log-probabilities of generated tokens only ("Only no echo is supported")';
const backend = (variantId: string, distributions: ModelBackend['distributions']): ModelBackend =>
  ({ variantId, distributions, vocabSize: 8, executionProvider: 'served', forward: () => Promise.reject(new Error('no forward')), generateGreedy: () => Promise.reject(new Error('no generation')), dispose: async () => undefined }) as ModelBackend;

test('unavailableReason: a backend without log-probabilities names what is not scored and why (the endpoint and server); full and top-k backends are scored', () => {
  const none = backend('q4s', { kind: 'none', reason: REASON });
  const full = backend('fp32', { kind: 'full' });
  const topK = backend('q4v', { kind: 'top-k', k: 20 });
  assert.equal(unavailableReason('perplexity', { variant: none }), `perplexity not scored: q4s gives no prompt log-probabilities (${REASON})`);
  assert.equal(unavailableReason('lockstep', { baseline: full, variant: none }), `KL divergence against the baseline not scored: q4s gives no prompt log-probabilities (${REASON})`);
  assert.match(unavailableReason('lockstep', { baseline: backend('base', { kind: 'none', reason: REASON }), variant: topK })!, /^KL divergence .*: the baseline base gives no prompt/);
  assert.equal(unavailableReason('lockstep', { baseline: full, variant: topK }), undefined);
  assert.equal(unavailableReason('task', { variant: full }), undefined);
});

test('the passes refuse a backend without log-probabilities with its reason, never score it', async () => {
  const none = backend('q4s', { kind: 'none', reason: REASON });
  const corpus = { file: 'c.txt', tokens: [1, 2, 3, 4], windows: [{ start: 0, end: 4, scoreFrom: 1 }], scoredWords: 3, scoredBytes: 9 };
  await assert.rejects(runPerplexityPass(none, corpus, () => undefined, () => false), /q4s gives no prompt log-probabilities: http:\/\/10\.0\.0\.7:8080/);
  await assert.rejects(runLockstepPass(backend('fp32', { kind: 'full' }), none, corpus, () => undefined, () => false), /q4s gives no prompt log-probabilities/);
});

test('unavailable units: listed in the report (run and variant) with the reason, not failures, the run still completed; readRun folds unit-unavailable events and a later completion clears one', () => {
  const { card } = syntheticRun({ samples: 2 });
  const variantId = card.variants.find((v) => v.id !== card.spec.baselineId)!.id;
  const perplexity = unavailableMeasure({ kind: 'perplexity', variantId }, `perplexity not scored: ${REASON}`);
  const report = buildReport(card, [], [], [], 'completed', '2026-12-03T00:00:00.000Z', [perplexity]);
  assert.equal(report.status, 'completed');
  assert.deepEqual(report.failures, []);
  assert.deepEqual(report.unavailable, [{ unit: `perplexity:${variantId}`, kind: 'perplexity', variantId, reason: `perplexity not scored: ${REASON}` }]);
  assert.deepEqual(report.variants.find((v) => v.id === variantId)!.unavailable, report.unavailable);
  assert.equal(buildReport(card, [], [], [], 'completed', 'x').unavailable, undefined, 'absent when every unit could be scored');

  const folder = mkdtempSync(join(tmpdir(), 'ql-unavailable-'));
  try {
    writeFileSync(join(folder, 'run.json'), JSON.stringify(card));
    const events: RunEvent[] = [
      { type: 'run-started', at: 'a', runId: card.runId, resumed: false },
      { type: 'unit-unavailable', at: 'b', unit: { kind: 'perplexity', variantId }, reason: perplexity.reason },
      { type: 'unit-unavailable', at: 'c', unit: { kind: 'task', variantId, task: 'arc' }, reason: 'likelihood task not scored: …' },
      { type: 'unit-unavailable', at: 'd', unit: { kind: 'lockstep', variantId }, reason: 'KL divergence against the baseline not scored: …' },
    ];
    writeFileSync(join(folder, 'events.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const run = readRun(folder);
    assert.deepEqual(run.unavailable.map((u) => u.unit), [`perplexity:${variantId}`, `task:arc:${variantId}`, `lockstep:${variantId}`]);
    assert.equal(run.results.length, 0, 'not finished units: a resumed run checks the backend again');
    // Resumed against a server now giving logprobs: the unit completed, the old record goes.
    writeFileSync(join(folder, 'events.jsonl'), [...events, { type: 'unit-completed', at: 'e', result: { kind: 'generation', variantId, samples: 0, differsFromBaseline: 0, meanKld: 0, stoppedByEos: 0 } }, { type: 'unit-completed', at: 'f', result: { kind: 'perplexity', variantId, executionProvider: 'served', perplexity: report.variants[0]!.perplexity ?? ({} as never) } }].map((e) => JSON.stringify(e)).join('\n') + '\n');
    const resumed = readRun(folder);
    assert.deepEqual(resumed.unavailable.map((u) => u.unit), [`task:arc:${variantId}`, `lockstep:${variantId}`]);
    assert.deepEqual(currentReport(resumed)!.unavailable!.map((u) => u.kind), ['task', 'lockstep'], 'the panel and compare fold them the same way');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

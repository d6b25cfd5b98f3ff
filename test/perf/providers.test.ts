import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { inspectModelFolder } from '../../src/node/discovery';
import { detectExecutionProviders, planExecutionProviders, tryProvider } from '../../src/worker/backend/executionProvider';
import { OnnxDecoderBackend } from '../../src/worker/backend/onnxBackend';
import { readRun } from '../../src/node/runFolder/reader';
import type { RunCard, RunReport } from '../../src/shared/report/schema';
import { runWorker, testRequest, withTempDir } from '../helpers/engineRun';
import { TINY_LLAMA } from '../helpers/fixtures';

// These tests are about this machine as it is: a Linux x64 box with no GPU adapter and no CUDA
// provider libraries. Where a machine has them, the assertions that depend on it are skipped.
async function skipIfUsable(t: { skip(message: string): void }, provider: string): Promise<boolean> {
  if (!(await tryProvider(provider)).usable) return false;
  t.skip(`this machine can run ${provider}`);
  return true;
}

test('webgpu without an adapter: the load falls back to cpu and says why', async (t) => {
  if (await skipIfUsable(t, 'webgpu')) return;
  const folder = await inspectModelFolder(TINY_LLAMA);
  const fallbacks: Array<{ provider: string; reason: string }> = [];
  const backend = await OnnxDecoderBackend.load({
    modelFolder: TINY_LLAMA,
    variant: folder.variants.find((v) => v.id === 'q8')!,
    executionProvider: 'webgpu',
    threads: { intraOp: 1, interOp: 1 },
    eosTokenIds: [],
    onFallback: (provider, reason) => fallbacks.push({ provider, reason }),
  });
  assert.equal(backend.executionProvider, 'cpu');
  assert.equal(fallbacks.length, 1);
  assert.equal(fallbacks[0]!.provider, 'webgpu');
  assert.match(fallbacks[0]!.reason, /adapter/i, 'onnxruntime\'s reason, shortened');
  assert.doesNotMatch(fallbacks[0]!.reason, /onnxruntime_src|\.cc:\d+/, 'without the source location');
  await backend.dispose();
});

test('webgpu requested: the run card records the detection and the fallback, the report the reason per variant', async (t) => {
  if (await skipIfUsable(t, 'webgpu')) return;
  const { card, report } = await withTempDir('ql-perf-webgpu-', async (out) => {
    const run = await runWorker(testRequest(TINY_LLAMA, {
      measures: ['performance'], variants: ['q8'], executionProvider: 'webgpu',
      performance: { promptTokens: 8, outputTokens: 3, warmups: 0, repetitions: 1 },
    }), out);
    assert.equal(run.outcome.done?.status, 'completed', JSON.stringify(run.messages.filter((m) => m.type === 'error')));
    const read = readRun(run.outcome.runFolder!);
    return { card: read.card as RunCard, report: read.report as RunReport };
  });
  const detected = card.executionProviders!.detected.find((d) => d.name === 'webgpu')!;
  assert.equal(detected.usable, false);
  assert.match(detected.reason!, /adapter/i);
  assert.deepEqual(card.executionProviders!.candidates, ['webgpu', 'cpu']);
  assert.ok(card.executionProviders!.notes.some((n) => /webgpu is unavailable .*fall back to cpu/.test(n)), card.executionProviders!.notes.join('\n'));
  for (const v of report.variants) {
    assert.equal(v.performance!.executionProvider, 'cpu');
    assert.equal(v.performance!.providerFallbacks![0]!.provider, 'webgpu');
    assert.ok(report.warnings.some((w) => w.startsWith(`${v.id}: execution provider webgpu unavailable`)), report.warnings.join('\n'));
  }
});

test('auto without the CUDA libraries: cuda is skipped with the reason; asking for cuda falls back with onnxruntime\'s', async (t) => {
  if (await skipIfUsable(t, 'cuda')) return;
  const plan = planExecutionProviders('auto');
  assert.ok(!plan.candidates.includes('cuda'));
  assert.equal(plan.candidates.at(-1), 'cpu');
  assert.ok(plan.skipped.some((s) => /^cuda: its provider library is not installed/.test(s)), plan.skipped.join('\n'));
  const report = await detectExecutionProviders('auto');
  assert.match(report.detected.find((d) => d.name === 'cuda')!.reason!, /not installed/);
  assert.equal(report.detected.find((d) => d.name === 'webgpu')!.reason, 'not tried (not requested)', 'auto never wakes webgpu');
  assert.equal(report.detected.find((d) => d.name === 'cpu')!.usable, true);
  const explicit = await detectExecutionProviders('cuda');
  assert.deepEqual(explicit.candidates, ['cuda', 'cpu']);
  assert.ok(explicit.notes.some((n) => /^cuda is unavailable \(.*\); loads fall back to cpu$/.test(n)), explicit.notes.join('\n'));
});

test('providers this build lacks are named as such', async () => {
  const report = await detectExecutionProviders('cpu', true);
  for (const name of ['dml', 'coreml']) {
    const d = report.detected.find((x) => x.name === name)!;
    if (process.platform === 'linux') assert.equal(d.reason, `not in this onnxruntime-node build for linux-${process.arch}`);
  }
  assert.deepEqual(report.detected.map((d) => d.name), ['cpu', 'cuda', 'tensorrt', 'webgpu', 'dml', 'coreml']);
});

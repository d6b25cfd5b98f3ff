import { strict as assert } from 'node:assert';
import { renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { discoverForRun } from '../../src/node/discovery';
import { readRun } from '../../src/node/runFolder/reader';
import type { ModelFolder } from '../../src/shared/modelTypes';
import { prepareRun } from '../../src/worker/runSetup';
import { copyModel, runWorker, testRequest, withTempDir } from '../helpers/engineRun';
import { TINY_LLAMA } from '../helpers/fixtures';

// Discovery happens once per run, in the parent that starts it; the worker evaluates the discovery
// the start-run message carries. Here the q8 variant's file is moved where no discovery would find
// it, and only the sent discovery says where it is: a worker that discovered the folder again would
// not find q8 ("No variant named q8") nor keep the parent's name for the model.
test('the worker evaluates the discovery the parent sent and does not discover the folder again', async () => {
  await withTempDir('ql-discovery-once-', async (dir) => {
    const folder = copyModel(TINY_LLAMA, dir, 'model');
    const request = testRequest(folder, { variants: ['q8'] });
    const discovered = await discoverForRun(request);
    const q8 = discovered.variants.find((v) => v.id === 'q8')!;
    const hidden = `${q8.file}.hidden`;
    renameSync(q8.file, hidden);
    assert.deepEqual((await discoverForRun(request)).variants.map((v) => v.id), ['fp32', 'fp16', 'q4'], 'a new discovery no longer sees q8');
    const sent: ModelFolder = {
      ...discovered,
      name: 'named-by-the-parent',
      variants: discovered.variants.map((v) => (v === q8 ? { ...v, file: hidden, sizeBytes: 424242 } : v)),
    };

    const run = await runWorker(request, join(dir, 'out'), { model: sent });
    assert.equal(run.outcome.done?.status, 'completed', JSON.stringify(run.messages.filter((m) => m.type === 'error')));
    const { card, results } = readRun(run.outcome.runFolder!);
    assert.equal(card.spec.modelName, 'named-by-the-parent');
    assert.deepEqual(card.spec.variantIds, ['fp32', 'q8']);
    const q8Card = card.variants.find((v) => v.id === 'q8')!;
    assert.equal(q8Card.sizeBytes, 424242, 'the size is the sent discovery\'s');
    assert.deepEqual(q8Card.signature, q8.signature);
    assert.deepEqual(q8Card.files.map((f) => f.path), [hidden], 'the weights evaluated and hashed are the file the discovery names');
    assert.ok(results.some((r) => r.kind === 'lockstep' && r.variantId === 'q8'), 'q8 was evaluated');
  });
});

test('a start-run without a discovery, or with one of another folder or baseline, is refused before anything is read', async () => {
  const request = testRequest(TINY_LLAMA, { baseline: 'fp32' });
  const discovered = await discoverForRun(request);
  await assert.rejects(() => prepareRun(request, undefined as unknown as ModelFolder), {
    message: `the start-run message for ${TINY_LLAMA} carries no model discovery (model); the parent must discover the folder when it starts the run (discoverForRun).`,
  });
  await assert.rejects(() => prepareRun(request, { ...discovered, path: '/elsewhere' }), {
    message: `the start-run message's discovery is of /elsewhere, not of the requested ${resolve(TINY_LLAMA)}.`,
  });
  await assert.rejects(() => prepareRun(request, { ...discovered, baselineId: 'fp16' }), {
    message: "the start-run message's discovery has baseline fp16, not the requested fp32; discover with the request's baseline (discoverForRun).",
  });
});

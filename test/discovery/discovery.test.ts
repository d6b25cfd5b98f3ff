import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isInputError } from '../../src/shared/errors';
import { discoverModels, inspectModelFolder } from '../../src/node/discovery';
import { tempDir, writeModelFolder } from './support/modelFolders';
import { externalDataModel, fp16Model, matMulNBitsModel, qdqPerChannelModel } from './support/onnxModels';

/** Asserts that `action` rejects with an InputError about `file` whose problem matches `problem`. */
async function assertInputError(action: () => Promise<unknown>, file: string, problem: RegExp): Promise<void> {
  await assert.rejects(action, (error: unknown) => {
    assert.ok(isInputError(error), `expected an InputError, got ${String(error)}`);
    assert.equal(error.file, file);
    assert.match(error.problem, problem);
    return true;
  });
}

test('a transformers.js folder lists every variant in dtype order with sizes, signatures and the fp32 baseline', async (t) => {
  const folder = writeModelFolder(join(tempDir(t), 'tiny-llama'), {
    files: {
      'onnx/model.onnx': externalDataModel('model.onnx_data', 4096),
      'onnx/model.onnx_data': new Uint8Array(4096),
      'onnx/model_q4.onnx': matMulNBitsModel(),
      'onnx/model_quantized.onnx': qdqPerChannelModel(),
      'onnx/model_fp16.onnx': fp16Model(),
      'onnx/model_awq.onnx': fp16Model(),
    },
  });
  const model = await inspectModelFolder(folder);
  assert.equal(model.name, 'tiny-llama');
  assert.deepEqual(model.problems, []);
  assert.equal(model.baselineId, 'fp32');
  assert.deepEqual(model.variants.map((variant) => [variant.id, variant.dtype]), [
    ['fp32', 'fp32'], ['fp16', 'fp16'], ['q8', 'q8'], ['q4', 'q4'], ['model_awq', 'unknown'],
  ]);
  const fp32 = model.variants[0];
  assert.equal(fp32.file, join(folder, 'onnx', 'model.onnx'));
  assert.deepEqual(fp32.externalDataFiles, [join(folder, 'onnx', 'model.onnx_data')]);
  assert.equal(fp32.sizeBytes, externalDataModel('model.onnx_data', 4096).length + 4096);
  assert.equal(model.variants[3].signature?.matMulNBitsSettings[0].bits, 4);
  assert.ok(model.variants.every((variant) => variant.signature && !variant.error));
});

test('external data is counted by its exporters\' names even when the graph does not name it', async (t) => {
  const folder = writeModelFolder(tempDir(t), {
    files: { 'onnx/model.onnx': fp16Model(), 'onnx/model.onnx.data': 'x'.repeat(10), 'onnx/model.onnx_data_1': 'y' },
  });
  const [fp32] = (await inspectModelFolder(folder)).variants;
  assert.deepEqual(fp32.externalDataFiles, [join(folder, 'onnx', 'model.onnx.data'), join(folder, 'onnx', 'model.onnx_data_1')]);
  assert.equal(fp32.sizeBytes, fp16Model().length + 11);
});

test('the baseline can be overridden by id; an unknown id is a clear error listing the ids', async (t) => {
  const folder = writeModelFolder(tempDir(t), {
    files: { 'onnx/model.onnx': fp16Model(), 'onnx/model_q4.onnx': matMulNBitsModel() },
  });
  assert.equal((await inspectModelFolder(folder, { baseline: 'q4' })).baselineId, 'q4');
  await assertInputError(() => inspectModelFolder(folder, { baseline: 'bf16' }), folder, /no variant "bf16".*fp32, q4/);
});

test('an unreadable or broken variant is listed with its error, and the baseline falls back to fp16', async (t) => {
  const folder = writeModelFolder(tempDir(t), {
    files: { 'onnx/model_fp16.onnx': fp16Model(), 'onnx/model_q4.onnx': matMulNBitsModel().subarray(0, 50) },
  });
  // Tests run as root, where chmod cannot make a file unreadable; a folder in its place fails the read the same way.
  mkdirSync(join(folder, 'onnx', 'model.onnx'));
  const model = await inspectModelFolder(folder);
  const byId = new Map(model.variants.map((variant) => [variant.id, variant]));
  assert.deepEqual([...byId.keys()], ['fp32', 'fp16', 'q4']);
  assert.equal(byId.get('fp32')?.error?.file, join(folder, 'onnx', 'model.onnx'));
  assert.match(byId.get('fp32')?.error?.problem ?? '', /is a folder/);
  assert.match(byId.get('q4')?.error?.problem ?? '', /is not a valid ONNX model \(truncated/);
  assert.equal(byId.get('q4')?.signature, undefined);
  assert.equal(model.baselineId, 'fp16');
  await assertInputError(() => inspectModelFolder(folder, { baseline: 'fp32' }), join(folder, 'onnx', 'model.onnx'), /cannot be the baseline/);
});

test('external data the graph names but the folder lacks makes the variant an error naming the missing file', async (t) => {
  const folder = writeModelFolder(tempDir(t), { files: { 'onnx/model.onnx': externalDataModel('weights.bin', 64) } });
  const [fp32] = (await inspectModelFolder(folder)).variants;
  assert.equal(fp32.error?.file, join(folder, 'onnx', 'weights.bin'));
  assert.match(fp32.error?.problem ?? '', /is missing; model\.onnx keeps weights in it/);
});

test('missing tokenizer.json and config.json are recorded as problems naming each file', async (t) => {
  const folder = writeModelFolder(tempDir(t), { config: null, tokenizer: false, files: { 'model.onnx': fp16Model() } });
  const model = await inspectModelFolder(folder);
  assert.deepEqual(model.problems.map((problem) => [problem.file, problem.problem]), [
    [join(folder, 'config.json'), 'is missing.'],
    [join(folder, 'tokenizer.json'), 'is missing.'],
  ]);
  assert.deepEqual(model.config, {});
  assert.equal(model.baselineId, 'fp32');
});

test('a bare .onnx beside a tokenizer is a variant; without a full-precision one there is no baseline', async (t) => {
  const folder = writeModelFolder(tempDir(t), { files: { 'gpt2.onnx': fp16Model(), 'gpt2_q4.onnx': matMulNBitsModel() } });
  const model = await inspectModelFolder(folder);
  assert.deepEqual(model.variants.map((variant) => [variant.id, variant.dtype]), [['q4', 'q4'], ['gpt2', 'unknown']]);
  assert.equal(model.baselineId, undefined);
  assert.equal(model.problems.length, 1);
  assert.match(model.problems[0].problem, /no readable full-precision variant/);
});

test('a folder without a model, or that does not exist, is a clear InputError', async (t) => {
  const folder = writeModelFolder(tempDir(t));
  await assertInputError(() => inspectModelFolder(folder), folder, /holds no ONNX model/);
  const nowhere = join(folder, 'nowhere');
  await assertInputError(() => inspectModelFolder(nowhere), nowhere, /does not exist/);
  await assertInputError(() => discoverModels(nowhere), nowhere, /does not exist/);
});

test('discoverModels finds model folders to maxDepth, skipping hidden folders, node_modules and bare onnx/ folders', async (t) => {
  const root = tempDir(t);
  const model = { files: { 'onnx/model.onnx': fp16Model() } };
  writeModelFolder(join(root, 'llama'), model);
  writeModelFolder(join(root, 'team', 'gqa'), model);
  writeModelFolder(join(root, 'a', 'b', 'c', 'too-deep'), model);
  writeModelFolder(join(root, '.cache', 'hidden'), model);
  writeModelFolder(join(root, 'node_modules', 'pkg'), model);
  writeModelFolder(join(root, 'no-metadata'), { config: null, tokenizer: false, ...model });
  const found = await discoverModels(root, { maxDepth: 3 });
  assert.deepEqual(found.map((folder) => folder.path), [join(root, 'llama'), join(root, 'team', 'gqa')]);
  assert.equal((await discoverModels(root, { maxDepth: 4 })).length, 3);
  assert.deepEqual((await discoverModels(join(root, 'llama'), { maxDepth: 0 })).map((folder) => folder.name), ['llama']);
});

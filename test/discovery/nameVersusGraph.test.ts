import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { inspectModelFolder } from '../../src/node/discovery';
import { graphPrecision } from '../../src/shared/graphPrecision';
import { readQuantSignature } from '../../src/node/onnxStream';
import { readRun } from '../../src/node/runFolder/reader';
import type { RunReport } from '../../src/shared/report/schema';
import { copyModel, runCli, runWorker, testRequest, withTempDir } from '../helpers/engineRun';
import { TINY_LLAMA } from '../helpers/fixtures';
import { tempDir, writeModelFolder } from './support/modelFolders';
import { fp16Model, matMulNBitsModel, qdqPerChannelModel } from './support/onnxModels';

const fp32Graph = (): Uint8Array => readFileSync(join(TINY_LLAMA, 'onnx', 'model.onnx'));
const REMEDY = 'Check the export: it may be a copy of another variant. QuantLens still evaluates and reports it as the dtype its name says.';

test('graphPrecision reads quantization and the float type from the signature', () => {
  assert.deepEqual(graphPrecision(readQuantSignature(join(TINY_LLAMA, 'onnx', 'model.onnx'))), { quantized: false, float: 'float32', floatShare: 1 });
  assert.equal(graphPrecision(readQuantSignature(join(TINY_LLAMA, 'onnx', 'model_fp16.onnx'))).float, 'float16');
  assert.equal(graphPrecision(readQuantSignature(join(TINY_LLAMA, 'onnx', 'model_q4.onnx'))).quantized, true);
  assert.equal(graphPrecision(readQuantSignature(join(TINY_LLAMA, 'onnx', 'model_quantized.onnx'))).quantized, true);
});

test('a file named _int8, _q4 or _fp16 whose graph is fp32 gets a warning from its signature; files whose graph matches their name get none', async (t) => {
  const folder = writeModelFolder(join(tempDir(t), 'mislabelled'), {
    files: {
      'onnx/model.onnx': fp32Graph(),
      'onnx/model_int8.onnx': fp32Graph(),
      'onnx/model_q4.onnx': fp32Graph(),
      'onnx/model_fp16.onnx': fp32Graph(),
      'onnx/model_uint8.onnx': fp16Model(),
      'onnx/model_quantized.onnx': qdqPerChannelModel(),
      'onnx/model_bnb4.onnx': matMulNBitsModel(),
      'onnx/model_bf16.onnx': fp16Model(),
    },
  });
  const model = await inspectModelFolder(folder);
  const warnings = Object.fromEntries(model.variants.map((v) => [v.id, v.warnings]));
  const file = (name: string): string => join(folder, 'onnx', name);
  assert.deepEqual(warnings.int8, [{ file: file('model_int8.onnx'), problem: 'is named int8, but its graph holds no quantized operator (MatMulNBits, DequantizeLinear, MatMulInteger…); 100% of its weight bytes are float32: its signature says it is not quantized.', remedy: REMEDY }]);
  assert.deepEqual(warnings.q4, [{ file: file('model_q4.onnx'), problem: 'is named q4, but its graph holds no quantized operator (MatMulNBits, DequantizeLinear, MatMulInteger…); 100% of its weight bytes are float32: its signature says it is not quantized.', remedy: REMEDY }]);
  assert.deepEqual(warnings.fp16, [{ file: file('model_fp16.onnx'), problem: 'is named fp16, but 100% of its weight bytes are float32, not float16: its signature says fp32.', remedy: REMEDY }]);
  assert.match(warnings.uint8?.[0]?.problem ?? '', /^is named uint8, but its graph holds no quantized operator .*float16: its signature says it is not quantized\.$/);
  for (const id of ['fp32', 'q8', 'bnb4', 'bf16']) assert.equal(warnings[id], undefined, `${id} matches its name (or its name promises nothing)`);
  assert.deepEqual(model.problems, [], 'a warning does not make the folder a problem');

  const cli = await runCli(['discover', folder]);
  assert.equal(cli.code, 0, cli.stderr);
  assert.ok(cli.stdout.includes(`warning: ${file('model_int8.onnx')}: is named int8, but its graph holds no quantized operator`), cli.stdout);
});

test('a run of a mislabelled variant carries the warning in its messages and its report', async () => {
  await withTempDir('ql-mislabelled-', async (dir) => {
    const model = copyModel(TINY_LLAMA, dir, 'tiny');
    const int8 = join(model, 'onnx', 'model_int8.onnx');
    copyFileSync(join(model, 'onnx', 'model.onnx'), int8);
    const run = await runWorker(testRequest(model, { variants: ['int8'] }), join(dir, 'out'));
    assert.equal(run.outcome.done?.status, 'completed');
    const expected = `int8: ${int8} is named int8, but its graph holds no quantized operator (MatMulNBits, DequantizeLinear, MatMulInteger…); 100% of its weight bytes are float32: its signature says it is not quantized. ${REMEDY}`;
    assert.ok(run.messages.some((m) => m.type === 'warning' && m.message === expected && m.variantId === 'int8'));
    assert.ok((readRun(run.outcome.runFolder!).report as RunReport).warnings.includes(expected));
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModelVariant, VariantDtype } from '../../src/shared/modelTypes';
import { chooseBaseline } from '../../src/node/baseline';

function variant(dtype: VariantDtype, broken = false): ModelVariant {
  return {
    id: dtype,
    dtype,
    file: `/models/tiny/onnx/model_${dtype}.onnx`,
    externalDataFiles: [],
    sizeBytes: 1,
    ...(broken ? { error: { file: `/models/tiny/onnx/model_${dtype}.onnx`, problem: 'is broken.', remedy: 'Fix it.' } } : {}),
  };
}

test('the baseline is fp32, else fp16, else bf16, passing over broken ones', () => {
  assert.equal(chooseBaseline([variant('q4'), variant('fp16'), variant('fp32')])?.id, 'fp32');
  assert.equal(chooseBaseline([variant('q4'), variant('bf16'), variant('fp16')])?.id, 'fp16');
  assert.equal(chooseBaseline([variant('fp32', true), variant('bf16')])?.id, 'bf16');
  assert.equal(chooseBaseline([variant('q4'), variant('q8')]), undefined);
});

test('an override names the model folder and the ids when it matches none', () => {
  assert.equal(chooseBaseline([variant('fp32'), variant('q4')], 'q4')?.id, 'q4');
  assert.throws(() => chooseBaseline([variant('fp32'), variant('q4')], 'int8'), (error: Error & { file?: string }) => {
    assert.equal(error.file, '/models/tiny');
    assert.match(error.message, /has no variant "int8" to use as the baseline \(its variants: fp32, q4\)/);
    return true;
  });
});

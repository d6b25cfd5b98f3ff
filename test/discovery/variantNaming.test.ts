import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assignVariantIds, dtypeOfOnnxFile, isExternalDataFileOf, modelFolderOfVariantFile } from '../../src/node/variantNaming';

test('transformers.js file names map to their dtypes; anything else is unknown', () => {
  const expected: Record<string, string> = {
    'model.onnx': 'fp32',
    'model_fp16.onnx': 'fp16',
    'model_bf16.onnx': 'bf16',
    'model_quantized.onnx': 'q8',
    'model_int8.onnx': 'int8',
    'model_uint8.onnx': 'uint8',
    'model_q4.onnx': 'q4',
    'model_q4f16.onnx': 'q4f16',
    'model_bnb4.onnx': 'bnb4',
    'decoder_model_merged.onnx': 'fp32',
    'decoder_model_merged_q4f16.onnx': 'q4f16',
    'decoder_model_merged_quantized.onnx': 'q8',
    'phi_q4.onnx': 'q4',
    'model_awq.onnx': 'unknown',
    'model_constructor.onnx': 'unknown',
    'gpt2.onnx': 'unknown',
  };
  for (const [name, dtype] of Object.entries(expected)) assert.equal(dtypeOfOnnxFile(name), dtype, name);
});

test('external data files are matched by the exporters\' names only', () => {
  assert.ok(isExternalDataFileOf('model.onnx', 'model.onnx_data'));
  assert.ok(isExternalDataFileOf('model.onnx', 'model.onnx.data'));
  assert.ok(isExternalDataFileOf('model.onnx', 'model.onnx_data_12'));
  assert.ok(!isExternalDataFileOf('model.onnx', 'model.onnx_data_x'));
  assert.ok(!isExternalDataFileOf('model.onnx', 'model_fp16.onnx_data'));
  assert.ok(!isExternalDataFileOf('model_fp16.onnx', 'model.onnx_data'));
});

test('ids are dtypes where unique, else stems, else relative paths', () => {
  assert.deepEqual(assignVariantIds([
    { dtype: 'fp32', relativePath: 'onnx/model.onnx' },
    { dtype: 'fp32', relativePath: 'onnx/decoder_model_merged.onnx' },
    { dtype: 'q4', relativePath: 'onnx/model_q4.onnx' },
    { dtype: 'unknown', relativePath: 'onnx/model_awq.onnx' },
    { dtype: 'unknown', relativePath: 'q4.onnx' },
    { dtype: 'unknown', relativePath: 'model_awq.onnx' },
  ]), ['model', 'decoder_model_merged', 'onnx/model_q4.onnx', 'onnx/model_awq.onnx', 'q4.onnx', 'model_awq.onnx']);
});

test('a variant in onnx/ belongs to the folder above it', () => {
  assert.equal(modelFolderOfVariantFile('/m/llama/onnx/model.onnx'), '/m/llama');
  assert.equal(modelFolderOfVariantFile('/m/gpt2/model.onnx'), '/m/gpt2');
});

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isInputError } from '../../src/shared/errors';
import { readQuantSignature } from '../../src/node/onnxStream';
import { tempDir } from './support/modelFolders';
import {
  MATMUL_NBITS_PARAMETERS, QDQ_PARAMETERS, externalDataModel, fp16Model, matMulNBitsModel, qdqPerChannelModel,
  subgraphModel,
} from './support/onnxModels';

function writeTemp(dir: string, name: string, bytes: Uint8Array | string): string {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

test('a MatMulNBits model shows its bits, block size and logical parameter count', (t) => {
  const signature = readQuantSignature(writeTemp(tempDir(t), 'model_q4.onnx', matMulNBitsModel()));
  assert.deepEqual(signature.opTypeHistogram, { Gather: 1, 'com.microsoft::MatMulNBits': 1 });
  assert.deepEqual(signature.matMulNBits, [
    { name: 'MatMulNBits_w_q4', bits: 4, blockSize: 32, accuracyLevel: 4, K: 64, N: 32 },
  ]);
  assert.deepEqual(signature.matMulNBitsSettings, [{ bits: 4, blockSize: 32, accuracyLevel: 4, count: 1 }]);
  assert.equal(signature.parameterCount, MATMUL_NBITS_PARAMETERS);
  assert.deepEqual(signature.initializerDtypes, {
    float32: { count: 2, bytes: 100 * 64 * 4 + 64 * 4 },
    uint8: { count: 1, bytes: 32 * 2 * 16 },
  });
  assert.deepEqual(signature.opsetImports, [{ domain: '', version: 17 }, { domain: 'com.microsoft', version: 1 }]);
  assert.equal(signature.producer, 'quantlens-test 1.0');
  assert.equal(signature.externalData, false);
});

test('a QDQ model shows per-channel axes, excluding per-tensor scales, and counts QDQ operators', (t) => {
  const signature = readQuantSignature(writeTemp(tempDir(t), 'model_quantized.onnx', qdqPerChannelModel()));
  assert.deepEqual(signature.qdq, {
    quantizeLinear: 1,
    dequantizeLinear: 3,
    perChannelAxes: [-1, 1],
    matMulInteger: 1,
    dynamicQuantizeLinear: 1,
  });
  assert.equal(signature.parameterCount, QDQ_PARAMETERS);
  assert.deepEqual(signature.initializerDtypes, {
    float32: { count: 3, bytes: (32 + 8 + 1) * 4 },
    int8: { count: 6, bytes: 64 * 32 + 32 + 16 * 8 + 8 * 8 + 8 * 4 + 1 },
  });
});

test('an fp16 model counts tensors stored in raw_data, int32_data and float_data alike', (t) => {
  const signature = readQuantSignature(writeTemp(tempDir(t), 'model_fp16.onnx', fp16Model()));
  assert.deepEqual(signature.initializerDtypes, {
    float16: { count: 2, bytes: (256 + 6) * 2 },
    float32: { count: 1, bytes: 16 },
  });
  assert.equal(signature.parameterCount, 256 + 6 + 4);
  assert.deepEqual(signature.opTypeHistogram, { Add: 1, MatMul: 2 });
});

test('external data is noted with its file name, and nodes inside subgraphs are counted', (t) => {
  const dir = tempDir(t);
  const external = readQuantSignature(writeTemp(dir, 'model.onnx', externalDataModel('model.onnx_data', 4096)));
  assert.equal(external.externalData, true);
  assert.deepEqual(external.externalDataLocations, ['model.onnx_data']);
  assert.equal(external.parameterCount, 1024);

  const branched = readQuantSignature(writeTemp(dir, 'merged.onnx', subgraphModel()));
  assert.deepEqual(branched.opTypeHistogram, { Gemm: 1, If: 1, MatMul: 1 });
  assert.deepEqual(branched.initializerDtypes, { int4: { count: 1, bytes: 8 } });
});

function assertNotOnnx(file: string, detail: RegExp): void {
  assert.throws(() => readQuantSignature(file), (error: unknown) => {
    assert.ok(isInputError(error), `expected an InputError, got ${String(error)}`);
    assert.equal(error.file, file);
    assert.match(error.problem, /is not a valid ONNX model/);
    assert.match(error.problem, detail);
    assert.match(error.remedy, /re-export or re-download/i);
    return true;
  });
}

test('a truncated model is reported with the byte where it ends', (t) => {
  const whole = matMulNBitsModel();
  const file = writeTemp(tempDir(t), 'model.onnx', whole.subarray(0, whole.length - 100));
  assertNotOnnx(file, new RegExp(`truncated.*${whole.length - 100}`));
});

test('files that are not protobuf, or hold no graph, are not ONNX models', (t) => {
  const dir = tempDir(t);
  assertNotOnnx(writeTemp(dir, 'text.onnx', 'this is a README, not a model\n'), /wire type|byte/);
  assertNotOnnx(writeTemp(dir, 'empty.onnx', ''), /empty/);
  assertNotOnnx(writeTemp(dir, 'html.onnx', '<!DOCTYPE html><html>404 Not Found</html>'), /byte \d+/);
  // Valid protobuf, but field 7 (graph) as a varint: the wrong wire type for a message.
  assertNotOnnx(writeTemp(dir, 'wrong.onnx', new Uint8Array([0x38, 0x01])), /wire type 0 for field 7/);
  // A well-formed ModelProto with only an opset_import (field 8 { version: 17 }).
  assertNotOnnx(writeTemp(dir, 'opset-only.onnx', new Uint8Array([0x42, 0x02, 0x10, 0x11])), /no graph/);
});

test('a Git LFS pointer left by a clone without LFS is named as such', (t) => {
  const pointer = 'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 1234567\n';
  const file = writeTemp(tempDir(t), 'model.onnx', pointer);
  assert.throws(() => readQuantSignature(file), (error: unknown) => {
    assert.ok(isInputError(error));
    assert.match(error.problem, /Git LFS pointer/);
    assert.match(error.remedy, /git lfs pull/);
    return true;
  });
});

test('a folder named like a model is reported as unreadable, naming it', (t) => {
  const folder = join(tempDir(t), 'model.onnx');
  mkdirSync(folder);
  assert.throws(() => readQuantSignature(folder), (error: unknown) => {
    assert.ok(isInputError(error));
    assert.equal(error.file, folder);
    assert.match(error.problem, /is a folder/);
    return true;
  });
});

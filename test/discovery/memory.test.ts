import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { answerSignatureProbe, probeSignatureInChild } from './support/signatureProbe';
import { tempDir } from './support/modelFolders';
import { oneGibModelSpec, writeSparseModel } from './support/sparseModel';

// In the probe child this reads the file and exits before any test below is registered.
answerSignatureProbe();

const GIB = 1024 ** 3;
const RSS_LIMIT_BYTES = 150 * 1024 * 1024;

test('a 1 GiB model is read past its payload in flat memory', (t) => {
  const file = join(tempDir(t), 'model.onnx');
  const size = writeSparseModel(file, oneGibModelSpec());
  assert.ok(size > GIB);
  // Sparse: the file must not really occupy a gigabyte, or the test would be slow and heavy on disk.
  assert.ok(statSync(file).blocks * 512 < 1024 * 1024, 'the test file should be sparse');

  const { signature, maxRssBytes } = probeSignatureInChild(file);
  assert.ok(maxRssBytes < RSS_LIMIT_BYTES, `peak RSS ${(maxRssBytes / 2 ** 20).toFixed(0)} MiB`);
  assert.deepEqual(signature.opTypeHistogram, { MatMul: 1, 'com.microsoft::MatMulNBits': 1 });
  assert.deepEqual(signature.initializerDtypes, { float32: { count: 1, bytes: GIB } });
  assert.equal(signature.parameterCount, GIB / 4);
  assert.deepEqual(signature.matMulNBitsSettings, [{ bits: 4, blockSize: 32, accuracyLevel: 0, count: 1 }]);
});

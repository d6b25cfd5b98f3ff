// Discovery on the real fixture models that `npm test`'s pretest step makes (node dist/make-fixtures.js).
// A missing fixture folder fails these tests rather than skipping them: pretest always creates it.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { test } from 'node:test';
import { discoverModels, inspectModelFolder } from '../../src/node/discovery';
import { FIXTURE_MODELS, FIXTURE_ROOT } from '../helpers/fixtures';

function assertFixtureExists(folder: string): void {
  assert.ok(existsSync(folder), `${folder} is missing: run \`node scripts/build.mjs && node dist/make-fixtures.js\``);
}

for (const folder of FIXTURE_MODELS) {
  test(`${basename(folder)}: four variants, fp32 baseline, signatures that match how each was quantized`, async () => {
    assertFixtureExists(folder);
    const model = await inspectModelFolder(folder);
    assert.deepEqual(model.problems, []);
    assert.equal(model.config.model_type, 'llama');
    assert.deepEqual(model.variants.map((variant) => variant.id), ['fp32', 'fp16', 'q8', 'q4']);
    assert.equal(model.baselineId, 'fp32');
    const [fp32, fp16, q8, q4] = model.variants.map((variant) => {
      assert.equal(variant.error, undefined, `${variant.id}: ${variant.error?.problem}`);
      assert.ok(variant.signature);
      return variant.signature;
    });

    assert.ok(fp16.initializerDtypes.float16, 'fp16 keeps its weights in float16');

    assert.ok(q8.qdq.dequantizeLinear > 0, 'q8 dequantizes its int8 weights');
    assert.ok(q8.initializerDtypes.int8);
    assert.ok(q8.qdq.perChannelAxes.length > 0, 'q8 scales are per channel');

    assert.ok(q4.opTypeHistogram['com.microsoft::MatMulNBits'] > 0);
    assert.deepEqual(q4.matMulNBitsSettings.map(({ bits, blockSize }) => ({ bits, blockSize })), [{ bits: 4, blockSize: 32 }]);

    // Packed and dequantized weights count as the weights they stand for, so every variant agrees.
    for (const signature of [fp16, q8, q4]) assert.equal(signature.parameterCount, fp32.parameterCount);
  });
}

test('discoverModels finds both fixture families under the fixtures folder', async () => {
  FIXTURE_MODELS.forEach(assertFixtureExists);
  const found = await discoverModels(FIXTURE_ROOT);
  assert.deepEqual(found.map((model) => model.path).sort(), [...FIXTURE_MODELS].sort());
});

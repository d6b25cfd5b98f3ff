import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { inspectModelFolder } from '../../src/node/discovery';
import { OnnxDecoderBackend } from '../../src/worker/backend/onnxBackend';
import { loadTokenizer } from '../../src/worker/backend/tokenizer';
import { exactLengthPrompts, promptSource } from '../../src/worker/inputs/exactLengthPrompts';
import { DEMO_CORPUS, TEST_THREADS } from '../helpers/engineRun';
import { FIXTURE_MODELS } from '../helpers/fixtures';

const NEW_TOKENS = 16;
const ROWS = 3;

for (const modelFolder of FIXTURE_MODELS) {
  test(`batched greedy decoding equals batch-1 greedy row by row (${modelFolder.split('/').at(-1)}, every variant)`, async () => {
    const folder = await inspectModelFolder(modelFolder);
    const tokenizer = await loadTokenizer(modelFolder, 2);
    const prompts = exactLengthPrompts(promptSource(tokenizer, readFileSync(DEMO_CORPUS, 'utf8'), 20 * ROWS), 20, ROWS);
    assert.equal(new Set(prompts.map((p) => p.join())).size, ROWS, 'the rows are different prompts');
    for (const variant of folder.variants) {
      const backend = await OnnxDecoderBackend.load({ modelFolder, variant, executionProvider: 'cpu', threads: { intraOp: TEST_THREADS, interOp: 1 }, eosTokenIds: [] });
      const batch = await backend.generateGreedyBatch(prompts, { maxNewTokens: NEW_TOKENS, stopOnEos: false });
      assert.equal(batch.tokenTimesMs.length, NEW_TOKENS, 'one timestamp per step');
      assert.equal(batch.rows.length, ROWS);
      for (const [i, prompt] of prompts.entries()) {
        const single = await backend.generateGreedy(prompt, { maxNewTokens: NEW_TOKENS, stopOnEos: false });
        assert.deepEqual(batch.rows[i], single.tokens, `${variant.id}, row ${i}`);
      }
      await assert.rejects(backend.generateGreedyBatch([prompts[0]!, prompts[1]!.slice(1)], { maxNewTokens: 1, stopOnEos: false }), /one length/);
      await backend.dispose();
    }
  });
}

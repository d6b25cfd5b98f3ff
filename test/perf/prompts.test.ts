import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { loadTokenizer } from '../../src/worker/backend/tokenizer';
import { exactLengthPrompts, promptSource } from '../../src/worker/inputs/exactLengthPrompts';
import { DEMO_CORPUS } from '../helpers/engineRun';
import { TINY_LLAMA } from '../helpers/fixtures';

test('exact-length prompts: the prefix, then consecutive slices of the stream, wrapping around a short one', () => {
  const source = { prefix: [1], text: [10, 11, 12, 13, 14] };
  assert.deepEqual(exactLengthPrompts(source, 3, 3), [[1, 10, 11], [1, 12, 13], [1, 14, 10]]);
  assert.deepEqual(exactLengthPrompts(source, 1, 2), [[1], [1]], 'length 1 is the prefix alone');
  assert.deepEqual(exactLengthPrompts({ prefix: [], text: [5, 6] }, 5, 1), [[5, 6, 5, 6, 5]]);
  assert.deepEqual(exactLengthPrompts({ prefix: [1], text: [] }, 4, 2), [], 'no text, no prompts');
});

test('exact-length prompts cut from the demo corpus by the fixture tokenizer: every prompt is exactly the asked length', async () => {
  const tokenizer = await loadTokenizer(TINY_LLAMA, 2);
  const corpus = readFileSync(DEMO_CORPUS, 'utf8');
  const source = promptSource(tokenizer, corpus, 64 * 8);
  const whole = tokenizer.encode(corpus, true);
  assert.deepEqual(source.prefix, [whole[0]], 'the prefix is the BOS the tokenizer adds');
  for (const length of [1, 7, 64, 300]) {
    const prompts = exactLengthPrompts(source, length, 8);
    assert.equal(prompts.length, 8);
    for (const p of prompts) assert.equal(p.length, length, `length ${length}`);
  }
  // Prompt 0 is the corpus's own first tokens, as the tokenizer encodes the whole corpus.
  assert.deepEqual(exactLengthPrompts(source, 64, 1)[0], whole.slice(0, 64));
  // Prompt 1 continues where prompt 0 stopped.
  const [p0, p1] = exactLengthPrompts(source, 64, 2);
  assert.deepEqual(p1!.slice(1), source.text.slice(63, 126));
  assert.notDeepEqual(p0, p1);
});

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { compareTokenizations, describeDisagreement } from '../../src/worker/backend/tokenizerAgreement';

test('agreeing tokenizations count texts and tokens', () => {
  assert.deepEqual(compareTokenizations(['a', 'bc'], [[1, 5], [1, 6, 7]], [[1, 5], [1, 6, 7]]), { agrees: true, texts: 2, tokens: 5 });
});

test('the first mismatch: text, position, both ids, and an excerpt near the spot', () => {
  const text = 'The committee met on Tuesday to discuss the quarterly budget';
  const local = [[1, 2], [1, 10, 11, 12, 13, 14, 15]];
  const other = [[1, 2], [1, 10, 11, 12, 99, 14, 15]];
  // Each local id decodes to 10 characters here, so position 4 sits 30 characters in.
  const result = compareTokenizations(['x', text], local, other, (ids) => 'x'.repeat(10 * (ids.length - 1)));
  assert.deepEqual(result, { agrees: false, textIndex: 1, position: 4, localId: 13, otherId: 99, localLength: 7, otherLength: 7, excerpt: '… Tuesday to discuss the quarterly budget' });
  assert.equal(describeDisagreement(result as Extract<typeof result, { agrees: false }>, 'llama.cpp'), 'text 2, token 4: the local tokenizer gives id 13, llama.cpp gives id 99 (near "… Tuesday to discuss the quarterly budget"; 7 vs 7 tokens)');
});

test('one side a prefix of the other: the position is where the shorter ends', () => {
  const result = compareTokenizations(['ab'], [[1, 2, 3]], [[1, 2]]);
  assert.deepEqual(result, { agrees: false, textIndex: 0, position: 2, localId: 3, otherId: undefined, localLength: 3, otherLength: 2, excerpt: 'ab' });
  assert.match(describeDisagreement(result as Extract<typeof result, { agrees: false }>, 'the server'), /the server gives end of text/);
  assert.throws(() => compareTokenizations(['a'], [], [[1]]), /1 texts but 0 local and 1 other/);
});

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { exactLengthTokens, fixtureFolder, formatTable, makeFixturesArgs, median } from '../../bench/scaleParts';

test('bench:scale fixtures: one cache parent per reduction, make-fixtures arguments to match', () => {
  const reduced = { shape: 'qwen2.5-0.5b' as const, layers: 2, bpeVocab: 48859, variants: ['fp32', 'q4'] };
  assert.equal(fixtureFolder('/c', reduced), '/c/qwen2.5-0.5b-L2-V48859-fp32.q4/qwen2.5-0.5b-reduced');
  assert.deepEqual(makeFixturesArgs('/c', reduced), ['--realistic', 'qwen2.5-0.5b', '--out', '/c/qwen2.5-0.5b-L2-V48859-fp32.q4', '--variants', 'fp32,q4', '--layers', '2', '--bpe-vocab', '48859']);
  const full = { shape: 'smollm2-135m' as const, variants: ['fp32'] };
  assert.equal(fixtureFolder('/c', full), '/c/smollm2-135m-Lfull-Vfull-fp32/smollm2-135m');
  assert.deepEqual(makeFixturesArgs('/c', full).slice(4), ['--variants', 'fp32']);
});

test('bench:scale helpers: exact-length corpus, median, table', () => {
  assert.deepEqual(exactLengthTokens([1, 2, 3], 7), [1, 2, 3, 1, 2, 3, 1]);
  assert.throws(() => exactLengthTokens([], 3), /tokenized to nothing/);
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
  assert.equal(formatTable(['a', 'bb'], [['xyz', '1']]), 'a    bb\n---  --\nxyz   1');
});

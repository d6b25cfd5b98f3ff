import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { effectiveRounds, interleavedSchedule, needsMoreIterations, resolveSweep, shareOf, sweepCells } from '../../src/shared/perf/sweep';

test('variants are interleaved round by round: A B C A B C', () => {
  const order = interleavedSchedule(['A', 'B', 'C'], 2).map((s) => `${s.variant}${s.round}`);
  assert.deepEqual(order, ['A0', 'B0', 'C0', 'A1', 'B1', 'C1']);
  assert.deepEqual(interleavedSchedule(['A'], 3).map((s) => s.round), [0, 1, 2]);
});

test('iterations are shared out over the rounds and sum to the floor', () => {
  assert.deepEqual([0, 1].map((r) => shareOf(5, 2, r)), [3, 2]);
  assert.deepEqual([0, 1, 2].map((r) => shareOf(7, 3, r)), [3, 2, 2]);
  for (const [n, rounds] of [[1, 1], [10, 3], [2, 2], [100, 7]] as const) {
    let sum = 0;
    for (let r = 0; r < rounds; r++) sum += shareOf(n, rounds, r);
    assert.equal(sum, n);
  }
  // Never more rounds than iterations, so no round is empty.
  assert.equal(effectiveRounds({ ...resolveSweep({ promptTokens: 8, outputTokens: 4, warmups: 0, repetitions: 1 }), rounds: 3 }), 1);
});

test('repetitions go on until both floors are met', () => {
  assert.equal(needsMoreIterations(2, 5000, 3, 1000), true, 'too few iterations');
  assert.equal(needsMoreIterations(5, 500, 3, 1000), true, 'too little time');
  assert.equal(needsMoreIterations(3, 1000, 3, 1000), false, 'both met');
  // Simulated loop: 40 ms per iteration, at least 5 iterations and 0.5 s → 13 iterations.
  let done = 0;
  while (needsMoreIterations(done, done * 40, 5, 500)) done++;
  assert.equal(done, 13);
});

test('a sweep is the cross product of its lists, in order; without one it is the single default cell', () => {
  const single = resolveSweep({ promptTokens: 64, outputTokens: 32, warmups: 2, repetitions: 5 });
  assert.deepEqual(single, { inputLengths: [64], outputLengths: [32], batchSizes: [1], concurrency: [1], minIterations: 5, minSeconds: 0, rounds: 2 });
  assert.equal(sweepCells(single).length, 1);
  const sweep = resolveSweep({ promptTokens: 64, outputTokens: 32, warmups: 2, repetitions: 5, sweep: { inputLengths: [16, 32], batchSizes: [1, 4], concurrency: [1, 2], minIterations: 0, outputLengths: [] } });
  assert.equal(sweep.minIterations, 5, '0 means the repetitions');
  assert.deepEqual(sweep.outputLengths, [32], 'an empty list means the default');
  const cells = sweepCells(sweep).map((c) => `${c.inputTokens}/${c.outputTokens}/${c.batchSize}/${c.concurrency}`);
  assert.deepEqual(cells, ['16/32/1/1', '16/32/1/2', '16/32/4/1', '16/32/4/2', '32/32/1/1', '32/32/1/2', '32/32/4/1', '32/32/4/2']);
});

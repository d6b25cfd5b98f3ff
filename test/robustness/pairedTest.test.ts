import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { pairedPermutationTest } from '../../src/shared/robustness/pairedPermutation';
import { robustnessEntries } from '../../src/shared/robustness/robustnessReport';
import type { TaskUnitResult } from '../../src/shared/report/schema';

test('paired sign-flip permutation test, hand-computed: exact over the non-zero differences', () => {
  // [1,1,1,0]: 8 sign assignments of the three 1s; |sum| ≥ 3 only for all + and all − → 2/8.
  assert.deepEqual(pairedPermutationTest([1, 1, 1, 0]), { meanDifference: 0.75, pValue: 0.25, method: 'exact', assignments: 8 });
  // [1,−1,2]: sums ±1∓1±2 ∈ {2,−2,4,0,0,−4,2,−2}; |sum| ≥ 2 in 6 of 8.
  assert.equal(pairedPermutationTest([1, -1, 2]).pValue, 0.75);
  assert.equal(pairedPermutationTest([0, 0]).pValue, 1);
  // 20 equal differences: Monte Carlo, never 0; seeded, so the same seed gives the same p.
  const mc = pairedPermutationTest(Array(20).fill(1), { seed: 3 });
  assert.equal(mc.method, 'monte-carlo');
  assert.ok(mc.pValue > 0 && mc.pValue < 0.001, String(mc.pValue));
  assert.equal(pairedPermutationTest(Array(20).fill(1), { seed: 3 }).pValue, mc.pValue);
});

function unit(variantId: string, task: string, values: number[], perturbed = false): TaskUnitResult {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return {
    kind: 'task', variantId, task, taskType: 'multiple_choice', taskFile: '/t.yaml', executionProvider: 'cpu',
    itemKeys: values.map((_, i) => `k${i}`),
    metrics: [{ metric: 'acc', title: 'Accuracy', higherIsBetter: true, n: values.length, value: mean, se: null, ci: { low: null, high: null, confidence: 0.95 }, itemValues: values }],
    ...(perturbed ? { perturbation: { cleanTask: 't', perturbation: { name: 'typos', prob: 0.1 }, label: 'typos0.1', seed: 0, inputs: values.map(() => 'x'), changed: 3 } } : {}),
  };
}

test("robustness entries: clean, perturbed, drop, the baseline's drop and the paired p of their per-item difference", () => {
  const units = [
    unit('base', 't', [1, 1, 1, 1]), unit('base', 't~typos0.1', [1, 1, 1, 1], true),
    unit('q4', 't', [1, 1, 1, 0]), unit('q4', 't~typos0.1', [0, 0, 0, 0], true),
  ];
  const [q4] = robustnessEntries('q4', 'base', units, 0);
  assert.equal(q4!.clean, 0.75);
  assert.equal(q4!.perturbed, 0);
  assert.equal(q4!.drop, 0.75);
  assert.equal(q4!.baselineDrop, 0);
  assert.equal(q4!.dropDifference, 0.75);
  // Per-item drop differences [1,1,1,0] − [0,0,0,0]: the hand-computed exact p of 0.25.
  assert.equal(q4!.pValue, 0.25);
  assert.equal(q4!.pMethod, 'exact');
  assert.equal(q4!.n, 4);
  assert.equal(q4!.changed, 3);
  const [base] = robustnessEntries('base', 'base', units, 0);
  assert.equal(base!.drop, 0);
  assert.equal(base!.pValue, undefined, 'the baseline is not tested against itself');
});

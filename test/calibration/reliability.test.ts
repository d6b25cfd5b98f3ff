import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { calibrationSummary, reliabilityBins, selectiveAccuracy } from '../../src/shared/calibration/reliability';
import { expectedCalibrationError } from '../../src/shared/metrics/likelihood';

const close = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);

// Sorted [0.5, 0.55, 0.6, 0.8, 0.8, 0.9] in 3 parts of 2: edges 0.575, 0.8, 1; bisect_left puts 0.8 in the middle bin.
const confidence = [0.9, 0.8, 0.8, 0.6, 0.55, 0.5];
const correct = [1, 1, 0, 1, 0, 0];

test('reliability bins, hand-checked: equal-mass edges, (low, high] bins, counts, mean confidence, accuracy', () => {
  const bins = reliabilityBins(confidence, correct, 3);
  assert.deepEqual(bins.map((b) => [b.low, b.high, b.count]), [[0, 0.575, 2], [0.575, 0.8, 3], [0.8, 1, 1]]);
  close(bins[0]!.meanConfidence, 0.525, 'bin 1 confidence');
  close(bins[1]!.meanConfidence, 2.2 / 3, 'bin 2 confidence');
  assert.deepEqual(bins.map((b) => b.accuracy), [0, 2 / 3, 1]);
});

test("ECE from the bins: 2/6·0.525 + 3/6·|0.7333−0.6667| + 1/6·0.1 = 0.225, the ece metric's value", () => {
  const summary = calibrationSummary(confidence, correct, 3);
  close(summary.ece!, 0.225, 'ECE');
  close(expectedCalibrationError(confidence, correct, 3).ece, 0.225, 'ece metric');
  assert.equal(summary.numBins, 3);
  assert.equal(summary.binning, 'equal-mass');
  assert.equal(summary.bins.reduce((s, b) => s + b.count, 0), 6);
});

test('selective accuracy at 50/80/100% coverage, ties at the cut counted at their mean', () => {
  // 4 items: 0.9 right, three tied at 0.7 of which one right. 50%: k = 2 → (1 + 1·1/3)/2.
  const c = [0.9, 0.7, 0.7, 0.7];
  const y = [1, 1, 0, 0];
  close(selectiveAccuracy(c, y, 0.5).accuracy!, (1 + 1 / 3) / 2, '50%');
  // The same with the tied items in another order: item order does not matter.
  close(selectiveAccuracy([0.7, 0.7, 0.9, 0.7], [0, 0, 1, 1], 0.5).accuracy!, (1 + 1 / 3) / 2, '50% reordered');
  assert.deepEqual(selectiveAccuracy(c, y, 0.8), { coverage: 0.8, items: 4, accuracy: 0.5 });
  assert.deepEqual(selectiveAccuracy(c, y, 1), { coverage: 1, items: 4, accuracy: 0.5 });
  // 6 items at 50%: the top 3 are 0.9 (right) and two tied at 0.8 (one right) → (1 + 2·½)/3.
  const summary = calibrationSummary(confidence, correct, 3);
  assert.deepEqual(summary.selective.map((s) => s.items), [3, 5, 6]);
  close(summary.selective[0]!.accuracy!, 2 / 3, '50% of six');
  close(summary.selective[1]!.accuracy!, 3 / 5, '80% of six');
  assert.equal(selectiveAccuracy([], [], 0.5).accuracy, null);
});

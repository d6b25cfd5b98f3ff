import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arrivalOffsetsMs, gammaGaps } from '../../src/worker/load/arrivals';
import { SeededRandom } from '../../src/shared/stats/seededRandom';

function meanAndCv(xs: Float64Array): { mean: number; cv: number } {
  let m = 0;
  for (const x of xs) m += x;
  m /= xs.length;
  let v = 0;
  for (const x of xs) v += (x - m) ** 2;
  return { mean: m, cv: Math.sqrt(v / (xs.length - 1)) / m };
}

test('gamma gaps have mean 1/rate and CV 1/√burstiness (1 = Poisson: exponential gaps)', () => {
  for (const burstiness of [0.25, 1, 4]) {
    const { mean, cv } = meanAndCv(gammaGaps(new SeededRandom(11), 40000, 5, burstiness));
    assert.ok(Math.abs(mean - 0.2) < 0.2 * 0.03, `burstiness ${burstiness}: mean gap ${mean}`);
    assert.ok(Math.abs(cv - 1 / Math.sqrt(burstiness)) < 0.05 / Math.sqrt(burstiness), `burstiness ${burstiness}: CV ${cv}`);
  }
  // Poisson: the share of gaps longer than the mean is e^-1.
  const gaps = gammaGaps(new SeededRandom(3), 40000, 2, 1);
  const longer = gaps.filter((g) => g > 0.5).length / gaps.length;
  assert.ok(Math.abs(longer - Math.exp(-1)) < 0.01, `P(gap > mean) ${longer}`);
});

test("arrival offsets: seeded, rescaled so the last arrives at n / rate (vLLM), inf all at once, infinite burstiness evenly spaced", () => {
  const a = arrivalOffsetsMs(200, 4, 1, 'seed:0:0');
  assert.deepEqual(a, arrivalOffsetsMs(200, 4, 1, 'seed:0:0'));
  assert.notDeepEqual(a, arrivalOffsetsMs(200, 4, 1, 'seed:0:1'));
  assert.ok(Math.abs(a[199]! - 50000) < 1e-6, `last arrival ${a[199]}`);
  for (let i = 1; i < a.length; i++) assert.ok(a[i]! >= a[i - 1]!, 'non-decreasing');
  assert.ok(a[0]! > 0, 'the first request waits one gap, as in vLLM');
  assert.deepEqual([...arrivalOffsetsMs(3, 'inf', 1, 1)], [0, 0, 0]);
  const even = arrivalOffsetsMs(4, 8, Infinity, 1);
  assert.deepEqual([...even].map((x) => Math.round(x * 1e9) / 1e9), [125, 250, 375, 500]);
  assert.throws(() => arrivalOffsetsMs(3, 0, 1, 1), /request rate 0: give a positive number of requests per second, or inf/);
  assert.throws(() => arrivalOffsetsMs(3, 2, -1, 1), /burstiness -1: give a positive gamma shape/);
});

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { meanAndError, percentileOfSorted, sortedCopy, studentT975, summarizeDistribution } from '../../src/shared/stats/summary';
import { assertClose } from './approx';

test('meanAndError: se = sqrt((E[x²] − E[x]²)/(n − 1)), i.e. sample std / sqrt(n)', () => {
  // [1,2,3,4]: mean 2.5; E[x²] = 30/4 = 7.5; 7.5 − 6.25 = 1.25; se = sqrt(1.25/3) = 0.645497…
  const r = meanAndError([1, 2, 3, 4]);
  assert.equal(r.n, 4);
  assertClose(r.mean, 2.5, 1e-15, 'mean');
  assertClose(r.se, Math.sqrt(1.25 / 3), 1e-15, 'se');
  assertClose(r.se, 0.6454972244, 1e-9, 'se (decimal)');
  // The same number as the sample standard deviation (sqrt(5/3)) over sqrt(4).
  assertClose(r.se, Math.sqrt(5 / 3) / 2, 1e-15, 'se = s/sqrt(n)');
});

test('meanAndError: a constant series has se 0, one value has se NaN, none has mean NaN', () => {
  const constant = meanAndError(new Float64Array([0.1, 0.1, 0.1]));
  assertClose(constant.mean, 0.1, 1e-16, 'constant mean');
  // E[x²] − E[x]² can round below zero; it is clamped, never NaN.
  assert.equal(constant.se, 0);
  const one = meanAndError([7]);
  assert.equal(one.mean, 7);
  assert.ok(Number.isNaN(one.se));
  const none = meanAndError([]);
  assert.equal(none.n, 0);
  assert.ok(Number.isNaN(none.mean) && Number.isNaN(none.se));
});

test('percentileOfSorted: linear interpolation at f·(n − 1)', () => {
  const v = [1, 2, 3, 4];
  assert.equal(percentileOfSorted(v, 0), 1);
  assert.equal(percentileOfSorted(v, 1), 4);
  // 0.5·3 = 1.5 → halfway between 2 and 3
  assert.equal(percentileOfSorted(v, 0.5), 2.5);
  // 0.9·3 = 2.7 → 3 + 0.7·(4 − 3)
  assertClose(percentileOfSorted(v, 0.9), 3.7, 1e-15, 'p90');
  // 0.25·3 = 0.75 → 1.75
  assertClose(percentileOfSorted(v, 0.25), 1.75, 1e-15, 'p25');
  assert.equal(percentileOfSorted([5], 0.99), 5);
  assert.ok(Number.isNaN(percentileOfSorted([], 0.5)));
});

test('sortedCopy sorts numerically (not as strings) and leaves the input alone', () => {
  const input = [10, 9, 100, -1, 2.5];
  assert.deepEqual(Array.from(sortedCopy(input)), [-1, 2.5, 9, 10, 100]);
  assert.deepEqual(input, [10, 9, 100, -1, 2.5]);
});

test('summarizeDistribution: a 5-value case computed by hand (Student t with 4 df = 2.776)', () => {
  // Values 10..18 step 2, given unsorted. mean 14; deviations −4 −2 0 2 4; Σd² = 40;
  // sample variance 40/4 = 10; std sqrt(10) = 3.16228.
  // p90: 0.9·4 = 3.6 → 16 + 0.6·2 = 17.2; p99: 3.96 → 16 + 0.96·2 = 17.92.
  // ci95 half-width = t(4) · s/sqrt(n) = 2.776 · sqrt(10)/sqrt(5) = 2.776·sqrt(2) = 3.925856.
  const s = summarizeDistribution([14, 10, 18, 12, 16]);
  assert.equal(s.n, 5);
  assertClose(s.mean, 14, 1e-12, 'mean');
  assertClose(s.median, 14, 1e-12, 'median');
  assertClose(s.std, Math.sqrt(10), 1e-12, 'std (n − 1)');
  assertClose(s.p90, 17.2, 1e-12, 'p90');
  assertClose(s.p99, 17.92, 1e-12, 'p99');
  assert.equal(s.min, 10);
  assert.equal(s.max, 18);
  assertClose(s.ci95[0], 14 - 2.776 * Math.SQRT2, 1e-12, 'ci95 low');
  assertClose(s.ci95[1], 14 + 2.776 * Math.SQRT2, 1e-12, 'ci95 high');
  assertClose(s.ci95[1] - s.ci95[0], 2 * 3.925856, 1e-5, 'ci95 width');
  assertClose(s.cv, Math.sqrt(10) / 14, 1e-12, 'cv');
});

test('summarizeDistribution: even count median and a single value', () => {
  const even = summarizeDistribution([4, 1, 3, 2]);
  assert.equal(even.median, 2.5);
  assertClose(even.std, Math.sqrt(5 / 3), 1e-12, 'std');
  // t(3) = 3.182
  assertClose(even.ci95[1] - even.mean, 3.182 * Math.sqrt(5 / 3) / 2, 1e-12, 'ci95 half-width');
  const one = summarizeDistribution([3]);
  assert.equal(one.std, 0);
  assert.deepEqual(one.ci95, [3, 3]);
});

test('studentT975: table values and the expansion beyond 30 df', () => {
  // Standard two-sided 95% table (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2).
  assert.equal(studentT975(1), 12.706);
  assert.equal(studentT975(4), 2.776);
  assert.equal(studentT975(10), 2.228);
  assert.equal(studentT975(30), 2.042);
  // Past the table: t(40) = 2.021, t(60) = 2.000, t(120) = 1.980, t(∞) = 1.960 (same table).
  assertClose(studentT975(40), 2.021, 2e-3, 't(40)');
  assertClose(studentT975(60), 2.0, 2e-3, 't(60)');
  assertClose(studentT975(120), 1.98, 2e-3, 't(120)');
  assertClose(studentT975(1e6), 1.96, 1e-3, 't(1e6)');
  // No jump at the table's edge, and it keeps decreasing.
  assert.ok(studentT975(31) < studentT975(30) && studentT975(31) > 2.03);
  for (let df = 31; df < 500; df++) assert.ok(studentT975(df + 1) < studentT975(df), `t(${df + 1}) < t(${df})`);
  assert.ok(Number.isNaN(studentT975(0)));
});

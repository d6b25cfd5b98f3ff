import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { bootstrapInterval, bootstrapMean } from '../../src/shared/stats/bootstrap';
import { binomialCdf, chiSquareSurvival, normalCdf, studentTCdf, studentTQuantile } from '../../src/shared/stats/distributions';
import { allowedDegradation, evaluateGoal } from '../../src/shared/stats/gates';
import { countFlips, mcnemar, mcnemarFromCounts, pairedBootstrap, pairedTost } from '../../src/shared/stats/paired';
import { SeededRandom } from '../../src/shared/stats/seededRandom';
import { compareMetric, getMetric, scoreItems } from '../../src/shared/metrics/index';
import { near } from './close';

test('distributions agree with scipy 1.17 (t, chi-square, normal, binomial)', () => {
  near(studentTQuantile(0.95, 7), 1.8945786050900062, 1e-10, 't.ppf(0.95, 7)');
  near(studentTCdf(-1.5, 3), 0.11529193262241147, 1e-12, 't.cdf(−1.5, 3)');
  near(studentTCdf(2.5, 30), 0.9909421754659666, 1e-12, 't.cdf(2.5, 30)');
  near(chiSquareSurvival(9.025, 1), 0.002663119259138558, 1e-12, 'chi2.sf(9.025, 1)');
  near(normalCdf(-3), 0.0013498980316300933, 1e-12, 'norm.cdf(−3)');
  // P(X ≤ 1), X ~ Bin(7, 1/2) = (1 + 7)/128.
  near(binomialCdf(1, 7, 0.5), 8 / 128, 1e-14, 'binomial');
});

test('McNemar: exact binomial below 25 discordant pairs, chi-square with continuity correction above (statsmodels 0.15)', () => {
  // statsmodels mcnemar(table, exact=True).pvalue
  const small = mcnemarFromCounts(1, 6);
  assert.equal(small.method, 'exact-binomial');
  near(small.pValue, 0.125, 1e-14, 'b=1 c=6: 2·(1 + 7)/128');
  near(mcnemarFromCounts(24, 0).pValue, 1.1920928955078125e-7, 1e-12, 'b=24 c=0');
  assert.equal(mcnemarFromCounts(0, 0).pValue, 1);
  assert.equal(mcnemarFromCounts(12, 12, Infinity).pValue, 1);
  // statsmodels mcnemar(table, exact=False, correction=True)
  const large = mcnemarFromCounts(30, 10);
  assert.equal(large.method, 'chi-square-corrected');
  near(large.statistic!, 9.025, 1e-15, '(|30 − 10| − 1)²/40');
  near(large.pValue, 0.002663119259138558, 1e-12, 'p');
  // Wikipedia's McNemar example, b = 121, c = 59: corrected statistic 61²/180 = 20.672.
  near(mcnemarFromCounts(121, 59).statistic!, 20.67222222222222, 1e-12, 'statistic');
  near(mcnemarFromCounts(121, 59).pValue, 5.450094825427117e-6, 1e-9, 'p');
  near(mcnemarFromCounts(13, 12).pValue, 1, 1e-12, 'b=13 c=12 corrected statistic 0');
});

test('flips split correct→wrong and wrong→correct; McNemar from paired correctness', () => {
  const base = [1, 1, 1, 0, 0, 1, 0, 1];
  const variant = [1, 0, 0, 0, 1, 1, 0, 0];
  const f = countFlips(base, variant);
  assert.deepEqual(
    { bothCorrect: f.bothCorrect, bothWrong: f.bothWrong, c2w: f.correctToWrong, w2c: f.wrongToCorrect, flips: f.flips },
    { bothCorrect: 2, bothWrong: 2, c2w: 3, w2c: 1, flips: 4 },
  );
  assert.equal(f.flipRate, 0.5);
  assert.equal(f.correctToWrongRate, 3 / 8);
  // b = 3, c = 1: 2·P(X ≤ 1 | Bin(4, ½)) = 2·5/16
  near(mcnemar(base, variant).pValue, 0.625, 1e-14, 'mcnemar');
  assert.throws(() => countFlips([1], [1, 0]), /same items/);
});

test('TOST (paired, t-based) agrees with statsmodels ttost_paired', () => {
  const base = [0.52, 0.61, 0.47, 0.7, 0.55, 0.58, 0.66, 0.49];
  const variant = [0.5, 0.6, 0.48, 0.66, 0.55, 0.57, 0.63, 0.5];
  const r = pairedTost(base, variant, 0.05);
  near(r.meanDifference, -0.011249999999999996, 1e-12, 'mean');
  near(r.se, 0.006391260774347596, 1e-12, 'se');
  near(r.tLower, 6.062966505064175, 1e-9, 't lower');
  near(r.pLower, 0.0002546876943700664, 1e-9, 'p lower');
  near(r.tUpper, -9.583398669294985, 1e-9, 't upper');
  near(r.pUpper, 1.4151048457960582e-5, 1e-9, 'p upper');
  near(r.pValue, 0.0002546876943700664, 1e-9, 'TOST p');
  assert.equal(r.equivalent, true);
  // 90% interval: mean ± t.ppf(0.95, 7)·se
  near(r.ci[0], -0.011249999999999996 - 1.8945786050900062 * 0.006391260774347596, 1e-9, 'ci low');
  // A tighter margin than the difference is not equivalent.
  assert.equal(pairedTost(base, variant, 0.01).equivalent, false);
  // Identical differences: exact decision.
  assert.equal(pairedTost([1, 1, 1], [1, 1, 1], 0.1).pValue, 0);
  assert.throws(() => pairedTost([1], [1], 0), /positive/);
});

test('bootstrap: seeded, deterministic, percentile interval around the estimate', () => {
  const values = Array.from({ length: 200 }, (_, i) => (i % 7) / 6);
  const a = bootstrapMean(values, { seed: 42 });
  const b = bootstrapMean(values, { seed: 42 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(bootstrapMean(values, { seed: 43 }).low, a.low);
  assert.equal(a.resamples, 1000);
  assert.equal(a.method, 'percentile');
  assert.ok(a.low < a.estimate && a.estimate < a.high);
  // The bootstrap se of a mean approaches the population std / sqrt(n).
  let mean = 0;
  for (const v of values) mean += v / values.length;
  const popStd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
  near(a.se, popStd / Math.sqrt(values.length), 0.1 * (popStd / Math.sqrt(values.length)), 'bootstrap se');
  // A constant sample has a degenerate interval; an empty one has NaN.
  const constant = bootstrapMean([2, 2, 2], { resamples: 50 });
  assert.deepEqual([constant.low, constant.high], [2, 2]);
  assert.ok(Number.isNaN(bootstrapInterval(0, () => NaN).low));
});

test('paired bootstrap: the interval of variant − baseline on the same resampled items', () => {
  const base = Array.from({ length: 100 }, (_, i) => (i % 3 === 0 ? 0 : 1));
  const shifted = base.map((v, i) => (i % 10 === 0 ? 0 : v));
  const at = (values: number[]) => (idx: Uint32Array): number => {
    let s = 0;
    for (const i of idx) s += values[i]!;
    return s / idx.length;
  };
  const r = pairedBootstrap(100, at(base), at(shifted), { seed: 7, resamples: 500 });
  assert.equal(r.delta, r.variant - r.baseline);
  assert.ok(r.delta < 0);
  assert.ok(r.high <= 0, 'the variant is never better on any item, so no resample shows it better');
  assert.ok(r.pValue < 0.05);
  const same = pairedBootstrap(100, at(base), at(base), { resamples: 100 });
  assert.deepEqual([same.low, same.high, same.delta, same.pValue], [0, 0, 0, 1]);
});

test('compareMetric: acc gets flips, McNemar and TOST; BLEU gets the paired bootstrap only', () => {
  const acc = getMetric('acc');
  const choose = (gold: number) => ({ logLikelihoods: [-1, -2], choices: ['a', 'b'], gold });
  const base = scoreItems(acc, [0, 0, 1, 0].map(choose));
  const variant = scoreItems(acc, [0, 1, 1, 1].map(choose));
  const c = compareMetric(acc, base, variant, { equivalenceMargin: 0.1, bootstrap: { resamples: 100 } });
  assert.equal(c.baseline, 0.75);
  assert.equal(c.variant, 0.25);
  assert.equal(c.flips!.correctToWrong, 2);
  assert.equal(c.mcnemar!.method, 'exact-binomial');
  assert.ok(c.tost && c.tost.equivalent === false);
  const bleu = getMetric('bleu');
  const items = scoreItems(bleu, [{ prediction: 'a b c d', references: ['a b c d'] }, { prediction: 'x y', references: ['a b'] }]);
  const cb = compareMetric(bleu, items, items, { equivalenceMargin: 1 });
  assert.equal(cb.delta, 0);
  assert.equal(cb.flips, undefined);
  assert.equal(cb.tost, undefined);
});

test('gates: max-degradation and percent-max-degradation, mirrored for lower-is-better', () => {
  // higher-is-better: pass if variant ≥ baseline − v
  assert.equal(evaluateGoal({ metric: 'acc', maxDegradation: 0.01 }, 0.7, 0.691, true).pass, true);
  assert.equal(evaluateGoal({ metric: 'acc', maxDegradation: 0.01 }, 0.7, 0.689, true).pass, false);
  // percent: ≥ baseline·(1 − v/100): 0.7·0.98 = 0.686
  const pct = evaluateGoal({ metric: 'acc', percentMaxDegradation: 2 }, 0.7, 0.687, true);
  near(pct.threshold, 0.686, 1e-15, 'threshold');
  assert.equal(pct.pass, true);
  near(pct.percentDegradation, (0.013 / 0.7) * 100, 1e-9, 'percent degradation');
  // lower-is-better (perplexity): pass if variant ≤ baseline + v, or ≤ baseline·(1 + v/100)
  assert.equal(evaluateGoal({ metric: 'perplexity', maxDegradation: 0.5 }, 10, 10.4, false).pass, true);
  assert.equal(evaluateGoal({ metric: 'perplexity', percentMaxDegradation: 3 }, 10, 10.31, false).pass, false);
  const better = evaluateGoal({ metric: 'perplexity', maxDegradation: 0 }, 10, 9, false);
  assert.equal(better.pass, true);
  assert.equal(better.degradation, -1);
  assert.match(evaluateGoal({ metric: 'acc', maxDegradation: 1, percentMaxDegradation: 1 }, 0.5, 0.5, true).reason!, /exactly one/);
  near(allowedDegradation({ metric: 'ppl', percentMaxDegradation: 5 }, -20), 1, 1e-15, 'allowance uses |baseline|');
  const missing = evaluateGoal({ metric: 'acc', maxDegradation: 1 }, 0.5, NaN, true);
  assert.equal(missing.pass, false);
  assert.match(missing.reason!, /no variant value/);
});

test('SeededRandom: reproducible streams and distinct samples', () => {
  const a = new SeededRandom(123);
  const b = new SeededRandom(123);
  for (let i = 0; i < 10; i++) assert.equal(a.uniform(), b.uniform());
  const sample = new SeededRandom('few-shot').sample(10, 5);
  assert.equal(new Set(sample).size, 5);
  assert.ok(sample.every((i) => i >= 0 && i < 10));
  assert.deepEqual(new SeededRandom(1).sample(3, 10).sort(), [0, 1, 2]);
  let sum = 0;
  const r = new SeededRandom(9);
  for (let i = 0; i < 10000; i++) sum += r.uniform();
  near(sum / 10000, 0.5, 0.02, 'uniform mean');
});

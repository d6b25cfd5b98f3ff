import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { evaluateGoal } from '../../src/shared/stats/gates';
import { quantileIntervalOfSorted } from '../../src/shared/stats/summary';
import { studentTQuantile } from '../../src/shared/stats/distributions';
import { findRunQuantity, readingUncertainty } from '../../src/shared/report/runQuantities';
import { checkRunGoals } from '../../src/shared/report/runGoals';
import { describeVerdict, failedGoalsSentence, goalRows } from '../../src/shared/goalTable';
import { goalBands } from '../../src/shared/panel/goalBands';
import { metricById } from '../../src/shared/panel/metricsCatalog';
import type { RunGoal, RunReport, VariantSummary } from '../../src/shared/report/schema';
import type { DistributionSummary } from '../../src/shared/stats/summary';
import type { KldReport } from '../../src/shared/stats/fidelity';
import { near } from '../metrics/close';
import { toHtml, toMarkdown } from '../../src/shared/exports';
import { syntheticRun } from '../panel/synthetic';

const ci = (low: number, high: number) => ({ deltaCi: { low, high, confidence: 0.95, method: 'hand' } });

test('ci: upper on a lower-is-better value fails when the 95% upper bound is past the threshold, though the point passes', () => {
  // threshold 0 + 0.22; point 0.20 passes; upper bound 0 + 0.25 does not.
  const v = evaluateGoal({ metric: 'kld_p99', maxDegradation: 0.22, evidence: 'ci', ciBound: 'upper' }, 0, 0.2, false, ci(0.18, 0.25));
  assert.equal(v.threshold, 0.22);
  assert.equal(v.pointPass, true);
  assert.equal(v.pass, false);
  assert.equal(v.evidence, 'ci');
  assert.equal(v.ciBound, 'upper');
  assert.equal(v.decidingValue, 0.25);
  assert.deepEqual(v.ci, { low: 0.18, high: 0.25, confidence: 0.95, method: 'hand' });
  // The same goal on the point (no evidence given, as every goal written before evidence existed).
  assert.equal(evaluateGoal({ metric: 'kld_p99', maxDegradation: 0.22 }, 0, 0.2, false, ci(0.18, 0.25)).pass, true);
});

test('evidence ci without a bound takes the worse side: the lower bound for higher-is-better; ci: upper there is the lenient side', () => {
  // acc: baseline 0.70, variant 0.69, Δ in [−0.04, +0.02], allowance 0.02 → threshold 0.68.
  const strict = evaluateGoal({ metric: 'acc', maxDegradation: 0.02, evidence: 'ci' }, 0.7, 0.69, true, ci(-0.04, 0.02));
  assert.equal(strict.ciBound, 'lower');
  near(strict.decidingValue, 0.66, 1e-12, '0.70 − 0.04');
  assert.equal(strict.pointPass, true);
  assert.equal(strict.pass, false);
  const lenient = evaluateGoal({ metric: 'acc', maxDegradation: 0.02, ciBound: 'upper' }, 0.7, 0.69, true, ci(-0.04, 0.02));
  assert.equal(lenient.evidence, 'ci', 'a bound alone means evidence ci');
  near(lenient.decidingValue, 0.72, 1e-12, '0.70 + 0.02');
  assert.equal(lenient.pass, true);
  // ci: lower on a lower-is-better value passes unless even the best case breaks the margin.
  const ppl = evaluateGoal({ metric: 'ppl', maxDegradation: 0.5, ciBound: 'lower' }, 10, 10.6, false, ci(0.3, 0.9));
  assert.equal(ppl.pointPass, false);
  assert.equal(ppl.pass, true);
  near(ppl.decidingValue, 10.3, 1e-12, '10 + 0.3');
});

test('without an interval, ci evidence falls back to the point and says so; equivalence falls back to the CI bound', () => {
  const size = evaluateGoal({ metric: 'disk_size', percentMaxDegradation: 0, evidence: 'ci' }, 100, 40, false, { noCiReason: 'file sizes are exact' });
  assert.equal(size.evidence, 'point');
  assert.equal(size.requestedEvidence, 'ci');
  assert.equal(size.decidingValue, 40);
  assert.equal(size.pass, true);
  assert.equal(size.note, 'no confidence interval for disk_size (file sizes are exact): decided on the point estimate');
  // acc 0.50 → 0.51, allowance 0.05 → threshold 0.45; no TOST, Δ in [−0.08, +0.02] → lower bound 0.42 fails.
  const acc = evaluateGoal({ metric: 'acc', maxDegradation: 0.05, evidence: 'equivalence' }, 0.5, 0.51, true, ci(-0.08, 0.02));
  assert.equal(acc.evidence, 'ci');
  assert.equal(acc.requestedEvidence, 'equivalence');
  assert.equal(acc.pass, false);
  assert.equal(acc.note, 'no equivalence test for acc: decided on the 95% CI lower bound');
});

test('equivalence: TOST decides, even against a passing point estimate', () => {
  const tost = { margin: 0.05, equivalent: false, pValue: 0.2, ci: [-0.02, 0.07] as [number, number], method: 'paired t TOST (90% interval)' };
  const v = evaluateGoal({ metric: 'acc', maxDegradation: 0.05, evidence: 'equivalence' }, 0.5, 0.51, true, { tost });
  assert.equal(v.evidence, 'equivalence');
  assert.equal(v.pointPass, true);
  assert.equal(v.pass, false);
  near(v.decidingValue, 0.48, 1e-12, 'baseline + the 90% interval’s worse end');
  assert.deepEqual(v.tost, tost);
  assert.equal(evaluateGoal({ metric: 'acc', maxDegradation: 0.05, evidence: 'equivalence' }, 0.5, 0.51, true, { tost: { ...tost, equivalent: true } }).pass, true);
});

test('order-statistic interval of a quantile: ranks n·f ∓ z·√(n·f·(1 − f)), clamped to the sample', () => {
  const values = Float64Array.from({ length: 100 }, (_, i) => i + 1);
  // n·f = 90, spread 1.96·3 = 5.88: ranks ⌊84.12⌋ = 84 and ⌈95.88⌉ + 1 = 97.
  assert.deepEqual(quantileIntervalOfSorted(values, 0.9, 1.96), [84, 97]);
  // n·f = 99, spread 1.96·√0.99 = 1.950: ranks 97 and ⌈100.95⌉ + 1 = 102 → 100.
  assert.deepEqual(quantileIntervalOfSorted(values, 0.99, 1.96), [97, 100]);
});

test('TOST on a run quantity from its 90% interval, with the normal p-value', () => {
  const u = readingUncertainty({ baseline: 0, variant: 0.03, delta: { 0.95: [0.03 - 0.0196, 0.03 + 0.0196], 0.9: [0.03 - 0.016449, 0.03 + 0.016449] }, method: 'normal', test: { estimate: 0.03, se: 0.01, df: Infinity } }, 0.05);
  assert.equal(u.tost!.equivalent, true);
  // max(1 − Φ(8), Φ(−2)) = Φ(−2) (scipy.stats.norm.cdf(-2)).
  near(u.tost!.pValue!, 0.022750131948179195, 1e-12, 'TOST p');
  assert.equal(readingUncertainty({ baseline: 0, variant: 0.03, delta: { 0.95: [0, 0.06], 0.9: [0.01, 0.051] } }, 0.05).tost!.equivalent, false);
});

// --- run-level goals on report numbers -------------------------------------------------------------

function latency(n: number, mean: number, std: number): DistributionSummary {
  return { n, mean, median: mean, std, p90: mean, p99: mean, min: mean, max: mean, ci95: [mean, mean], cv: std / mean };
}

function kld(over: Partial<KldReport>): KldReport {
  const stat = { value: 0, se: 0 };
  const dist = { mean: 0, se: 0, min: 0, max: 0, percentiles: {} };
  return { tokens: 100, meanNllVariant: { mean: 0, se: 0, n: 100 }, meanNllBase: { mean: 0, se: 0, n: 100 }, pplVariant: stat, pplBase: stat, correlationLnPpl: 1, meanLnPplRatio: stat, pplRatio: stat, pplDifference: stat, kld: dist, reverseKld: dist, deltaP: dist, rmsDeltaP: stat, sameTop: stat, ...over };
}

function variant(id: string, over: Partial<VariantSummary>): VariantSummary {
  return { id, dtype: id === 'fp32' ? 'fp32' : 'q4', isBaseline: id === 'fp32', sizeBytes: id === 'fp32' ? 4 * 2 ** 20 : 2 ** 20, sizeRatioToBaseline: 1, ...over };
}

const goal = (g: Omit<RunGoal, 'file' | 'line'>): RunGoal => ({ ...g, file: '/work/goals.yaml', line: 2 });

const BASE = variant('fp32', { performance: { tpotMs: latency(5, 0.264, 0.0541) } as VariantSummary['performance'] });
const Q4 = variant('q4', {
  performance: { tpotMs: latency(5, 0.3917, 0.2714) } as VariantSummary['performance'],
  kld: kld({
    kld: { mean: 0.034, se: 0.0013, min: 0, max: 0.3, percentiles: { '99': 0.2258 }, percentileCi: { '99': { ci95: [0.2246, 0.2321], ci90: [0.2249, 0.231] } } },
    meanLnPplRatio: { value: Math.log(1.05), se: 0.01 },
    pplRatio: { value: 1.05, se: 0.0105 },
    sameTop: { value: 0.9, se: 0.03 },
  }),
});

test('TPOT with ci: upper: Welch’s interval of the difference decides (demo-like numbers: the point passes, the upper bound fails)', () => {
  const [v] = checkRunGoals([goal({ metric: 'tpot', percentMaxDegradation: 60, ciBound: 'upper' })], Q4, BASE);
  // By hand: se = √(0.0541²/5 + 0.2714²/5) = 0.123762, Welch df = 4.31738.
  const se = Math.sqrt(0.0541 ** 2 / 5 + 0.2714 ** 2 / 5);
  near(se, 0.12376168227686628, 1e-12, 'se');
  const df = (0.0541 ** 2 / 5 + 0.2714 ** 2 / 5) ** 2 / ((0.0541 ** 2 / 5) ** 2 / 4 + (0.2714 ** 2 / 5) ** 2 / 4);
  near(df, 4.317380084583451, 1e-9, 'df');
  const upper = 0.3917 + studentTQuantile(0.975, df) * se;
  assert.ok(upper > 0.72 && upper < 0.73, `upper ${upper}`);
  near(v!.threshold!, 0.264 * 1.6, 1e-12, 'threshold 0.4224');
  assert.equal(v!.pointPass, true, '0.3917 ≤ 0.4224');
  near(v!.decidingValue!, upper, 1e-9, 'the upper bound decided');
  assert.equal(v!.pass, false);
  assert.equal(v!.evidence, 'ci');
  assert.equal(v!.title, 'TPOT');
  assert.deepEqual(v!.source, { file: '/work/goals.yaml', line: 2 });
  assert.match(v!.ci!.method, /Welch/);
});

test('KLD p99 from the order-statistic interval, PPL ratio on the log scale, Same-top p by Wilson', () => {
  const [p99, ratio, sameTop, missing] = checkRunGoals(
    [
      goal({ metric: 'kld_p99', maxDegradation: 0.227, ciBound: 'upper' }),
      goal({ metric: 'ppl_ratio', percentMaxDegradation: 7, evidence: 'ci' }),
      goal({ metric: 'same_top', maxDegradation: 0.2, evidence: 'ci' }),
      goal({ metric: 'kld_mean', maxDegradation: 0.05 }),
    ],
    Q4,
    BASE,
  );
  assert.equal(p99!.pointPass, true);
  assert.equal(p99!.decidingValue, 0.2321);
  assert.equal(p99!.pass, false);
  // PPL ratio 1.05, ln-ratio se 0.01: upper bound 1.05·e^(1.96·0.01) = 1.070783 > 1.07.
  near(ratio!.decidingValue!, 1.05 * Math.exp(1.959963984540054 * 0.01), 1e-12, 'ratio upper bound');
  near(ratio!.threshold!, 1.07, 1e-12, 'threshold');
  assert.equal(ratio!.pointPass, true);
  assert.equal(ratio!.pass, false);
  // Wilson 95% for 90/100: (0.9 + z²/2n − z·√(0.9·0.1/100 + z²/4n²)) / (1 + z²/n)
  // = (0.919208 − 1.96·0.0315601) / 1.038416 = 0.825634 ≥ 1 − 0.2.
  near(sameTop!.decidingValue!, 0.825634, 1e-6, 'Wilson lower bound');
  assert.equal(sameTop!.ciBound, 'lower');
  assert.equal(sameTop!.pass, true);
  // A goal on a quantity the run did not measure fails with the reason.
  const noFidelity = checkRunGoals([goal({ metric: 'kld_mean', maxDegradation: 0.05 })], BASE, BASE)[0]!;
  assert.equal(noFidelity.pass, false);
  assert.equal(noFidelity.reason, 'no KLD in this run (measure fidelity)');
  assert.equal(missing!.pass, true);
});

test('disk size and peak RSS have no interval: ci evidence falls back to the point and the verdict says so', () => {
  const [size] = checkRunGoals([goal({ metric: 'disk_size', percentMaxDegradation: 0, evidence: 'ci' })], Q4, BASE);
  assert.equal(size!.evidence, 'point');
  assert.equal(size!.requestedEvidence, 'ci');
  assert.equal(size!.note, 'no confidence interval for disk_size (file sizes are exact): decided on the point estimate');
  assert.equal(size!.unit, 'bytes');
  assert.equal(describeVerdict(size!), 'pass (max drop 0%, got -75.0%) by the point estimate (no confidence interval for disk_size (file sizes are exact): decided on the point estimate)');
});

test('verdict text, goals table and the --fail-on-gate sentence say which evidence decided, with its numbers', () => {
  const verdicts = checkRunGoals([goal({ metric: 'kld_p99', maxDegradation: 0.227, ciBound: 'upper' }), goal({ metric: 'kld_mean', maxDegradation: 0.05, evidence: 'equivalence' })], Q4, BASE);
  assert.equal(describeVerdict(verdicts[0]!), 'FAIL (max drop 0.227, got 0.226) by 95% CI upper bound 0.2321 nats; the point would pass');
  assert.equal(describeVerdict(verdicts[1]!), 'pass (max drop 0.0500, got 0.0340) by TOST at ±0.05000: equivalent (p 4.1e-35, 90% CI of Δ [+0.03186, +0.03614])');
  const report = { variants: [BASE, { ...Q4, goals: verdicts, gatesPassed: false }] } as RunReport;
  assert.deepEqual(goalRows(report)[0], ['q4', 'KLD p99 (max rise 0.2270 nats)', '0.2258 [0.2246, 0.2321] nats', '≤ 0.2270 nats', '95% CI upper bound 0.2321 nats', 'FAIL (point would pass)']);
  assert.equal(failedGoalsSentence(report), 'A run-level goal failed: q4 (KLD p99)');
});

test('goal bands: a threshold in the plot axis’s units, on the failing side, for task and run-level goals', () => {
  const verdicts = checkRunGoals([goal({ metric: 'kld_mean', maxDegradation: 0.05, ciBound: 'upper' }), goal({ metric: 'disk_size', percentMaxDegradation: 0 }), goal({ metric: 'same_top', maxDegradation: 0.15 })], Q4, BASE);
  const report = { variants: [BASE, { ...Q4, goals: verdicts }] } as RunReport;
  assert.deepEqual(goalBands(report, metricById('kld')!), [{ threshold: 0.05, failSide: 'above', label: 'goal: Mean KLD ≤ 0.05000 nats (95% CI upper bound)' }]);
  // 4 MiB baseline, 0% growth allowed: the band starts at 4 MiB on the size axis.
  assert.deepEqual(goalBands(report, metricById('size')!), [{ threshold: 4, failSide: 'above', label: 'goal: Disk size ≤ 4.000 MiB (point)' }]);
  // Same-top p is a percentage on the plot: 1 − 0.15 → 85%, failing below.
  assert.deepEqual(goalBands(report, metricById('sameTop')!), [{ threshold: 85, failSide: 'below', label: 'goal: Same top p ≥ 85.00 % (point)' }]);
  assert.deepEqual(goalBands(report, metricById('tpot')!), []);
  assert.ok(findRunQuantity('TPOT'), 'quantity names are case-insensitive');
});

test('exports: Markdown and HTML carry the goals table, escaped', () => {
  const data = syntheticRun({ samples: 2 });
  const q4 = data.report!.variants.find((v) => v.id === 'q4')!;
  q4.goals = [{ metric: 'kld_p99', title: 'KLD <p99>', unit: 'nats', kind: 'max_degradation', limit: 0.2, higherIsBetter: false, baseline: 0, variant: 0.19, threshold: 0.2, degradation: 0.19, percentDegradation: null, pass: false, evidence: 'ci', ciBound: 'upper', decidingValue: 0.23, ci: { low: 0.18, high: 0.23, confidence: 0.95, method: 'order statistics' }, pointPass: true }];
  const md = toMarkdown(data);
  assert.match(md, /## Goals\n\n\| variant \| goal \| value \[95% CI\] \| threshold \| decided by \| verdict \|/);
  assert.match(md, /\| q4 \| KLD <p99> \(max rise 0\.2000 nats\) \| 0\.1900 \[0\.1800, 0\.2300\] nats \| ≤ 0\.2000 nats \| 95% CI upper bound 0\.2300 nats \| FAIL \(point would pass\) \|/);
  const html = toHtml(data);
  assert.ok(html.includes('<h2>Goals</h2>') && html.includes('<td>KLD &lt;p99&gt; (max rise 0.2000 nats)</td>'), 'escaped goal cells');
  assert.ok(!toMarkdown(syntheticRun({ samples: 2 })).includes('## Goals'), 'no section without goals');
});

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { summarizeDistribution } from '../../src/shared/stats/summary';
import { compareCells, isNoisy, welch } from '../../src/shared/perf/noise';
import { loadFigures, outputLengthCheck, summarizeCell } from '../../src/worker/passes/performancePass';
import { assertClose } from '../stats/approx';

// Hand-computed: x = 2 4 4 4 5 5 7 9. Σ = 40, mean 5; Σ(x − 5)² = 9+1+1+1+0+0+4+16 = 32,
// sample std √(32/7) = 2.1380899; median (4 + 5)/2 = 4.5; p90 at 0.9·7 = 6.3 → 7 + 0.3·2 = 7.6;
// p99 at 6.93 → 7 + 0.93·2 = 8.86; 95% CI 5 ± t(7, 0.975) · std/√8 = 5 ± 2.365 · 0.7559289 = 5 ± 1.7877719;
// CV 2.1380899 / 5 = 0.4276180.
test('per-cell statistics: mean, median, std, p90, p99, 95% CI and CV against hand-computed values', () => {
  const s = summarizeDistribution([9, 4, 2, 5, 4, 7, 4, 5]);
  assert.equal(s.n, 8);
  assertClose(s.mean, 5, 1e-12, 'mean');
  assertClose(s.median, 4.5, 1e-12, 'median');
  assertClose(s.std, Math.sqrt(32 / 7), 1e-12, 'std');
  assertClose(s.std, 2.1380899, 1e-7, 'std (decimal)');
  assertClose(s.p90, 7.6, 1e-12, 'p90');
  assertClose(s.p99, 8.86, 1e-12, 'p99');
  assertClose(s.ci95[0], 5 - 1.7877719, 1e-6, 'CI low');
  assertClose(s.ci95[1], 5 + 1.7877719, 1e-6, 'CI high');
  assertClose(s.cv, 0.427618, 1e-6, 'CV');
  assert.equal(s.min, 2);
  assert.equal(s.max, 9);
});

test("Welch's t: hand cases either side of Student's 97.5% quantile", () => {
  const a = { ...summarizeDistribution([0]), n: 5, mean: 10, std: 1 };
  const b = { ...summarizeDistribution([0]), n: 5, mean: 12, std: 2 };
  // se² = 1/5 + 4/5 = 1 → t = −2; df = 1 / ((0.2²)/4 + (0.8²)/4) = 1 / 0.17 = 5.882; t₀.₉₇₅(5.88) ≈ 2.46 > 2.
  const w = welch(a, b);
  assertClose(w.t, -2, 1e-12, 't');
  assertClose(w.df, 1 / 0.17, 1e-9, 'df');
  assert.equal(w.resolved, false);
  const far = welch(a, { ...b, mean: 14 });
  assertClose(far.t, -4, 1e-12, 't');
  assert.equal(far.resolved, true);
  // Equal variances and sizes: Welch's df is 2(n − 1).
  assertClose(welch({ ...a, std: 2 }, b).df, 8, 1e-9, 'df for equal variances');
  const c = compareCells({ tpotMs: a, ttftMs: { ...a, mean: 3 } }, { tpotMs: b, ttftMs: { ...a, mean: 4 } });
  assertClose(c.tpotRatio, 10 / 12, 1e-12, 'TPOT ratio');
  assertClose(c.ttftRatio, 0.75, 1e-12, 'TTFT ratio');
  assert.equal(c.resolved, false);
});

test('noise threshold: a CV above 10% marks the cell noisy', () => {
  assert.equal(isNoisy({ ...summarizeDistribution([1]), cv: 0.11 }), true);
  assert.equal(isNoisy({ ...summarizeDistribution([1]), cv: 0.09 }), false);
  assert.equal(isNoisy(summarizeDistribution([1])), false, 'one value: CV 0');
});

test('under load: Σ output tokens / wall duration and requests / wall duration per iteration; rows count as tokens', () => {
  // Two requests submitted at 0: 4 tokens by 19 ms and 4 tokens by 30 ms, batch 2 each → 16 tokens in 30 ms.
  const iteration = { requests: [{ startedAtMs: 0, tokenTimesMs: [10, 12, 15, 19], rows: 2 }, { startedAtMs: 0, tokenTimesMs: [20, 24, 27, 30], rows: 2 }] };
  const load = loadFigures([iteration]);
  assertClose(load.outputTokensPerSecond[0]!, 16 / 0.03, 1e-9, 'tokens/s');
  assertClose(load.requestsPerSecond[0]!, 2 / 0.03, 1e-9, 'requests/s');
  assertClose(load.seconds, 0.03, 1e-12, 'seconds');
});

test('a cell pools its rounds: TPOT per request and per round, prefill alone, peak RSS, KV bytes passed through', () => {
  const round = (offset: number) => ({
    prefillMs: [1 + offset],
    iterations: [{ requests: [{ startedAtMs: 0, tokenTimesMs: [10, 12 + offset, 14 + 2 * offset], rows: 1, firstEos: [null] }] }],
    peakRssBytes: 100 + offset,
    gpuMemory: { source: 'none' as const, reason: 'cpu' },
  });
  const cell = summarizeCell({ inputTokens: 8, outputTokens: 3, batchSize: 1, concurrency: 1 }, [round(0), round(2)], 1234);
  // TPOT: (14 − 10)/2 = 2 and (18 − 10)/2 = 4.
  assert.deepEqual(cell.tpotMsByRound, [2, 4]);
  assertClose(cell.tpotMs!.mean, 3, 1e-12, 'TPOT mean');
  assertClose(cell.prefillMs!.mean, 2, 1e-12, 'prefill mean');
  assert.equal(cell.iterations, 2);
  assert.equal(cell.peakRssBytes, 102);
  assert.equal(cell.kvCacheBytes, 1234);
  assert.equal(cell.outputLength.drift, false);
  assert.equal(cell.noisy, true, 'TPOT 2 and 4: CV 47%');
});

test('output-length drift and early EOS are detected', () => {
  const fixed = outputLengthCheck([{ startedAtMs: 0, tokenTimesMs: [1, 2, 3, 4], firstEos: [null, 1] }], 4);
  assert.equal(fixed.drift, false);
  assert.equal(fixed.eosBeforeEnd, 0.5, 'one row of two held an EOS at index 1');
  assert.equal(fixed.medianEosIndex, 1);
  const short = outputLengthCheck([{ startedAtMs: 0, tokenTimesMs: [1, 2, 3, 4] }, { startedAtMs: 0, tokenTimesMs: [1, 2] }], 4);
  assert.equal(short.drift, true);
  assert.equal(short.min, 2);
  assert.equal(short.max, 4);
  // An EOS as the very last token does not end the request early.
  assert.equal(outputLengthCheck([{ startedAtMs: 0, tokenTimesMs: [1, 2], firstEos: [1] }], 2).eosBeforeEnd, 0);
});

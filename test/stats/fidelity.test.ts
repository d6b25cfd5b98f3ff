import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { DELTA_P_PERCENTILES, distributionStats, KLD_PERCENTILES, LockstepAccumulator, summarizeLockstep } from '../../src/shared/stats/fidelity';
import { assertClose } from './approx';

/**
 * Five crafted tokens. Every expected number below is worked by hand from the llama.cpp
 * `kl_divergence()` formulas (tools/perplexity/perplexity.cpp): mean_and_uncertainty,
 * covariance, the PPL ratio/difference block, RMS Δp and same-top. llama.cpp itself prints 0 for
 * an uncertainty when there are ≤ 10 tokens and skips the percentile block under 100 tokens;
 * QuantLens applies the same formulas at any n, which is what is checked here.
 */
function crafted(): LockstepAccumulator {
  const acc = new LockstepAccumulator();
  const kld = [0.3, 0.1, 1.0, 0.2, 0.4];
  const reverseKld = [0.25, 0.05, 0.8, 0.15, 0.5];
  const deltaP = [-0.2, 0.1, 0, 0.3, -0.1];
  const nllBase = [1, 2, 3, 4, 5];
  const nllVariant = [2, 2, 4, 4, 6];
  const sameTop = [true, false, true, true, false];
  for (let i = 0; i < 5; i++) {
    acc.add({ kld: kld[i]!, reverseKld: reverseKld[i]!, deltaP: deltaP[i]!, nllBase: nllBase[i]!, nllVariant: nllVariant[i]!, sameTop: sameTop[i]! });
  }
  return acc;
}

test('summarizeLockstep: same-top p ± sqrt(p(1 − p)/(n − 1))', () => {
  const r = summarizeLockstep(crafted());
  assert.equal(r.tokens, 5);
  // 3 of 5 agree: p = 0.6, se = sqrt(0.24/4) = sqrt(0.06)
  assertClose(r.sameTop.value, 0.6, 1e-15, 'same top p');
  assertClose(r.sameTop.se, Math.sqrt(0.06), 1e-15, 'same top se');
});

test('summarizeLockstep: RMS Δp = sqrt(mean Δp²), se 0.5/RMS · se(Δp²)', () => {
  const r = summarizeLockstep(crafted());
  // Δp² = 0.04 0.01 0 0.09 0.01 → mean 0.03; RMS = sqrt(0.03) = 0.1732051
  // se(Δp²): E[(Δp²)²] = (0.0016 + 0.0001 + 0 + 0.0081 + 0.0001)/5 = 0.00198; − 0.03² = 0.00108;
  // /4 = 0.00027; sqrt = 0.0164317. RMS se = 0.5/0.1732051 · 0.0164317 = 0.0474342
  assertClose(r.rmsDeltaP.value, Math.sqrt(0.03), 1e-15, 'RMS Δp');
  assertClose(r.rmsDeltaP.se, (0.5 / Math.sqrt(0.03)) * Math.sqrt(0.00027), 1e-12, 'RMS Δp se');
  assertClose(r.rmsDeltaP.se, 0.0474342, 1e-7, 'RMS Δp se decimal');
});

test('summarizeLockstep: Δp mean ± se and its percentiles, quartiles included', () => {
  const r = summarizeLockstep(crafted());
  // mean 0.1/5 = 0.02; E[x²] 0.03 − 0.0004 = 0.0296; /4 = 0.0074 → se 0.0860233
  assertClose(r.deltaP.mean, 0.02, 1e-15, 'Δp mean');
  assertClose(r.deltaP.se, Math.sqrt(0.0074), 1e-12, 'Δp se');
  assert.equal(r.deltaP.min, -0.2);
  assert.equal(r.deltaP.max, 0.3);
  // sorted [−0.2, −0.1, 0, 0.1, 0.3]; percentile f at position 4f
  const expected: Record<string, number> = {
    '99.9': 0.1 + 0.996 * 0.2, // 3.996
    '99': 0.1 + 0.96 * 0.2, // 3.96
    '95': 0.1 + 0.8 * 0.2, // 3.8
    '90': 0.1 + 0.6 * 0.2, // 3.6
    '75': 0.1, // 3
    '50': 0,
    '25': -0.1, // 1
    '10': -0.2 + 0.4 * 0.1, // 0.4
    '5': -0.2 + 0.2 * 0.1, // 0.2
    '1': -0.2 + 0.04 * 0.1,
    '0.1': -0.2 + 0.004 * 0.1,
  };
  assert.deepEqual(Object.keys(r.deltaP.percentiles), Object.keys(expected));
  for (const [key, value] of Object.entries(expected)) assertClose(r.deltaP.percentiles[key]!, value, 1e-12, `Δp ${key}%`);
});

test('summarizeLockstep: KLD mean ± se, min/max and the llama.cpp percentile keys', () => {
  const r = summarizeLockstep(crafted());
  // mean 2.0/5 = 0.4; E[x²] = 1.3/5 = 0.26; 0.26 − 0.16 = 0.1; /4 → se = sqrt(0.025)
  assertClose(r.kld.mean, 0.4, 1e-15, 'KLD mean');
  assertClose(r.kld.se, Math.sqrt(0.025), 1e-12, 'KLD se');
  assert.equal(r.kld.min, 0.1);
  assert.equal(r.kld.max, 1.0);
  // sorted [0.1, 0.2, 0.3, 0.4, 1.0]
  const expected: Record<string, number> = {
    '99.9': 0.4 + 0.996 * 0.6,
    '99': 0.4 + 0.96 * 0.6,
    '95': 0.4 + 0.8 * 0.6,
    '90': 0.4 + 0.6 * 0.6,
    '50': 0.3,
    '10': 0.1 + 0.4 * 0.1,
    '5': 0.1 + 0.2 * 0.1,
    '1': 0.1 + 0.04 * 0.1,
    '0.1': 0.1 + 0.004 * 0.1,
  };
  assert.deepEqual(Object.keys(r.kld.percentiles), Object.keys(expected));
  for (const [key, value] of Object.entries(expected)) assertClose(r.kld.percentiles[key]!, value, 1e-12, `KLD ${key}%`);
  // The reverse direction is summarised separately from its own values: mean 1.75/5.
  assertClose(r.reverseKld.mean, 0.35, 1e-15, 'reverse KLD mean');
  assert.equal(r.reverseKld.max, 0.8);
  assert.deepEqual(Object.keys(r.reverseKld.percentiles), Object.keys(expected));
});

test('summarizeLockstep: PPL(Q), PPL(base), ratio, difference and correlation (llama.cpp formulas)', () => {
  const r = summarizeLockstep(crafted());
  // base b = 1..5: mean 3, E[b²] = 11, var 2 → se_b = sqrt(2/4)
  // variant q = 2 2 4 4 6: mean 3.6, E[q²] = 15.2, 15.2 − 12.96 = 2.24 → se_q = sqrt(2.24/4) = sqrt(0.56)
  // E[qb] = 64/5 = 12.8; cov = (12.8 − 3.6·3)/4 = 0.5
  const seB = Math.sqrt(0.5);
  const seQ = Math.sqrt(0.56);
  const cov = 0.5;
  assertClose(r.meanNllBase.mean, 3, 1e-15, 'mean NLL base');
  assertClose(r.meanNllBase.se, seB, 1e-14, 'se NLL base');
  assertClose(r.meanNllVariant.mean, 3.6, 1e-14, 'mean NLL variant');
  assertClose(r.meanNllVariant.se, seQ, 1e-14, 'se NLL variant');
  assertClose(r.pplBase.value, Math.exp(3), 1e-12, 'PPL base');
  assertClose(r.pplBase.se, Math.exp(3) * seB, 1e-12, 'PPL base se');
  assertClose(r.pplVariant.value, Math.exp(3.6), 1e-11, 'PPL variant');
  assertClose(r.pplVariant.se, Math.exp(3.6) * seQ, 1e-11, 'PPL variant se');
  // ln ratio = 0.6 ± sqrt(0.56 + 0.5 − 2·0.5) = sqrt(0.06) — the same as the se of the paired
  // differences q − b = [1, 0, 1, 0, 1] (mean 0.6, E[d²] 0.6, (0.6 − 0.36)/4 = 0.06).
  assertClose(r.meanLnPplRatio.value, 0.6, 1e-14, 'ln PPL ratio');
  assertClose(r.meanLnPplRatio.se, Math.sqrt(0.06), 1e-12, 'ln PPL ratio se');
  assertClose(r.pplRatio.value, Math.exp(0.6), 1e-12, 'PPL ratio');
  assertClose(r.pplRatio.se, Math.exp(0.6) * Math.sqrt(0.06), 1e-12, 'PPL ratio se');
  assertClose(r.pplRatio.value, 1.8221188, 1e-7, 'PPL ratio decimal');
  // PPL(Q) − PPL(base) ± sqrt(uQ² + ub² − 2·PPL(Q)·PPL(b)·cov)
  const uQ = Math.exp(3.6) * seQ;
  const uB = Math.exp(3) * seB;
  assertClose(r.pplDifference.value, Math.exp(3.6) - Math.exp(3), 1e-11, 'PPL difference');
  assertClose(r.pplDifference.se, Math.sqrt(uQ * uQ + uB * uB - 2 * Math.exp(3.6) * Math.exp(3) * cov), 1e-10, 'PPL difference se');
  // Cor = cov/(seQ·seB) = 0.5/sqrt(0.28) — the Pearson correlation of the two NLL series:
  // population cov 2 / sqrt(2.24 · 2).
  assertClose(r.correlationLnPpl, 0.5 / Math.sqrt(0.28), 1e-12, 'correlation');
  assertClose(r.correlationLnPpl, 2 / Math.sqrt(4.48), 1e-12, 'Pearson correlation');
});

test('summarizeLockstep: identical models give ratio 1 ± 0, correlation 1 and KLD 0', () => {
  const acc = new LockstepAccumulator();
  const nll = [0.5, 1.5, 2.25, 0.75, 3];
  for (const x of nll) acc.add({ kld: 0, reverseKld: 0, deltaP: 0, nllBase: x, nllVariant: x, sameTop: true });
  const r = summarizeLockstep(acc);
  assert.equal(r.meanLnPplRatio.value, 0);
  assertClose(r.meanLnPplRatio.se, 0, 1e-7, 'ratio se (clamped ≥ 0)');
  assert.equal(r.pplRatio.value, 1);
  assertClose(r.correlationLnPpl, 1, 1e-12, 'correlation');
  assert.equal(r.sameTop.value, 1);
  assert.equal(r.sameTop.se, 0);
  assert.equal(r.kld.mean, 0);
  assert.equal(r.rmsDeltaP.value, 0);
  assert.equal(r.rmsDeltaP.se, 0, 'no division by a zero RMS');
});

test('LockstepAccumulator grows past its initial buffer and keeps every value', () => {
  const acc = new LockstepAccumulator();
  const n = 5000;
  for (let i = 0; i < n; i++) acc.add({ kld: i, reverseKld: 0, deltaP: 0, nllBase: 1, nllVariant: 1, sameTop: i % 4 === 0 });
  assert.equal(acc.count, n);
  assert.equal(acc.sameTopCount, n / 4);
  const r = summarizeLockstep(acc);
  assertClose(r.kld.mean, (n - 1) / 2, 1e-9, 'mean of 0..n−1');
  assert.equal(r.kld.max, n - 1);
  assertClose(r.kld.percentiles['50']!, (n - 1) / 2, 1e-9, 'median');
});

test('percentile fractions are the ones llama.cpp prints', () => {
  assert.deepEqual([...KLD_PERCENTILES], [0.999, 0.99, 0.95, 0.9, 0.5, 0.1, 0.05, 0.01, 0.001]);
  assert.deepEqual([...DELTA_P_PERCENTILES], [0.999, 0.99, 0.95, 0.9, 0.75, 0.5, 0.25, 0.1, 0.05, 0.01, 0.001]);
  const s = distributionStats(new Float64Array([3, 1, 2]), [0.5]);
  assert.deepEqual(s.percentiles, { '50': 2 });
});

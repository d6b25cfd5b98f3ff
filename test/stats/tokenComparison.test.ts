import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { compareTokenDistributions, logSumExp, negativeLogLikelihood } from '../../src/shared/stats/tokenComparison';
import { assertClose } from './approx';

const { LN2, log } = Math;
const LN3 = log(3);

// Base P = [1/2, 1/4, 1/4]  ← logits [ln 2, 0, 0]  (Σ exp = 4)
// Variant Q = [1/6, 1/2, 1/3] ← logits [0, ln 3, ln 2]  (Σ exp = 6)
const BASE = [LN2, 0, 0];
const VARIANT = [0, LN3, LN2];
// KL(P‖Q) = ½ ln(½ ÷ ⅙) + ¼ ln(¼ ÷ ½) + ¼ ln(¼ ÷ ⅓) = ½ ln 3 − ¼ ln 2 + ¼ (ln 3 − 2 ln 2) = ¾ ln(3/2)
const KLD_PQ = 0.75 * log(1.5); // 0.304099…
// KL(Q‖P) = ⅙ ln(⅙ ÷ ½) + ½ ln(½ ÷ ¼) + ⅓ ln(⅓ ÷ ¼) = −⅙ ln 3 + ½ ln 2 + ⅓ (2 ln 2 − ln 3) = 7/6 ln 2 − ½ ln 3
const KLD_QP = (7 / 6) * LN2 - 0.5 * LN3; // 0.2593656…

test('logSumExp: ln Σ exp and the argmax of a row at an offset', () => {
  const buffer = [99, 99, ...BASE, -5];
  const r = logSumExp(buffer, 2, 3);
  assertClose(r.lse, log(4), 1e-15, 'ln(2 + 1 + 1)');
  assert.equal(r.argmax, 0, 'argmax is relative to the row');
  assert.equal(logSumExp(VARIANT, 0, 3).argmax, 1);
  // A tie goes to the first index.
  assert.equal(logSumExp([1, 3, 3], 0, 3).argmax, 1);
  // Stable for logits whose exp overflows a double.
  assertClose(logSumExp([1000, 1000], 0, 2).lse, 1000 + LN2, 1e-12, 'large logits');
  assertClose(logSumExp([-1000, -1000 + LN2], 0, 2).lse, -1000 + log(3), 1e-12, 'very negative logits');
});

test('negativeLogLikelihood: −ln softmax(row)[target]', () => {
  const r = negativeLogLikelihood(BASE, 0, 3, 2);
  assertClose(r.nll, log(4), 1e-15, '−ln ¼');
  assert.equal(r.argmax, 0);
  assertClose(negativeLogLikelihood(VARIANT, 0, 3, 1).nll, LN2, 1e-15, '−ln ½');
});

test('compareTokenDistributions: KLD, reverse KLD, Δp, NLLs and top-1 on hand-computed fractions', () => {
  // Second row of a [2 × 3] buffer, so the offset is exercised.
  const base = [5, -5, 0, ...BASE];
  const variant = [0, 0, 9, ...VARIANT];
  const c = compareTokenDistributions(base, variant, 3, 3, 1);
  assertClose(c.kld, KLD_PQ, 1e-14, 'KL(P‖Q)');
  assertClose(c.kld, 0.3040988, 1e-7, 'KL(P‖Q) decimal');
  assertClose(c.reverseKld, KLD_QP, 1e-14, 'KL(Q‖P)');
  assertClose(c.reverseKld, 0.2593656, 1e-7, 'KL(Q‖P) decimal');
  // Target token 1: P = ¼, Q = ½ → Δp = Q − P = +¼ (positive: the variant likes the right token more).
  assertClose(c.deltaP, 0.25, 1e-15, 'Δp');
  assertClose(c.nllBase, log(4), 1e-15, 'NLL base');
  assertClose(c.nllVariant, LN2, 1e-15, 'NLL variant');
  assert.equal(c.sameTop, false, 'argmax P = 0, argmax Q = 1');

  // Swapping the roles swaps the two divergences and flips Δp's sign.
  const swapped = compareTokenDistributions(VARIANT, BASE, 0, 3, 1);
  assertClose(swapped.kld, KLD_QP, 1e-14, 'swapped KLD');
  assertClose(swapped.reverseKld, KLD_PQ, 1e-14, 'swapped reverse KLD');
  assertClose(swapped.deltaP, -0.25, 1e-15, 'swapped Δp');
});

test('compareTokenDistributions: identical logits give exactly zero divergence', () => {
  const row = [0.3, -1.7, 2.2, 0.1, 5.5, -3];
  const c = compareTokenDistributions(row, row.slice(), 0, row.length, 3);
  assert.equal(c.kld, 0);
  assert.equal(c.reverseKld, 0);
  assert.equal(c.deltaP, 0);
  assert.equal(c.nllBase, c.nllVariant);
  assert.equal(c.sameTop, true);
  // Float32 logits (what onnxruntime returns) as well.
  const f32 = Float32Array.from(row);
  const d = compareTokenDistributions(f32, Float32Array.from(row), 0, row.length, 0);
  assert.equal(d.kld, 0);
  assert.ok(d.reverseKld >= 0);
});

test('compareTokenDistributions: adding a constant to a row changes nothing (softmax shift invariance)', () => {
  const reference = compareTokenDistributions(BASE, VARIANT, 0, 3, 1);
  // KLD is computed as Σ P·(x − y) − (lse_x − lse_y), two terms that both carry the offset between
  // the rows and cancel: the absolute error grows with that offset (≈ 3e-11 at an offset of 1000,
  // far below any KLD worth printing), hence the looser tolerance for the big shifts.
  for (const [shiftBase, shiftVariant, tolerance] of [[3, 0, 1e-13], [0, -5, 1e-13], [100, 0, 1e-11], [1000, 1000, 1e-11], [-700, 300, 1e-9]] as const) {
    const c = compareTokenDistributions(BASE.map((v) => v + shiftBase), VARIANT.map((v) => v + shiftVariant), 0, 3, 1);
    const label = `shift ${shiftBase}/${shiftVariant}`;
    assertClose(c.kld, reference.kld, tolerance, `${label} KLD`);
    assertClose(c.reverseKld, reference.reverseKld, tolerance, `${label} reverse KLD`);
    assertClose(c.deltaP, reference.deltaP, 1e-12, `${label} Δp`);
    assertClose(c.nllBase, reference.nllBase, 1e-12, `${label} NLL base`);
    assertClose(c.nllVariant, reference.nllVariant, 1e-12, `${label} NLL variant`);
    assert.equal(c.sameTop, reference.sameTop);
  }
});

test('published reference: Wikipedia\'s Kullback–Leibler worked example', () => {
  // Wikipedia, "Kullback–Leibler divergence", section "Basic example": P = Binomial(2, 0.4) =
  // (0.36, 0.48, 0.16), Q = uniform (1/3, 1/3, 1/3). The article gives D_KL(P‖Q) = 0.0852996 and
  // D_KL(Q‖P) = 0.097455 (natural log). Logits are ln P and ln Q (any additive constant would do).
  const p = [0.36, 0.48, 0.16].map(log);
  const q = [0, 0, 0];
  const c = compareTokenDistributions(p, q, 0, 3, 0);
  assertClose(c.kld, 0.0852996, 1e-7, 'D_KL(P‖Q)');
  assertClose(c.reverseKld, 0.097455, 1e-6, 'D_KL(Q‖P)');
  // Closed form for KL(P ‖ uniform over V) = ln V − H(P).
  const entropy = -[0.36, 0.48, 0.16].reduce((s, x) => s + x * log(x), 0);
  assertClose(c.kld, log(3) - entropy, 1e-14, 'ln 3 − H(P)');
  // Δp on token 0: 1/3 − 0.36.
  assertClose(c.deltaP, 1 / 3 - 0.36, 1e-15, 'Δp');
});

test('published reference: KL between two Bernoulli distributions, closed form', () => {
  // KL(Ber(a) ‖ Ber(b)) = a ln(a/b) + (1 − a) ln((1 − a)/(1 − b)): Cover & Thomas, Elements of
  // Information Theory, 2nd ed., §2.3 (the Bernoulli r, s example). A two-token vocabulary with
  // logits [0, logit(a)] is Ber(a) on token 1.
  const a = 0.9;
  const b = 0.6;
  const logit = (x: number) => log(x / (1 - x));
  const c = compareTokenDistributions([0, logit(a)], [0, logit(b)], 0, 2, 1);
  const closed = a * log(a / b) + (1 - a) * log((1 - a) / (1 - b));
  const reverse = b * log(b / a) + (1 - b) * log((1 - b) / (1 - a));
  assertClose(c.kld, closed, 1e-14, 'KL(Ber(0.9) ‖ Ber(0.6))');
  assertClose(c.reverseKld, reverse, 1e-14, 'KL(Ber(0.6) ‖ Ber(0.9))');
  assertClose(c.deltaP, b - a, 1e-14, 'Δp');
  assert.equal(c.sameTop, true);
});

test('compareTokenDistributions: large vocabulary with extreme logits stays finite and non-negative', () => {
  const V = 32000;
  const base = new Float32Array(V);
  const variant = new Float32Array(V);
  for (let i = 0; i < V; i++) {
    base[i] = Math.sin(i) * 30;
    variant[i] = Math.sin(i) * 30 + Math.cos(i * 7) * 0.01;
  }
  base[17] = 80;
  variant[17] = 79.99;
  const c = compareTokenDistributions(base, variant, 0, V, 17);
  assert.ok(Number.isFinite(c.kld) && c.kld >= 0 && c.kld < 1e-3, `small positive KLD, got ${c.kld}`);
  assert.ok(Number.isFinite(c.reverseKld) && c.reverseKld >= 0);
  assert.equal(c.sameTop, true);
  assert.ok(c.nllBase >= 0 && c.nllBase < 1e-6, `P(17) ≈ 1, got NLL ${c.nllBase}`);
});

test('compareTokenDistributions agrees with the textbook Σ P ln(P/Q) on random 4096-token rows', () => {
  // A small linear congruential generator keeps the rows the same on every run.
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const V = 4096;
  for (let trial = 0; trial < 5; trial++) {
    const base = Array.from({ length: V }, () => (random() - 0.5) * 20);
    const variant = base.map((x) => x + (random() - 0.5) * 0.5 * trial + 0.3 * trial);
    const softmax = (row: number[]) => {
      const m = Math.max(...row);
      const e = row.map((x) => Math.exp(x - m));
      const s = e.reduce((a, b) => a + b, 0);
      return e.map((x) => x / s);
    };
    const P = softmax(base);
    const Q = softmax(variant);
    let forward = 0;
    let reverse = 0;
    for (let i = 0; i < V; i++) {
      forward += P[i]! * log(P[i]! / Q[i]!);
      reverse += Q[i]! * log(Q[i]! / P[i]!);
    }
    const target = trial * 100;
    const c = compareTokenDistributions(Float64Array.from(base), Float64Array.from(variant), 0, V, target);
    assertClose(c.kld, Math.max(forward, 0), 1e-12, `trial ${trial} KLD`);
    assertClose(c.reverseKld, Math.max(reverse, 0), 1e-12, `trial ${trial} reverse KLD`);
    assertClose(c.deltaP, Q[target]! - P[target]!, 1e-15, `trial ${trial} Δp`);
    assertClose(c.nllBase, -log(P[target]!), 1e-12, `trial ${trial} NLL base`);
    assert.equal(c.sameTop, base.indexOf(Math.max(...base)) === variant.indexOf(Math.max(...variant)));
  }
});

test('compareTokenDistributions: the fused two-pass loop gives, bit for bit, what separate passes (max, exp-sum, weighted diff) give', () => {
  // The textbook order of work: each distribution's max and argmax, its exp(x − max) and their sum,
  // then Σ P̃ (x − y) over the stored exps. The fused loop must add the same terms in the same order.
  const separatePasses = (x: Float32Array, y: Float32Array, offset: number, vocab: number, target: number) => {
    const side = (row: Float32Array) => {
      let max = -Infinity;
      let argmax = 0;
      for (let i = 0; i < vocab; i++) if (row[offset + i]! > max) [max, argmax] = [row[offset + i]!, i];
      const exps = new Float64Array(vocab);
      let sum = 0;
      for (let i = 0; i < vocab; i++) sum += exps[i] = Math.exp(row[offset + i]! - max);
      return { max, argmax, exps, lse: max + log(sum) };
    };
    const p = side(x);
    const q = side(y);
    let forward = 0;
    let reverse = 0;
    for (let i = 0; i < vocab; i++) {
      const diff = x[offset + i]! - y[offset + i]!;
      forward += p.exps[i]! * diff;
      reverse -= q.exps[i]! * diff;
    }
    const lseDiff = p.lse - q.lse;
    const logPx = x[offset + target]! - p.lse;
    const logQx = y[offset + target]! - q.lse;
    return {
      kld: Math.max(forward * Math.exp(p.max - p.lse) - lseDiff, 0),
      reverseKld: Math.max(reverse * Math.exp(q.max - q.lse) + lseDiff, 0),
      deltaP: Math.exp(logQx) - Math.exp(logPx),
      nllBase: -logPx,
      nllVariant: -logQx,
      sameTop: p.argmax === q.argmax,
    };
  };
  const V = 5003;
  const rows = 4;
  const base = new Float32Array(V * rows);
  const variant = new Float32Array(V * rows);
  for (let i = 0; i < V * rows; i++) {
    base[i] = Math.sin(i * 0.37) * 12 + Math.cos(i * 0.011) * 3;
    variant[i] = base[i]! + Math.sin(i * 1.3) * 0.4;
  }
  variant.set(base.subarray(2 * V, 3 * V), 2 * V); // one row the same in both
  for (let r = 0; r < rows; r++) {
    const target = (r * 977) % V;
    assert.deepEqual(compareTokenDistributions(base, variant, r * V, V, target), separatePasses(base, variant, r * V, V, target), `row ${r}`);
  }
});

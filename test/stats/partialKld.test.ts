import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { FullRow, kldLowerBound, logSoftmaxRow, SparseRow, topIds } from '../../src/shared/stats/partialKld';
import { SeededRandom } from '../../src/shared/stats/seededRandom';
import { compareTokenDistributions } from '../../src/shared/stats/tokenComparison';
import { assertClose } from './approx';

const { log } = Math;
// P = [1/2, 1/4, 1/4], Q = [1/6, 1/2, 1/3] (as in tokenComparison.test.ts): KL(P‖Q) = ¾ ln 1.5, KL(Q‖P) = 7/6 ln 2 − ½ ln 3.
const P = [1 / 2, 1 / 4, 1 / 4];
const Q = [1 / 6, 1 / 2, 1 / 3];
const full = (probs: number[]): FullRow => ({ kind: 'full', logprobs: probs.map(log), offset: 0, vocab: probs.length });
const sparse = (probs: number[], ids: number[], holdsTop = true): SparseRow => ({ kind: 'sparse', ids, logprobs: ids.map((i) => log(probs[i]!)), holdsTop });

test('kldLowerBound: hand-computed merged KL with one shared id (S = {0}, tail = {1, 2})', () => {
  const b = kldLowerBound(full(P), sparse(Q, [0], false), 0);
  // ½ ln(½ ÷ ⅙) + ½ ln(½ ÷ ⅚) = ½ ln 3 + ½ ln 0.6 = ½ ln 1.8
  assertClose(b.kld, 0.5 * log(1.8), 1e-15, 'forward bound');
  // ⅙ ln(⅙ ÷ ½) + ⅚ ln(⅚ ÷ ½) = −⅙ ln 3 + ⅚ ln(5/3)
  assertClose(b.reverseKld, -log(3) / 6 + (5 / 6) * log(5 / 3), 1e-15, 'reverse bound');
  assertClose(b.baseTail, 0.5, 1e-15, 'p_T summed over the full row');
  assertClose(b.variantTail, 5 / 6, 1e-15, 'q_T = 1 − Σ_S q');
  assert.equal(b.shared, 1);
  assert.equal(b.exact, false);
  assert.ok(b.kld < 0.75 * log(1.5) && b.reverseKld < (7 / 6) * Math.LN2 - 0.5 * log(3), 'each bound is below its exact KL');
  assertClose(b.deltaP!, 1 / 6 - 1 / 2, 1e-15, 'Δp of the target');
  assertClose(b.nllBase!, log(2), 1e-15, 'NLL base');
  assertClose(b.nllVariant!, log(6), 1e-15, 'NLL variant');
  assert.equal(b.sameTop, null, 'the variant row does not hold its top: undecidable');
  assert.equal(b.tailFloored, false);
});

test('kldLowerBound: S = {1} from a top-1 variant; the target outside a sparse row gives no Δp', () => {
  const b = kldLowerBound(full(P), sparse(Q, [1]), 2);
  // ¼ ln(¼ ÷ ½) + ¾ ln(¾ ÷ ½)
  assertClose(b.kld, 0.25 * log(0.5) + 0.75 * log(1.5), 1e-15, 'forward bound');
  assert.equal(b.deltaP, null);
  assert.equal(b.nllVariant, null);
  assertClose(b.nllBase!, log(4), 1e-15, 'NLL base is known from the full row');
  assert.equal(b.sameTop, false, 'argmax P = 0, argmax Q = 1');
});

test('kldLowerBound: two sparse rows meet on their common ids only', () => {
  const b = kldLowerBound(sparse(P, [0, 2]), sparse(Q, [1, 2]), 2);
  assert.equal(b.shared, 1, 'S = {2}');
  // ¼ ln(¼ ÷ ⅓) + ¾ ln(¾ ÷ ⅔)
  assertClose(b.kld, 0.25 * log(0.75) + 0.75 * log(9 / 8), 1e-15, 'forward bound');
  assertClose(b.baseTail, 0.75, 1e-15, 'p_T');
  assertClose(b.variantTail, 2 / 3, 1e-15, 'q_T');
  assert.equal(b.sameTop, false);
  assertClose(b.deltaP!, 1 / 3 - 1 / 4, 1e-15, 'Δp');
});

test('kldLowerBound: S covering the vocabulary gives the exact KL (full rows, and sparse rows listing every id)', () => {
  const exact = compareTokenDistributions(P.map(log), Q.map(log), 0, 3, 1);
  for (const [b, what] of [
    [kldLowerBound(full(P), full(Q), 1), 'full × full'],
    [kldLowerBound(full(P), sparse(Q, [2, 0, 1]), 1), 'full × every id'],
    [kldLowerBound(sparse(P, [0, 1, 2]), sparse(Q, [1, 2, 0]), 1), 'every id × every id'],
  ] as const) {
    assertClose(b.kld, exact.kld, 1e-15, `${what}: forward`);
    assertClose(b.reverseKld, exact.reverseKld, 1e-15, `${what}: reverse`);
    assertClose(b.baseTail, 0, 1e-15, `${what}: p_T`);
    assertClose(b.variantTail, 0, 1e-15, `${what}: q_T`);
    assert.equal(b.sameTop, exact.sameTop);
    assertClose(b.deltaP!, exact.deltaP, 1e-15, `${what}: Δp`);
  }
  assert.equal(kldLowerBound(full(P), full(Q), 1).exact, true);
});

test('kldLowerBound edge cases: q_T = 0 with p_T > 0, p_T = 0, identical rows, a tail rounded past 1', () => {
  // A partial variant row whose returned mass is all of it (ln ½ twice) while P has ¼ outside:
  // the tail is floored (1e-6), finite and still below the true (infinite) divergence.
  const floored = kldLowerBound(full(P), { kind: 'sparse', ids: [0, 1], logprobs: [log(0.5), log(0.5)], holdsTop: true }, 0);
  assert.equal(floored.tailFloored, true);
  assert.equal(floored.variantTail, 0);
  assertClose(floored.kld, 0.25 * log(0.5) + 0.25 * log(0.25 / 1e-6), 1e-12, 'p_T ln(p_T / floor)');
  assertClose(kldLowerBound(full(P), { kind: 'sparse', ids: [0, 1], logprobs: [log(0.5), log(0.5)], holdsTop: true }, 0, { tailFloor: 1e-3 }).kld, 0.25 * log(0.5) + 0.25 * log(250), 1e-12, 'the floor is an option');
  // A full variant row that truly gives the tail no mass: the divergence is infinite and so is the bound.
  const infinite = kldLowerBound(sparse(P, [0, 1]), { kind: 'full', logprobs: [log(0.5), log(0.5), -Infinity], offset: 0, vocab: 3 }, 0);
  assert.equal(infinite.kld, Infinity);
  assert.equal(infinite.tailFloored, false);
  // P's mass all inside S: its tail adds nothing, whatever Q's tail.
  const noTail = kldLowerBound({ kind: 'sparse', ids: [0, 1], logprobs: [log(0.5), log(0.5)], holdsTop: true }, full(Q), 0);
  assert.equal(noTail.baseTail, 0);
  assertClose(noTail.kld, 0.5 * log(3) + 0.5 * log(1), 1e-15, 'Σ_S only');
  // Identical partial rows: 0, never a rounding negative.
  assert.equal(kldLowerBound(sparse(P, [0, 1]), sparse(P, [1, 0]), 0).kld, 0);
  // Rounded log-probabilities summing a little past 1: the tail is clamped at 0, not negative.
  const over = kldLowerBound({ kind: 'sparse', ids: [0, 1], logprobs: [log(0.5) + 1e-9, log(0.5) + 1e-9], holdsTop: true }, full([0.5, 0.5 - 1e-7, 1e-7]), 0);
  assert.equal(over.baseTail, 0);
  assert.ok(Number.isFinite(over.kld) && over.kld >= 0);
  // A sparse row without its top decides nothing about same-top; an empty row neither.
  assert.equal(kldLowerBound(full(P), { kind: 'sparse', ids: [], logprobs: [], holdsTop: true }, 0).sameTop, null);
});

test('topIds: the k most likely ids, most likely first, ties to the lower id', () => {
  const row: FullRow = { kind: 'full', logprobs: [0, 5, 3, 5, -1, 4], offset: 0, vocab: 6 };
  assert.deepEqual(topIds(row, 3), [1, 3, 5]);
  assert.deepEqual(topIds(row, 1), [1]);
  assert.deepEqual(topIds(row, 0), []);
  assert.deepEqual(topIds(row, 10), [1, 3, 5, 2, 0, 4]);
  assert.deepEqual(topIds({ ...row, offset: 2, vocab: 3 }, 2), [1, 0], 'relative to the row');
});

/** A random row of logits with a spread like a language model's (some near-certain, some flat). */
function randomLogits(rng: SeededRandom, vocab: number): number[] {
  const scale = [0.3, 2, 8][rng.int(3)]!;
  return Array.from({ length: vocab }, () => {
    // Box–Muller
    const g = Math.sqrt(-2 * Math.log(1 - rng.uniform())) * Math.cos(2 * Math.PI * rng.uniform());
    return g * scale;
  });
}

/** What a top-k server returns: its top-k, the target, and some asked ids, with exact log-probabilities. */
function served(row: Float64Array, k: number, extra: number[]): SparseRow {
  const f: FullRow = { kind: 'full', logprobs: row, offset: 0, vocab: row.length };
  const ids = [...new Set([...topIds(f, k), ...extra])];
  return { kind: 'sparse', ids, logprobs: ids.map((i) => row[i]!), holdsTop: k >= 1 };
}

test('kldLowerBound ≤ exact KL in both directions on 20,000 random pairs (seeded), equal when S is the vocabulary, and growing as S grows', () => {
  const rng = new SeededRandom(20260314);
  let worstGap = 0;
  let equalities = 0;
  for (let trial = 0; trial < 20_000; trial++) {
    const vocab = 2 + rng.int(60);
    const x = randomLogits(rng, vocab);
    const y = x.map((v) => v + randomLogits(rng, 1)[0]! * [0.01, 0.3, 2][trial % 3]!);
    const lp = logSoftmaxRow(x, 0, vocab);
    const lq = logSoftmaxRow(y, 0, vocab);
    const target = rng.int(vocab);
    const exact = compareTokenDistributions(x, y, 0, vocab, target);
    const fp: FullRow = { kind: 'full', logprobs: lp, offset: 0, vocab };
    const fq: FullRow = { kind: 'full', logprobs: lq, offset: 0, vocab };
    const k = rng.int(vocab + 1);
    const shape = trial % 4;
    const asked = shape === 3 ? topIds(fp, k) : [];
    const base = shape === 0 ? fp : served(lp, k, [target]);
    const variant = shape === 1 ? fq : served(lq, rng.int(vocab + 1), [target, ...asked]);
    // Exact float64 inputs: a floor near their precision. A log-probability ln q = y − lse is known
    // to ~1e-16·|lse| absolute, so a partial row's tail 1 − Σ_S q is known only to ~1e-14 here (logits
    // up to ~30), and the bound holds to p_T · 1e-14 / q_T, plus what zeroing a tail under the floor
    // may lift (floor · ln(1/floor)). A server's float32 log-probabilities are why the default floor is 1e-6.
    const F = 1e-13;
    const b = kldLowerBound(base, variant, target, { tailFloor: F });
    const what = `trial ${trial} (V ${vocab}, k ${k}, shape ${shape})`;
    const slack = (num: number, den: number): number => 1e-12 + F * 30 + (1e-14 * num) / Math.max(den, F);
    assert.ok(b.kld <= exact.kld + slack(b.baseTail, b.variantTail), `${what}: forward bound ${b.kld} > exact ${exact.kld}`);
    assert.ok(b.reverseKld <= exact.reverseKld + slack(b.variantTail, b.baseTail), `${what}: reverse bound ${b.reverseKld} > exact ${exact.reverseKld}`);
    assert.ok(b.baseTail >= 0 && b.baseTail <= 1 + 1e-12 && b.variantTail >= 0 && b.variantTail <= 1 + 1e-12, `${what}: tails in [0, 1]`);
    // The target is in every row here, so Δp and the NLLs are exact; same-top wherever both tops are known.
    assertClose(b.deltaP!, exact.deltaP, 1e-12, `${what}: Δp`);
    assertClose(b.nllBase!, exact.nllBase, 1e-12, `${what}: NLL base`);
    if (b.sameTop !== null && new Set(x).size === vocab && new Set(y).size === vocab) assert.equal(b.sameTop, exact.sameTop, `${what}: same top`);
    worstGap = Math.max(worstGap, exact.kld - b.kld);
    if (b.shared === vocab) {
      equalities++;
      assertClose(b.kld, exact.kld, 1e-12, `${what}: S is the vocabulary: forward exact`);
      assertClose(b.reverseKld, exact.reverseKld, 1e-12, `${what}: S is the vocabulary: reverse exact`);
    }
    // Refining the partition (one more shared id) can only raise the bound.
    if (base.kind === 'sparse' && variant.kind === 'full') {
      const missing = Array.from({ length: vocab }, (_, i) => i).find((i) => !Array.from(base.ids).includes(i));
      if (missing !== undefined) {
        const wider = kldLowerBound({ ...base, ids: [...Array.from(base.ids), missing], logprobs: [...Array.from(base.logprobs), lp[missing]!] }, variant, target, { tailFloor: 1e-13 });
        assert.ok(wider.kld >= b.kld - 1e-12, `${what}: adding id ${missing} to S lowered the bound from ${b.kld} to ${wider.kld}`);
      }
    }
  }
  assert.ok(equalities > 500, `only ${equalities} trials had S = the vocabulary`);
  console.log(`# partial KLD: ${equalities} exact cases; largest gap exact − bound ${worstGap.toFixed(4)} nats`);
});

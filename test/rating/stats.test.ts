import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { cohenKappa, krippendorffAlphaNominal } from '../../src/shared/rating/agreement';
import { bradleyTerry, type Comparison } from '../../src/shared/rating/bradleyTerry';
import { winRate } from '../../src/shared/rating/mergeRatings';

const close = (actual: number | null, expected: number, digits = 4): void => {
  assert.ok(actual !== null, 'a value');
  assert.equal(Number(actual.toFixed(digits)), Number(expected.toFixed(digits)), `${actual} ≈ ${expected}`);
};

test('win rate: 7 wins of 10 is 0.7 with the Wilson 95% interval [0.3968, 0.8922] (hand-checked)', () => {
  // Wilson: (p + z²/2n ± z·sqrt(p(1−p)/n + z²/4n²)) / (1 + z²/n), p = 0.7, n = 10, z = 1.96.
  const r = winRate(7, 0, 3);
  assert.equal(r.n, 10);
  assert.equal(r.winRate, 0.7);
  close(r.ci95[0], 0.3968);
  close(r.ci95[1], 0.8922);
});

test('win rate: a tie counts half a win (6 wins, 2 ties, 2 losses = 7/10, the same interval as 7/10)', () => {
  const r = winRate(6, 2, 2);
  assert.equal(r.winRate, 0.7);
  assert.deepEqual(r.ci95, winRate(7, 0, 3).ci95);
  assert.deepEqual(winRate(0, 0, 0).ci95, [0, 1]);
  assert.ok(Number.isNaN(winRate(0, 0, 0).winRate));
});

test("Cohen's κ: the worked example of Wikipedia's 'Cohen's kappa' (50 proposals, 20 yes/yes, 15 no/no, 5 and 10 split) is 0.4", () => {
  // p_o = 35/50 = 0.7; p_e = 0.5·0.6 + 0.5·0.4 = 0.5; κ = (0.7 − 0.5)/(1 − 0.5) = 0.4.
  const pairs: Array<[string, string]> = [
    ...Array(20).fill(['yes', 'yes']),
    ...Array(15).fill(['no', 'no']),
    ...Array(5).fill(['yes', 'no']),
    ...Array(10).fill(['no', 'yes']),
  ];
  close(cohenKappa(pairs), 0.4, 10);
  assert.equal(cohenKappa([['win', 'win'], ['win', 'win']]), null, 'one label throughout: κ undefined');
  close(cohenKappa([['a', 'a'], ['b', 'b']]), 1, 10);
});

test("Krippendorff's α nominal: Krippendorff's own example (2011, 'Computing Krippendorff's Alpha-Reliability', C: 4 observers, 12 units, missing data) is 0.743", () => {
  // Rows: observers A–D; columns: units 1–12; null = missing.
  const data: Array<Array<number | null>> = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
    [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
  ];
  const units = data[0]!.map((_, u) => data.flatMap((row) => (row[u] === null ? [] : [String(row[u])])));
  close(krippendorffAlphaNominal(units), 0.743, 3);
  // Perfect agreement is 1; two raters with α on complete data sit near κ (α corrects for sample size).
  close(krippendorffAlphaNominal([['a', 'a'], ['b', 'b'], ['a', 'a']]), 1, 10);
  assert.equal(krippendorffAlphaNominal([['a', 'a'], ['a', 'a']]), null);
  assert.equal(krippendorffAlphaNominal([['a'], ['b']]), null, 'no unit with two values');
});

test('Bradley–Terry (MM, Hunter 2004): against the baseline alone a strength is wins/losses; the MLE equations hold on a triangle', () => {
  const vs = (a: string, wins: number, ties: number, losses: number): Comparison[] => [
    ...Array<Comparison>(wins).fill({ a, b: 'base', aScore: 1 }),
    ...Array<Comparison>(ties).fill({ a, b: 'base', aScore: 0.5 }),
    ...Array<Comparison>(losses).fill({ a, b: 'base', aScore: 0 }),
  ];
  const star = bradleyTerry([...vs('q8', 7, 0, 3), ...vs('q4', 2, 2, 6)], 'base');
  assert.ok(star.converged);
  close(star.strengths.get('base')!, 1, 12);
  close(star.strengths.get('q8')!, 7 / 3, 8);
  close(star.strengths.get('q4')!, 3 / 7, 8); // 2 + 2/2 = 3 wins, 6 + 2/2 = 7 losses

  // A triangle with every pair compared: at the MLE, each model's expected wins equal its wins.
  const comparisons: Comparison[] = [
    ...Array<Comparison>(6).fill({ a: 'x', b: 'base', aScore: 1 }), ...Array<Comparison>(4).fill({ a: 'x', b: 'base', aScore: 0 }),
    ...Array<Comparison>(3).fill({ a: 'y', b: 'base', aScore: 1 }), ...Array<Comparison>(7).fill({ a: 'y', b: 'base', aScore: 0 }),
    ...Array<Comparison>(5).fill({ a: 'x', b: 'y', aScore: 1 }), ...Array<Comparison>(2).fill({ a: 'x', b: 'y', aScore: 0 }), { a: 'x', b: 'y', aScore: 0.5 },
  ];
  const bt = bradleyTerry(comparisons, 'base');
  assert.ok(bt.converged);
  const g = (m: string): number => bt.strengths.get(m)!;
  for (const m of ['base', 'x', 'y']) {
    let observed = 0;
    let expected = 0;
    for (const c of comparisons) {
      if (c.a === m) { observed += c.aScore; expected += g(m) / (g(m) + g(c.b)); }
      if (c.b === m) { observed += 1 - c.aScore; expected += g(m) / (g(m) + g(c.a)); }
    }
    close(expected, Number(observed.toFixed(8)), 8);
  }
  assert.ok(g('x') > 1 && g('y') < 1);
});

test('Bradley–Terry: a model that won every comparison has no finite MLE: null for it (with the reason), the others still estimated', () => {
  const bt = bradleyTerry([{ a: 'q8', b: 'base', aScore: 1 }, { a: 'q8', b: 'base', aScore: 1 }, { a: 'q4', b: 'base', aScore: 0.5 }, { a: 'q4', b: 'base', aScore: 1 }], 'base');
  assert.equal(bt.strengths.get('q8'), null);
  close(bt.strengths.get('q4')!, 3, 8); // 1.5 wins, 0.5 losses
  assert.equal(bt.strengths.get('base'), 1);
  assert.match(bt.note ?? '', /for q8: won or lost every comparison.*Assumption 1/);
});

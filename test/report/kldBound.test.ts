import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { toCsv } from '../../src/shared/exports';
import { describeVerdict, goalRows } from '../../src/shared/goalTable';
import { METRICS } from '../../src/shared/panel/metricsCatalog';
import { quantityById, quantityText } from '../../src/shared/report/quantities';
import { checkRunGoals } from '../../src/shared/report/runGoals';
import type { RunGoal, VariantSummary } from '../../src/shared/report/schema';
import { resultRows } from '../../src/shared/resultsTable';
import { syntheticRun } from '../panel/synthetic';

/** The synthetic run with its first variant's KLD turned into a top-20 lower bound (tail 0.8%). */
function boundRun(mean = 0.0123) {
  const data = syntheticRun({ samples: 2 });
  const variant = data.report!.variants.find((v) => !v.isBaseline)!;
  variant.kld!.kld.mean = mean;
  variant.kld!.kld.se = 0.0004;
  variant.kld!.bound = 'lower';
  variant.kld!.topK = { k: 20, baseK: null, variantK: 20, sharedIds: { mean: 22, min: 20 }, baseTailMass: { mean: 0.008, max: 0.2 }, variantTailMass: { mean: 0.009, max: 0.2 }, askedIds: { tokens: 100, returned: 100, honoured: true }, sameTopDecided: 100, tailFloored: 0 };
  return { data, variant, baseline: data.report!.variants.find((v) => v.isBaseline)! };
}

const goal = (max: number): RunGoal => ({ metric: 'kld_mean', maxDegradation: max, file: 'goals.yaml', line: 3 });

test('a KLD lower bound prints as "≥ x (top-k, tail p)" in the text tables and the panel; CSV says k and tail; exact KLDs print as before', () => {
  const { data, variant } = boundRun();
  assert.equal(quantityText(quantityById('kld')!, variant), '≥ 0.0123 ± 0.00040 (top-20, tail 0.8%)');
  assert.match(quantityText(quantityById('kldP99')!, variant), /^≥ .* \(top-20, tail 0\.8%\)$/);
  const other = data.report!.variants.find((v) => !v.isBaseline && v.id !== variant.id)!;
  assert.doesNotMatch(quantityText(quantityById('kld')!, other), /≥/);
  const row = resultRows(data.report!).find((r) => r[0]?.startsWith(variant.id))!;
  assert.ok(row.some((c) => c.startsWith('≥ 0.0123')), row.join(' | '));
  assert.equal(METRICS.find((m) => m.id === 'kld')!.lowerBound!(variant), 'top-20, tail 0.8%');
  assert.equal(METRICS.find((m) => m.id === 'kld')!.lowerBound!(other), undefined);
  const lines = toCsv(data).split('\r\n');
  const header = lines[0]!.split(',');
  const cells = lines.find((l) => l.startsWith(`${variant.id},`))!.split(',');
  assert.equal(cells[header.indexOf('kld_lower_bound_top_k')], '20');
  assert.equal(cells[header.indexOf('kld_tail_mass')], '0.008');
  assert.equal(lines.find((l) => l.startsWith(`${other.id},`))!.split(',')[header.indexOf('kld_tail_mass')], '');
});

test('goals on a KLD lower bound: a bound above the threshold fails, one below is inconclusive (not a pass), and both say why', () => {
  const { variant, baseline } = boundRun(0.0123);
  const [meets] = checkRunGoals([goal(0.05)], variant, baseline);
  assert.equal(meets!.pass, false, 'a bound under the threshold must not pass');
  assert.equal(meets!.inconclusive, true);
  assert.match(meets!.note ?? '', /lower bound from top-20/);
  assert.match(describeVerdict(meets!), /^INCONCLUSIVE/);
  const [fails] = checkRunGoals([goal(0.01)], variant, baseline);
  assert.equal(fails!.pass, false);
  assert.equal(fails!.inconclusive, undefined, 'a bound that already exceeds the threshold is a plain failure');
  assert.match(describeVerdict(fails!), /^FAIL/);
  // Exact KLD: unchanged behaviour.
  const exact: VariantSummary = { ...variant, kld: { ...variant.kld!, bound: undefined, topK: undefined } };
  const [passes] = checkRunGoals([goal(0.05)], exact, baseline);
  assert.equal(passes!.pass, true);
  assert.equal(passes!.inconclusive, undefined);
  const { data } = boundRun(0.0123);
  data.report!.variants.find((v) => v.id === variant.id)!.goals = [meets!];
  assert.ok(goalRows(data.report!).some((r) => r.at(-1) === 'INCONCLUSIVE'));
});

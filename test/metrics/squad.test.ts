import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { getMetric, scoreItems, summarizeMetric } from '../../src/shared/metrics/index';
import { exactMatch, normalizeAnswer, tokenF1 } from '../../src/shared/metrics/squad';
import { near } from './close';

// [prediction, gold, normalized prediction, normalized gold, EM, F1], computed with the functions of
// the official SQuAD v1.1 evaluate-v1.1.py (normalize_answer, exact_match_score, f1_score) under
// Python 3.11, whose \b is Unicode-aware ("théa" keeps its "a"; "Ωa" is one word).
const SQUAD_SCRIPT: Array<[string, string, string, string, boolean, number]> = [
  ['The Cat', 'cat', 'cat', 'cat', true, 1],
  ['a dog, an apple, the end.', 'dog apple end', 'dog apple end', 'dog apple end', true, 1],
  ['théa ana', 'a', 'théa ana', '', false, 0],
  ['Thea the', 'thea', 'thea', 'thea', true, 1],
  ['Denver Broncos', 'The Denver Broncos!', 'denver broncos', 'denver broncos', true, 1],
  ["l'amour", 'lamour', 'lamour', 'lamour', true, 1],
  ['über-cool', 'übercool', 'übercool', 'übercool', true, 1],
  ['北京', '北京。', '北京', '北京。', false, 0],
  ['', '', '', '', true, 0],
  ['the', '', '', '', true, 0],
  ['1,000', '1000', '1000', '1000', true, 1],
  ['a_an the_', 'the a', 'aan', '', false, 0],
  ['ÀN apple', 'àn apple', 'àn apple', 'àn apple', true, 1],
  ['Saint Bernadette Soubirous', 'Saint Bernadette', 'saint bernadette soubirous', 'saint bernadette', false, 0.8],
  ['the the the cat', 'cat cat', 'cat', 'cat cat', false, 0.6666666666666666],
  ['Ωa a', 'a', 'ωa', '', false, 0],
  ['x\u00a0y', 'x y', 'x y', 'x y', true, 1],
  ['2a a2 a', '2a a2', '2a a2', '2a a2', true, 1],
];

test('SQuAD v1.1 normalization, EM and F1 match the official script (casing, punctuation, articles, unicode, CJK, empty)', () => {
  for (const [p, g, np, ng, em, f1] of SQUAD_SCRIPT) {
    assert.equal(normalizeAnswer(p), np, `normalize ${JSON.stringify(p)}`);
    assert.equal(normalizeAnswer(g), ng, `normalize ${JSON.stringify(g)}`);
    assert.equal(exactMatch(p, g), em, `EM ${JSON.stringify([p, g])}`);
    near(tokenF1(p, g), f1, 1e-15, `F1 ${JSON.stringify([p, g])}`);
  }
});

test('exact_match and f1 metrics: max over gold answers, ×100 as the script reports', () => {
  const em = getMetric('exact_match');
  const f1 = getMetric('f1');
  const inputs = [
    // SQuAD dev example 56be4db0acb8001400a502ec: gold answers include "Denver Broncos".
    { prediction: 'the Denver Broncos', references: ['Denver Broncos', 'Denver Broncos', 'Denver Broncos'] },
    { prediction: 'Saint Bernadette Soubirous', references: ['Saint Bernadette', 'Bernadette'] },
    { prediction: 'Paris', references: ['London'] },
  ];
  const emItems = scoreItems(em, inputs);
  const f1Items = scoreItems(f1, inputs);
  assert.deepEqual(emItems.map((i) => i.value), [100, 0, 0]);
  // max(F1 vs "Saint Bernadette" = 0.8, vs "Bernadette" = 0.5) = 0.8 → 80
  near(f1Items[1]!.value, 80, 1e-12, 'F1 max over gold');
  near(summarizeMetric(em, emItems).value, 100 / 3, 1e-12, 'EM mean');
  near(summarizeMetric(f1, f1Items).value, 60, 1e-12, 'F1 mean');
  assert.equal(em.binary, true);
  assert.equal(getMetric('em').name, 'exact_match');
});

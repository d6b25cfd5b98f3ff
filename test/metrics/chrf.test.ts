import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { chrfScoreFromStatistics, chrfSegmentStatistics, chrfWords } from '../../src/shared/metrics/chrf';
import { getMetric, scoreItems, summarizeMetric } from '../../src/shared/metrics/index';
import { near } from './close';
import { REFERENCE_CASES, REFERENCE_CORPUS } from './referenceCases';

const README_SYS = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'];
const README_PER_SEGMENT = [
  ['The dog bit the man.', 'The dog had bit the man.'],
  ['It was not unexpected.', 'No one was surprised.'],
  ['The man bit him first.', 'The man had bitten the dog.'],
];

test('corpus chrF and chrF++: sacreBLEU README example ("chrF2 = 59.73", chrF2++ = 59.15 with sacrebleu 2.6.0)', () => {
  for (const [name, expected, signature] of [
    ['chrf', 59.72751782684763, 'nrefs:2|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.x'],
    ['chrf++', 59.15310444399262, 'nrefs:2|case:mixed|eff:yes|nc:6|nw:2|space:no|version:2.x'],
  ] as const) {
    const metric = getMetric(name);
    const items = scoreItems(metric, README_SYS.map((prediction, i) => ({ prediction, references: README_PER_SEGMENT[i]! })));
    const corpus = metric.corpus(items.map((i) => i.stats));
    near(corpus.value, expected, 1e-12, name);
    // README: "nrefs:2|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.0.0"
    assert.equal(corpus.signature, signature);
  }
  assert.equal(getMetric('chrf').title, 'chrF2');
  assert.equal(getMetric('chrf++').title, 'chrF2++');
});

test('sentence chrF / chrF++ match sacrebleu 2.6.0 (empty, CJK, unicode, emoji, casing, several references)', () => {
  for (const c of REFERENCE_CASES) {
    near(chrfScoreFromStatistics(chrfSegmentStatistics(c.h, c.r)), c.chrf, 1e-9, `chrF ${JSON.stringify(c.h)}`);
    near(chrfScoreFromStatistics(chrfSegmentStatistics(c.h, c.r, { wordOrder: 2 }), { wordOrder: 2 }), c.chrfpp, 1e-9, `chrF++ ${JSON.stringify(c.h)}`);
  }
});

test('corpus chrF / chrF++ over all reference cases (summed statistics, nrefs:var)', () => {
  for (const [name, expected] of [['chrf', REFERENCE_CORPUS.chrf], ['chrf++', REFERENCE_CORPUS.chrfpp]] as const) {
    const metric = getMetric(name);
    const summary = summarizeMetric(metric, scoreItems(metric, REFERENCE_CASES.map((c) => ({ prediction: c.h, references: c.r }))), { resamples: 100 });
    near(summary.value, expected, 1e-12, name);
    assert.match(summary.signature!, /^nrefs:var\|/);
  }
});

test('chrF++ word splitting: one leading or trailing punctuation mark comes off (chrF++.py)', () => {
  assert.deepEqual(chrfWords('(hi) "x" end. a'), ['(hi', ')', '"x', '"', 'end', '.', 'a']);
  // Characters are code points: an emoji is one character, not two UTF-16 units.
  const stats = chrfSegmentStatistics('😀', ['😀']);
  assert.deepEqual(stats.slice(0, 3), [1, 1, 1]);
  assert.equal(chrfScoreFromStatistics(stats), 100);
});

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { bleuSegmentStatistics, closestReferenceLength, computeBleu, corpusBleu, sentenceBleu, tokenize13a } from '../../src/shared/metrics/bleu';
import { getMetric, scoreItems, summarizeMetric } from '../../src/shared/metrics/index';
import { pyRstrip } from '../../src/shared/metrics/pythonText';
import { near } from './close';
import { REFERENCE_CASES, REFERENCE_CORPUS } from './referenceCases';

// The example in sacreBLEU's README ("Using SacreBLEU from Python"): two reference streams.
const README_SYS = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'];
const README_REFS = [
  ['The dog bit the man.', 'It was not unexpected.', 'The man bit him first.'],
  ['The dog had bit the man.', 'No one was surprised.', 'The man had bitten the dog.'],
];
const README_PER_SEGMENT = README_SYS.map((_, i) => README_REFS.map((stream) => stream[i]!));

test('corpus BLEU: sacreBLEU README example, "BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)"', () => {
  const bleu = corpusBleu(README_SYS, README_PER_SEGMENT);
  // sacrebleu 2.6.0 prints the full-precision value 48.530827009929865.
  near(bleu.score, 48.530827009929865, 1e-12, 'BLEU');
  assert.equal(bleu.score.toFixed(2), '48.53');
  assert.deepEqual(bleu.precisions.map((p) => p.toFixed(1)), ['82.4', '50.0', '45.5', '37.5']);
  assert.equal(bleu.brevityPenalty.toFixed(3), '0.943');
  assert.equal(bleu.ratio.toFixed(3), '0.944');
  assert.equal(bleu.hypothesisLength, 17);
  assert.equal(bleu.referenceLength, 18);
  assert.deepEqual(bleu.counts, [14, 7, 5, 3]);
  assert.deepEqual(bleu.totals, [17, 14, 11, 8]);
  // README: "nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.0.0" — ours names the 2.x line.
  assert.equal(bleu.signature, 'nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.x');
});

test('13a tokenizer: the same tokens as sacrebleu 2.6.0 Tokenizer13a on every reference case', () => {
  for (const c of REFERENCE_CASES) assert.equal(tokenize13a(pyRstrip(c.h)), c.tok13a, JSON.stringify(c.h));
  // Period and comma stay inside numbers, a dash after a digit splits, entities are unescaped.
  assert.equal(tokenize13a('$1,000.50 in 2-3 days.'), '$ 1,000.50 in 2 - 3 days .');
  assert.equal(tokenize13a('a &lt;b&gt; &amp; c'), 'a < b > & c');
  assert.equal(tokenize13a('end-\nof-line <skipped>'), 'endof-line');
});

test('sentence BLEU (effective order, exp smoothing) matches sacrebleu 2.6.0 on edge cases', () => {
  // Empty hypothesis, empty reference, casing, CJK (13a does not split CJK), punctuation,
  // HTML entities, emoji, several references of different lengths.
  for (const c of REFERENCE_CASES) near(sentenceBleu(c.h, c.r).score, c.sentenceBleu, 1e-9, JSON.stringify(c.h));
});

test('corpus BLEU over segments with a variable number of references (signature nrefs:var)', () => {
  const metric = getMetric('bleu');
  const items = scoreItems(metric, REFERENCE_CASES.map((c) => ({ prediction: c.h, references: c.r })));
  const summary = summarizeMetric(metric, items, { resamples: 200, seed: 1 });
  near(summary.value, REFERENCE_CORPUS.bleu, 1e-12, 'corpus BLEU');
  near(summary.details.precision1!, REFERENCE_CORPUS.bleuPrecisions[0]!, 1e-12, 'p1');
  near(summary.details.precision4!, REFERENCE_CORPUS.bleuPrecisions[3]!, 1e-12, 'p4');
  assert.equal(summary.details.hypothesisLength, REFERENCE_CORPUS.hypothesisLength);
  assert.equal(summary.details.referenceLength, REFERENCE_CORPUS.referenceLength);
  assert.equal(summary.signature, 'nrefs:var|case:mixed|eff:no|tok:13a|smooth:exp|version:2.x');
  assert.ok(summary.ci.low <= summary.value && summary.value <= summary.ci.high);
  assert.equal(summary.seMethod, 'bootstrap');
});

test('BLEU statistics: closest reference length prefers the shorter on ties; no match scores 0', () => {
  assert.equal(closestReferenceLength(5, [3, 7]), 3);
  assert.equal(closestReferenceLength(5, [7, 3]), 3);
  assert.equal(closestReferenceLength(5, [9, 6, 4]), 4);
  // [hypLen, refLen, correct×4, total×4]
  assert.deepEqual(bleuSegmentStatistics('a b c', ['x y']), [3, 2, 0, 0, 0, 0, 3, 2, 1, 0]);
  assert.equal(computeBleu([3, 2, 0, 0, 0, 0, 3, 2, 1, 0]).score, 0);
  // exp smoothing by hand: hyp "a b c d", ref "a b x d": p1 = 3/4, p2 = 1/3, p3 = 0 → 100/(2·2),
  // p4 = 0 → 100/(4·1); BP = 1. BLEU = exp(mean(ln 75, ln 33.3, ln 25, ln 25)).
  const expected = Math.exp((Math.log(75) + Math.log(100 / 3) + Math.log(25) + Math.log(25)) / 4);
  near(computeBleu(bleuSegmentStatistics('a b c d', ['a b x d'])).score, expected, 1e-12, 'exp smoothing');
});

test('BLEU metric rejects items without references', () => {
  assert.throws(() => getMetric('bleu').score({ prediction: 'x', references: [] }), /non-empty list/);
});

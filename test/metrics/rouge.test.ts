import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { getMetric, scoreItems, summarizeMetric } from '../../src/shared/metrics/index';
import { lcsIndices, rouge, rougeMulti, rougeTokenize, summaryLevelLcs } from '../../src/shared/metrics/rouge';
import { near } from './close';

// Test vectors and expected values from google-research/rouge `rouge_scorer_test.py`; the two
// lines are `testdata/target.txt` and `testdata/prediction.txt` lines 0 and 1 ("Ground truth scores
// are taken from manual runs of ROUGE-1.5.5").
const TARGETS = [
  "ZfbCUIUuePaiLVUlCaUXxkpu XPeWing tUHfPMuZ',-Xd Y BrUgVJing M-HV.-DgdDaY.rFDJCRing Ht-LM EKBDXkME,yz'RBr q'wtion wIojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxer tKM L\n",
  "KsJdPByEtAor fE-Qg Dpdbring cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMtion psing sbKao Q m qiing LMmer HqqLFXe,XPY,J XsurkMer ,ed nB'wH'bWVHjWFEing tQ.saefZwJtKrTlixYpMMsJing UCAPwNHeYVjDing c T BUySKtion gMPfJpwGw p'NvxAoping eu pBwMBKV'I DNxqelhu,PHPxDEq,mtion SN\n",
];
const PREDICTIONS = [
  "rFDJCRtion Ht-LM EKtDXkME,yz'RBr q'wer wrojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxi\n",
  "n cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMer pstion sbKao Q m qier LMmed HqqLFXe,XPY,J XsurkMeo ,ed nB'wH'bWVHjWFEer tQ.saefZwJtKrTlixYpMMNJtion UCAPwNHeYVjD\n",
];

function expectScore(actual: { precision: number; recall: number; fmeasure: number }, p: number, r: number, f: number, places: number, label: string): void {
  const tol = 0.5 * 10 ** -places;
  near(actual.precision, p, tol, `${label} precision`);
  near(actual.recall, r, tol, `${label} recall`);
  near(actual.fmeasure, f, tol, `${label} fmeasure`);
}

test('rouge_score unit tests: rouge1, rouge2, rougeL (consecutive and not), empty prediction', () => {
  expectScore(rouge('rouge1', 'testing one two', 'testing'), 1, 1 / 3, 1 / 2, 9, 'testRouge1');
  expectScore(rouge('rouge2', 'testing one two', 'testing one'), 1, 1 / 2, 2 / 3, 9, 'testRouge2');
  expectScore(rouge('rougeL', 'testing one two', 'testing one'), 1, 2 / 3, 4 / 5, 9, 'testRougeLConsecutive');
  expectScore(rouge('rougeL', 'testing one two', 'testing two'), 1, 2 / 3, 4 / 5, 9, 'testRougeLNonConsecutive');
  for (const type of ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'] as const) {
    expectScore(rouge(type, 'testing one two', ''), 0, 0, 0, 9, `testRougeEmpty ${type}`);
  }
});

test('rouge_score against ROUGE-1.5.5 (testRouge1/2/LAgainstRouge155, with and without stemming)', () => {
  expectScore(rouge('rouge1', TARGETS[0]!, PREDICTIONS[0]!), 0.6875, 0.40741, 0.51163, 5, 'rouge1 #0');
  expectScore(rouge('rouge1', TARGETS[1]!, PREDICTIONS[1]!), 0.65385, 0.40476, 0.5, 5, 'rouge1 #1');
  expectScore(rouge('rouge1', TARGETS[0]!, PREDICTIONS[0]!, true), 0.6875, 0.40741, 0.51163, 5, 'rouge1 stem #0');
  expectScore(rouge('rouge1', TARGETS[1]!, PREDICTIONS[1]!, true), 0.69231, 0.42857, 0.52941, 5, 'rouge1 stem #1');
  expectScore(rouge('rouge2', TARGETS[0]!, PREDICTIONS[0]!), 0.53333, 0.30769, 0.39024, 5, 'rouge2 #0');
  expectScore(rouge('rouge2', TARGETS[1]!, PREDICTIONS[1]!), 0.48, 0.29268, 0.36364, 5, 'rouge2 #1');
  expectScore(rouge('rouge2', TARGETS[0]!, PREDICTIONS[0]!, true), 0.53333, 0.30769, 0.39024, 5, 'rouge2 stem #0');
  expectScore(rouge('rouge2', TARGETS[1]!, PREDICTIONS[1]!, true), 0.48, 0.29268, 0.36364, 5, 'rouge2 stem #1');
  expectScore(rouge('rougeL', TARGETS[0]!, PREDICTIONS[0]!), 0.6875, 0.40741, 0.51163, 5, 'rougeL #0');
  expectScore(rouge('rougeL', TARGETS[1]!, PREDICTIONS[1]!), 0.65385, 0.40476, 0.5, 5, 'rougeL #1');
});

test('rougeLsum: summary-level union LCS (Lin 2004 §3.2 example, testRougeLsum, testSummaryLevelLcs)', () => {
  expectScore(rouge('rougeLsum', 'w1 w2 w3 w4 w5', 'w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5'), 0.4, 0.8, 0.5333, 3, 'testRougeLsum');
  expectScore(rouge('rougeLsum', 'w1 w2 w3 w4 w5', ''), 0, 0, 0, 3, 'empty prediction');
  expectScore(rouge('rougeLsum', '', 'w1'), 0, 0, 0, 3, 'empty target');
  expectScore(rouge('rougeLsum', 'w1 w2 w3 w4 w5', '/'), 0, 0, 0, 3, 'all non-word characters');
  const s = summaryLevelLcs([['1', '2', '3', '4', '5']], [['1', '2', '6', '7', '8'], ['1', '3', '8', '9', '5']]);
  assert.equal(s.recall, 0.8);
  assert.equal(s.precision, 0.4);
  assert.equal(summaryLevelLcs([['reference']], [[]]).recall, 0);
  // testLcsTable: ref [1..5], candidate [2, 5, 3, 4] → LCS indices [1, 2, 3].
  assert.deepEqual(lcsIndices(['1', '2', '3', '4', '5'], ['2', '5', '3', '4']), [1, 2, 3]);
  assert.deepEqual(lcsIndices(['1', '2', '3', '4', '5'], ['8', '9']), []);
  // rougeL ignores newlines; rougeLsum does not.
  assert.notEqual(rouge('rougeL', 'a b\nc d', 'c d\na b').fmeasure, rouge('rougeLsum', 'a b\nc d', 'c d\na b').fmeasure);
});

test('rouge tokenizer: lowercase, non-[a-z0-9] to spaces — accents and CJK are dropped as in rouge_score', () => {
  assert.deepEqual(rougeTokenize("The Quick-brown fox's 2nd jump!"), ['the', 'quick', 'brown', 'fox', 's', '2nd', 'jump']);
  assert.deepEqual(rougeTokenize('café naïve'), ['caf', 'na', 've']);
  assert.deepEqual(rougeTokenize('東京は日本の首都です'), []);
  // Stemming applies only to tokens longer than 3 characters.
  assert.deepEqual(rougeTokenize('cat cats running runs', true), ['cat', 'cat', 'run', 'run']);
  // CJK-only texts have no tokens: every score is 0, not NaN.
  assert.deepEqual(rouge('rouge1', '我爱吃苹果', '我爱吃苹果'), { precision: 0, recall: 0, fmeasure: 0 });
});

test('rouge with several references keeps the best F (score_multi); registry names with _stem', () => {
  const best = rougeMulti('rouge1', ['completely different', 'the cat sat'], 'the cat sat down');
  near(best.fmeasure, (2 * 0.75 * 1) / 1.75, 1e-12, 'best reference');
  const plain = getMetric('rougeL');
  const stemmed = getMetric('rougeL_stem');
  assert.equal(stemmed.name, 'rougeL_stem');
  assert.equal(getMetric('rougeL', { stem: true }).name, 'rougeL_stem');
  const input = { prediction: 'the runners were running', references: ['the runner runs'] };
  assert.ok(stemmed.score(input as never).value > plain.score(input as never).value);
  const items = scoreItems(plain, [input, { prediction: 'x', references: ['x'] }]);
  const summary = summarizeMetric(plain, items, { resamples: 50 });
  near(summary.value, (items[0]!.value + 1) / 2, 1e-12, 'mean F');
  assert.ok('precision' in summary.details && 'recall' in summary.details);
});

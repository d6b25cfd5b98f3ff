import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { getMetric, scoreItems, summarizeMetric } from '../../src/shared/metrics/index';
import { argmax, chooseAnswer, expectedCalibrationError, passAtK, utf8Length } from '../../src/shared/metrics/likelihood';
import { near } from './close';

test('acc / acc_norm / acc_bytes follow lm-evaluation-harness (argmax of ll, ll/len chars, ll/len bytes)', () => {
  // " a" vs " bbbb": raw ll picks choice 0; per character −2/1 < −4/4 picks choice 1.
  const input = { logLikelihoods: [-2, -4], choices: ['a', 'bbbb'], gold: 1 };
  assert.equal(getMetric('acc').score(input).value, 0);
  assert.equal(getMetric('acc_norm').score(input).value, 1);
  // Characters are code points, bytes are UTF-8: "éé" is 2 characters but 4 bytes.
  const unicode = { logLikelihoods: [-3, -3.5], choices: ['abc', 'éé'], gold: [0] };
  assert.equal(chooseAnswer(unicode.logLikelihoods, unicode.choices, 'chars'), 0); // −1 vs −1.75
  assert.equal(chooseAnswer(unicode.logLikelihoods, unicode.choices, 'bytes'), 1); // −1 vs −0.875
  assert.equal(getMetric('acc_bytes').score(unicode).value, 0);
  assert.equal(utf8Length('aé東😀'), 1 + 2 + 3 + 4);
  // numpy argmax takes the first maximum on ties.
  assert.equal(argmax([-1, -1, -2]), 0);
  assert.equal(getMetric('acc').score({ logLikelihoods: [-1, -1], choices: ['x', 'y'], gold: 1 }).value, 0);
});

test('acc validates its input and reports mean ± stderr (sample std / sqrt(n))', () => {
  const acc = getMetric('acc');
  assert.throws(() => acc.score({ logLikelihoods: [-1], choices: ['a', 'b'], gold: 0 }), /1 log-likelihoods but 2 choices/);
  assert.throws(() => acc.score({ logLikelihoods: [-1, -2], choices: ['a', 'b'], gold: 2 }), /choice index/);
  const items = scoreItems(acc, [
    { logLikelihoods: [-1, -2], choices: ['a', 'b'], gold: 0 },
    { logLikelihoods: [-1, -2], choices: ['a', 'b'], gold: 1 },
    { logLikelihoods: [-3, -2], choices: ['a', 'b'], gold: 1 },
    { logLikelihoods: [-3, -2], choices: ['a', 'b'], gold: 1 },
  ]);
  const s = summarizeMetric(acc, items);
  // values 1, 0, 1, 1: mean 0.75, sample std sqrt(0.25) = 0.5, se = 0.5/2
  assert.equal(s.value, 0.75);
  near(s.se, 0.25, 1e-15, 'stderr');
  assert.equal(s.seMethod, 'stderr');
});

test('pass@k: human-eval unbiased estimator in its product form', () => {
  near(passAtK(10, 3, 1), 0.3, 1e-15, 'n=10 c=3 k=1');
  near(passAtK(10, 3, 5), 1 - 21 / 252, 1e-15, '1 − C(7,5)/C(10,5)');
  assert.equal(passAtK(10, 8, 5), 1); // n − c < k
  assert.equal(passAtK(10, 0, 5), 0);
  // 1 − C(199,100)/C(200,100) = 1 − 100/200; the binomials themselves overflow a double.
  near(passAtK(200, 1, 100), 0.5, 1e-12, 'large n');
  const metric = getMetric('pass@k', { k: 5 });
  assert.equal(metric.name, 'pass@5');
  assert.equal(getMetric('pass@10').name, 'pass@10');
  assert.throws(() => metric.score({ n: 3, correct: 1 }), /at least 5 samples/);
  assert.throws(() => metric.score({ n: 10, correct: 11 }), /0 ≤ c ≤ n/);
});

test('ECE with 10 equal-mass bins matches the calibration library HELM uses (get_ece_em)', () => {
  // Reference values computed with the `calibration` library's get_equal_bins / fast_bin /
  // plugin_ce(power=1) code under numpy 2.4 (25 examples, two tied at 0.797).
  const probs = [0.728, 0.452, 0.281, 0.262, 0.86, 0.935, 0.705, 0.797, 0.658, 0.951, 0.862, 0.252, 0.893, 0.275, 0.797, 0.382, 0.897, 0.656, 0.475, 0.567, 0.271, 0.343, 0.753, 0.735, 0.712];
  const labels = [1, 0, 0, 0, 1, 1, 1, 1, 0, 1, 1, 0, 0, 0, 1, 0, 1, 0, 1, 1, 0, 1, 1, 1, 0];
  near(expectedCalibrationError(probs, labels).ece, 0.17284, 1e-12, 'ece 25 examples');
  // By hand: 2 bins over [0.6, 0.7 | 0.8, 0.9] → edge 0.75; both bins |0.65 − 1| = |0.85 − 0.5| = 0.35.
  near(expectedCalibrationError([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 1], 2).ece, 0.35, 1e-12, '2 bins');
  // Fewer examples than bins: one bin each, ECE = mean |p − y| = (0.1 + 0.8 + 0.3 + 0.4)/4.
  near(expectedCalibrationError([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 1]).ece, 0.4, 1e-12, 'n < bins');
  // All-equal probabilities collapse into one bin: |0.5 − 4/6|.
  near(expectedCalibrationError([0.5, 0.5, 0.5, 0.5, 0.5, 0.5], [1, 1, 0, 1, 0, 1]).ece, 1 / 6, 1e-12, 'tied edges');
  const ece = getMetric('ece');
  const items = scoreItems(ece, probs.map((probability, i) => ({ probability, correct: labels[i] === 1 })));
  const summary = summarizeMetric(ece, items, { resamples: 200 });
  near(summary.value, 0.17284, 1e-12, 'ece metric');
  assert.equal(ece.higherIsBetter, false);
  assert.match(summary.warnings[0]!, /25 examples is unreliable.*300/);
  assert.throws(() => ece.score({ probability: 1.2, correct: true }), /\[0, 1\]/);
});

test('perplexity family from document log-likelihoods (lm-evaluation-harness aggregations)', () => {
  const docs = [
    { logLikelihood: -10, tokens: 5, words: 4, bytes: 20 },
    { logLikelihood: -20, tokens: 10, words: 6, bytes: 30 },
  ];
  const value = (name: string): number => {
    const m = getMetric(name);
    return m.corpus(scoreItems(m, docs as never).map((i) => i.stats)).value;
  };
  near(value('perplexity'), Math.exp(15), 1e-9, 'exp(−mean ll)');
  near(value('token_perplexity'), Math.exp(30 / 15), 1e-12, 'per token');
  near(value('word_perplexity'), Math.exp(3), 1e-12, 'per word');
  near(value('byte_perplexity'), Math.exp(30 / 50), 1e-12, 'per byte');
  near(value('bits_per_byte'), 30 / 50 / Math.LN2, 1e-12, 'bits per byte');
  assert.throws(() => getMetric('word_perplexity').score({ logLikelihood: -1 }), /"words" must be a positive number/);
});

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { getMetric } from '../../src/shared/metrics/index';
import { meteor, singleMeteor } from '../../src/shared/metrics/meteor';
import { near } from './close';
import { REFERENCE_CASES } from './referenceCases';

// NLTK's meteor_score doctests (nltk/translate/meteor_score.py).
const hypothesis1 = ['It', 'is', 'a', 'guide', 'to', 'action', 'which', 'ensures', 'that', 'the', 'military', 'always', 'obeys', 'the', 'commands', 'of', 'the', 'party'];
const reference1 = ['It', 'is', 'a', 'guide', 'to', 'action', 'that', 'ensures', 'that', 'the', 'military', 'will', 'forever', 'heed', 'Party', 'commands'];
const reference2 = ['It', 'is', 'the', 'guiding', 'principle', 'which', 'guarantees', 'the', 'military', 'forces', 'always', 'being', 'under', 'the', 'command', 'of', 'the', 'Party'];
const reference3 = ['It', 'is', 'the', 'practical', 'guide', 'for', 'the', 'army', 'always', 'to', 'heed', 'the', 'directions', 'of', 'the', 'party'];

test('METEOR: NLTK doctest round(single_meteor_score(reference1, hypothesis1), 4) == 0.6944', () => {
  const m = singleMeteor(reference1, hypothesis1);
  assert.equal(m.score.toFixed(4), '0.6944');
  // 12 matches in 6 chunks: Fmean = (2/3·3/4)/(0.9·2/3 + 0.1·3/4) = 0.7407…, penalty 0.5·(6/12)³.
  assert.equal(m.matches, 12);
  assert.equal(m.chunks, 6);
  near(m.score, 0.6944444444444445, 1e-15, 'full precision (nltk 3.10.3)');
});

test('METEOR: NLTK doctest over three references == 0.6944; no match == 0.0', () => {
  const refs = [reference1, reference2, reference3].map((r) => r.join(' '));
  assert.equal(meteor(hypothesis1.join(' '), refs).score.toFixed(4), '0.6944');
  assert.equal(meteor('non matching hypothesis', ['this is a cat']).score, 0);
  // hypothesis2 of the doctest, computed with nltk 3.10.3 without synonyms: 0.3035391371738569.
  const hypothesis2 = 'It is to insure the troops forever hearing the activity guidebook that party direct';
  near(meteor(hypothesis2, refs).score, 0.3035391371738569, 1e-12, 'hypothesis2');
});

test('METEOR matches nltk 3.10.3 (exact + stem modules) on the edge cases', () => {
  for (const c of REFERENCE_CASES) near(meteor(c.h, c.r).score, c.meteor, 1e-12, JSON.stringify(c.h));
});

test('METEOR: stems match after exact matches ("running" ~ "runs"), case-insensitive', () => {
  const m = singleMeteor(['The', 'runner', 'runs'], ['the', 'runners', 'running']);
  assert.equal(m.matches, 3);
  assert.equal(m.chunks, 1);
  assert.ok(getMetric('meteor').description.includes('no WordNet synonym module'));
});

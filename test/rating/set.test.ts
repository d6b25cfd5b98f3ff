import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { syntheticSamples } from './samples';
import { ratingState } from '../../src/shared/rating/ratingProtocol';
import { emptyRatingsFile, withJudgement, checkRatingsFile } from '../../src/shared/rating/ratingsFile';
import { buildRatingSet, pairIdOf } from '../../src/shared/rating/ratingSet';
import { outcomeOf, summarizeRatings, type RatingsSource } from '../../src/shared/rating/mergeRatings';
import type { RatingChoice, RatingPair, RatingsFile } from '../../src/shared/rating/types';
import { isInputError } from '../../src/shared/errors';

test('the rating set: seeded, the same seed gives the same pairs and sides, variants take turns, pair ids do not depend on the size', () => {
  const samples = syntheticSamples();
  const a = buildRatingSet(samples, 'fp32', 7, 10);
  assert.deepEqual(buildRatingSet(samples, 'fp32', 7, 10), a);
  assert.equal(a.length, 10);
  const perVariant = (set: RatingPair[]) => Object.fromEntries(['fp16', 'q4', 'q8'].map((v) => [v, set.filter((p) => p.variantId === v).length]));
  assert.deepEqual(perVariant(a), { fp16: 4, q4: 3, q8: 3 }, 'round-robin in id order: 4 + 3 + 3');
  for (const p of a) {
    const base = `output of fp32 for ${p.sampleKey.slice(3)}`;
    assert.equal(p.baselineSide === 'A' ? p.A : p.B, base);
    assert.equal(p.baselineSide === 'A' ? p.B : p.A, `output of ${p.variantId} for ${p.sampleKey.slice(3)}`);
    assert.equal(p.pairId, pairIdOf(7, p.sampleKey, p.variantId));
    assert.doesNotMatch(p.pairId, /fp16|q4|q8/);
  }
  assert.ok(a.some((p) => p.baselineSide === 'A') && a.some((p) => p.baselineSide === 'B'), 'both sides drawn');
  const b = buildRatingSet(samples, 'fp32', 8, 10);
  assert.notDeepEqual(b.map((p) => p.pairId), a.map((p) => p.pairId), 'another seed, another set');
  assert.equal(buildRatingSet(samples, 'fp32', 7, 100).length, 30, 'at most every (prompt, variant) pair');
  assert.equal(buildRatingSet(samples.filter((s) => s.variantId !== 'fp32'), 'fp32', 7, 10).length, 0, 'no baseline output, no pair');
});

test('the rating tab state is blind until the last pair is judged: no variant name, no baseline side; then the reveal', () => {
  const samples = syntheticSamples();
  const set = buildRatingSet(samples, 'fp32', 3, 10);
  let file: RatingsFile = emptyRatingsFile('run-1', 'alice', 3, 10);
  const leaks = (state: object): boolean => /"(variantId|baselineSide)"/.test(JSON.stringify(state));
  for (const [i, p] of set.entries()) {
    const state = ratingState(set, file, []);
    assert.equal(state.reveal, undefined);
    // The outputs themselves name variants in this synthetic run; the state's fields must not.
    assert.ok(!leaks(state), `pair ${i}: the state carries no variantId or baselineSide`);
    assert.deepEqual(Object.keys(state.pairs[0]!).sort(), ['A', 'B', 'pairId', 'prompt', 'sampleKey']);
    file = withJudgement(file, { pairId: p.pairId, sampleKey: p.sampleKey, choice: 'A' });
  }
  const done = ratingState(set, file, []);
  assert.equal(done.reveal?.length, 10);
  assert.deepEqual(done.reveal![0], { pairId: set[0]!.pairId, variantId: set[0]!.variantId, baselineSide: set[0]!.baselineSide });
  // Changing one's mind replaces the judgement of that pair.
  const changed = withJudgement(file, { pairId: set[0]!.pairId, sampleKey: set[0]!.sampleKey, choice: 'tie' });
  assert.equal(changed.judgements.length, 10);
  assert.equal(changed.judgements.find((j) => j.pairId === set[0]!.pairId)?.choice, 'tie');
});

/** A rater's file judging every pair of the set by `pick(pair)`. */
function rater(name: string, set: RatingPair[], pick: (p: RatingPair) => RatingChoice, seed = 3): RatingsSource {
  let file = emptyRatingsFile('run-1', name, seed, set.length);
  for (const p of set) file = withJudgement(file, { pairId: p.pairId, sampleKey: p.sampleKey, choice: pick(p) });
  return { source: `${name}.json`, file };
}

test('merging raters: win/tie/loss per variant with ties as half a win, Bradley–Terry for three variants, κ for two raters, α for three', () => {
  const samples = syntheticSamples();
  const set = buildRatingSet(samples, 'fp32', 3, 10);
  const variantSide = (p: RatingPair): RatingChoice => (p.baselineSide === 'A' ? 'B' : 'A');
  // alice: q8 always better, q4 always worse, fp16 a tie; bob the same but q8 a tie.
  const alice = rater('alice', set, (p) => (p.variantId === 'q8' ? variantSide(p) : p.variantId === 'q4' ? p.baselineSide : 'tie'));
  const bob = rater('bob', set, (p) => (p.variantId === 'q4' ? p.baselineSide : 'tie'));
  const one = summarizeRatings([alice], 'run-1', samples, 'fp32')!;
  const q8 = one.variants.find((v) => v.variantId === 'q8')!;
  assert.deepEqual([q8.n, q8.wins, q8.ties, q8.losses, q8.winRate], [3, 3, 0, 0, 1]);
  const fp16 = one.variants.find((v) => v.variantId === 'fp16')!;
  assert.deepEqual([fp16.n, fp16.ties, fp16.winRate], [4, 4, 0.5]);
  assert.match(one.tiePolicy, /half a win/);
  assert.ok(one.bradleyTerry, 'three variants rated: Bradley–Terry');
  // q8 won all and q4 lost all (no finite MLE): null with the reason; fp16 (all ties) = the baseline.
  assert.equal(q8.strength, null);
  assert.equal(fp16.strength, 1);
  assert.match(one.bradleyTerry!.note ?? '', /for q4, q8: won or lost every comparison/);
  assert.equal(one.agreement, undefined, 'one rater: no agreement');

  const two = summarizeRatings([alice, bob], 'run-1', samples, 'fp32')!;
  const q8two = two.variants.find((v) => v.variantId === 'q8')!;
  assert.deepEqual([q8two.n, q8two.wins, q8two.ties, q8two.winRate], [6, 3, 3, 0.75]);
  assert.ok(Math.abs(q8two.strength! - 3) < 1e-9, 'BT vs the baseline alone: (3 + 3/2) / (0 + 3/2) = 3');
  assert.equal(two.variants.find((v) => v.variantId === 'q4')!.strength, null, 'q4 lost every comparison: no finite strength');
  assert.ok(Math.abs(two.variants.find((v) => v.variantId === 'fp16')!.strength! - 1) < 1e-9, 'all ties: as strong as the baseline');
  // Agreement on the 10 pairs: they agree on q4 (3) and fp16 (4), differ on q8 (3): p_o = 0.7.
  // alice: loss 3, tie 4, win 3; bob: loss 3, tie 7 → p_e = 0.3·0.3 + 0.4·0.7 = 0.37, κ = 0.33/0.63.
  assert.equal(two.agreement?.method, 'cohen-kappa');
  assert.equal(two.agreement?.pairs, 10);
  assert.ok(Math.abs(two.agreement!.value! - 0.33 / 0.63) < 1e-12);

  const carol = rater('carol', set, (p) => outcomeOf('tie', p) === 'tie' ? 'tie' : 'A');
  const three = summarizeRatings([alice, bob, carol], 'run-1', samples, 'fp32')!;
  assert.equal(three.agreement?.method, 'krippendorff-alpha-nominal');
  assert.equal(three.agreement?.raters, 3);
  assert.deepEqual(three.raters.map((r) => r.rater), ['alice', 'bob', 'carol']);
});

test('merging refuses, naming the file: another run, a pair not in the set, an edited sample key, two files of one rater', () => {
  const samples = syntheticSamples();
  const set = buildRatingSet(samples, 'fp32', 3, 10);
  const alice = rater('alice', set, () => 'A');
  const refuses = (sources: RatingsSource[], pattern: RegExp): void => {
    assert.throws(() => summarizeRatings(sources, 'run-1', samples, 'fp32'), (e: unknown) => isInputError(e) && pattern.test(e.message));
  };
  refuses([{ source: 'x.json', file: { ...alice.file, runId: 'run-2' } }], /^x\.json: was made for run run-2, not run-1/);
  refuses([{ source: 'x.json', file: { ...alice.file, judgements: [{ pairId: 'pnothere', sampleKey: 'key0', choice: 'A' }] } }], /^x\.json: judges pair pnothere, which is not in this run's set for seed 3 and 10 pairs/);
  refuses([{ source: 'x.json', file: { ...alice.file, judgements: [{ ...alice.file.judgements[0]!, sampleKey: 'key99' }] } }], /^x\.json: pair p\w+ has sampleKey key99/);
  refuses([alice, { ...alice, source: 'copy.json' }], /^copy\.json: names rater "alice", as alice\.json does/);
  assert.equal(summarizeRatings([{ source: 'e.json', file: emptyRatingsFile('run-1', 'eve', 3, 10) }], 'run-1', samples, 'fp32'), undefined);
});

test('a ratings file is checked field by field, the error naming the file and the field', () => {
  const ok = { format: 'quantlens-ratings', version: 1, runId: 'r', rater: ' alice ', seed: 3, pairs: 10, judgements: [{ pairId: 'p1', sampleKey: 'k', choice: 'tie', criteria: { fluency: 'A', coherence: null } }], set: [] };
  const checked = checkRatingsFile('f.json', ok);
  assert.equal(checked.rater, 'alice');
  assert.deepEqual(checked.judgements[0]!.criteria, { fluency: 'A' });
  assert.equal('set' in checked, false, 'the texts of an exported set are not kept');
  const bad = (value: unknown, pattern: RegExp): void => assert.throws(() => checkRatingsFile('f.json', value), (e: unknown) => isInputError(e) && e.file === 'f.json' && pattern.test(e.message));
  bad([], /not a JSON object/);
  bad({ ...ok, format: 'other' }, /is not a QuantLens ratings file \("format" is "other"/);
  bad({ ...ok, version: 2 }, /format version 2/);
  bad({ ...ok, rater: '' }, /does not name its rater.*Write the rater's name/);
  bad({ ...ok, seed: 1.5 }, /integer "seed"/);
  bad({ ...ok, judgements: [{ pairId: 'p1', sampleKey: 'k', choice: 'C' }] }, /judgements\[0\]\.choice is "C"; it must be "A", "B" or "tie"/);
  bad({ ...ok, judgements: [{ pairId: 'p1', sampleKey: 'k', choice: 'A' }, { pairId: 'p1', sampleKey: 'k', choice: 'B' }] }, /judgements\[1\] judges pair p1 a second time/);
  bad({ ...ok, judgements: [{ pairId: 'p1', sampleKey: 'k', choice: 'A', criteria: { creativity: 'A' } }] }, /criteria\.creativity is not a criterion/);
});

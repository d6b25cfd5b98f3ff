import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { computeFlags, distinctN, FlaggableSample, repeatedNgramRate, withFlags } from '../../src/shared/annotations/flags';
import type { FlagKind } from '../../src/shared/annotations/types';
import type { SampleRecord } from '../../src/shared/report/schema';

const EOS = 2;

/** A crafted sample: tokens (EOS appended when it stopped at EOS) and one text per token. */
function sample(tokens: number[], options: { eos?: boolean; output?: string; nll?: number[]; divergence?: number | null } = {}): FlaggableSample {
  const tokenIds = options.eos ? [...tokens, EOS] : tokens;
  const tokenTexts = tokenIds.map((t) => (t === EOS && options.eos ? '' : ` w${t}`));
  return {
    output: options.output ?? tokenTexts.join(''),
    tokenIds,
    tokenTexts,
    stoppedBy: options.eos ? 'eos' : 'max-new-tokens',
    firstDivergence: options.divergence ?? null,
    baselineNll: options.nll,
  };
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const kinds = (flags: Array<{ kind: FlagKind }>): FlagKind[] => flags.map((f) => f.kind);

test('n-gram measures: repeated 3-gram rate and distinct-2 on worked sequences', () => {
  // 1 2 3 1 2 3 1 2 3 1 2 3: 10 trigrams, the first 3 new and the other 7 repeats → 0.7;
  // 11 bigrams of which 3 distinct → 3/11.
  const loop = [1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3];
  assert.equal(repeatedNgramRate(loop, 3), 0.7);
  assert.equal(distinctN(loop, 2), 3 / 11);
  assert.equal(repeatedNgramRate(range(1, 12), 3), 0);
  assert.equal(distinctN(range(1, 12), 2), 1);
  assert.equal(repeatedNgramRate([1, 2], 3), 0, 'no trigram');
  assert.equal(distinctN([1], 2), 1, 'no bigram');
});

test('repetition: flagged above 50% repeated 3-grams when distinct-2 is well below the baseline\'s', () => {
  const flags = computeFlags(sample([1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]), sample(range(10, 21)));
  assert.deepEqual(kinds(flags), ['repetition']);
  assert.equal(flags[0]!.value, 0.7);
  assert.equal(flags[0]!.threshold, 0.5);
  assert.match(flags[0]!.detail, /70% of the output's 3-grams repeat/);
  assert.match(flags[0]!.detail, /0\.27 is well below the baseline's 1/);
});

test('repetition: not flagged when the baseline repeats just as much, at exactly 50%, or on a short output', () => {
  const loop = [1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3];
  assert.deepEqual(computeFlags(sample(loop), sample([7, 8, 9, 7, 8, 9, 7, 8, 9, 7, 8, 9])), [], 'baseline equally repetitive');
  // Seven new tokens then the same seven: 14 trigrams, the last 7 repeats → exactly 0.5, not above.
  const half = [...range(1, 7), ...range(1, 7), 1, 2];
  assert.equal(repeatedNgramRate(half, 3), 7 / 14);
  assert.deepEqual(computeFlags(sample(half), sample(range(20, 35))), []);
  assert.deepEqual(computeFlags(sample([5, 5, 5, 5, 5]), sample(range(20, 24))), [], 'five tokens are fewer than the minimum of six');
});

test('repetition: without a baseline sample (the baseline\'s own) the rate alone decides', () => {
  const flags = computeFlags(sample([1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]), undefined);
  assert.deepEqual(kinds(flags), ['repetition']);
  assert.match(flags[0]!.detail, /distinct-2 is 0\.27/);
});

test('gibberish: the baseline\'s perplexity of the output over 4× its perplexity of its own', () => {
  // exp(mean 3) / exp(mean 1) = e² = 7.389 > 4.
  const flags = computeFlags(sample(range(1, 4), { nll: [3, 3, 3, 3] }), sample(range(1, 4), { nll: [1, 1, 1, 1] }));
  assert.deepEqual(kinds(flags), ['gibberish']);
  assert.ok(Math.abs(flags[0]!.value - Math.exp(2)) < 1e-12);
  assert.equal(flags[0]!.threshold, 4);
  assert.match(flags[0]!.detail, /7\.4× as surprising as its own \(perplexity 20\.1 against 2\.7/);
});

test('gibberish: not flagged at e¹ ≈ 2.7×, without NLLs, or on fewer than 4 tokens', () => {
  assert.deepEqual(computeFlags(sample(range(1, 4), { nll: [2, 2, 2, 2] }), sample(range(1, 4), { nll: [1, 1, 1, 1] })), []);
  assert.deepEqual(computeFlags(sample(range(1, 4)), sample(range(1, 4), { nll: [1, 1, 1, 1] })), [], 'no baselineNll (an older run)');
  assert.deepEqual(computeFlags(sample(range(1, 3), { nll: [9, 9, 9] }), sample(range(1, 3), { nll: [1, 1, 1] })), []);
});

test('early-stop: EOS with under half the baseline\'s tokens (also a length-ratio flag)', () => {
  const flags = computeFlags(sample([5, 6], { eos: true }), sample(range(10, 19), { eos: true }));
  assert.deepEqual(kinds(flags), ['early-stop', 'length-ratio']);
  assert.equal(flags[0]!.value, 0.2);
  assert.equal(flags[0]!.threshold, 0.5);
  assert.match(flags[0]!.detail, /after 2 tokens, 20% of the baseline's 10/);
  assert.equal(flags[1]!.value, 0.2);
  assert.equal(flags[1]!.threshold, 0.5);
});

test('early-stop: not flagged at 60% of the baseline, nor when stopped by the token limit', () => {
  assert.deepEqual(computeFlags(sample(range(1, 6), { eos: true }), sample(range(10, 19), { eos: true })), []);
  assert.deepEqual(kinds(computeFlags(sample(range(1, 4)), sample(range(10, 19)))), ['length-ratio'], 'a shorter output at the limit is no early stop');
});

test('truncation: the variant hit the token limit where the baseline ended at EOS', () => {
  const flags = computeFlags(sample(range(1, 16)), sample(range(20, 28), { eos: true }));
  assert.deepEqual(kinds(flags), ['truncation']);
  assert.equal(flags[0]!.value, 16);
  assert.equal(flags[0]!.threshold, null);
  assert.match(flags[0]!.detail, /after 16 tokens, where the baseline ended by itself after 9/);
  assert.deepEqual(computeFlags(sample(range(1, 16)), sample(range(20, 35))), [], 'both at the limit');
});

test('length-ratio: outside [0.5, 2] of the baseline\'s content tokens; the bounds themselves pass', () => {
  const long = computeFlags(sample(range(1, 25), { eos: true }), sample(range(30, 39), { eos: true }));
  assert.deepEqual(kinds(long), ['length-ratio']);
  assert.equal(long[0]!.value, 2.5);
  assert.equal(long[0]!.threshold, 2);
  assert.match(long[0]!.detail, /2\.5× the baseline's length \(25 tokens against 10/);
  assert.deepEqual(computeFlags(sample(range(1, 20), { eos: true }), sample(range(30, 39), { eos: true })), [], 'exactly 2×');
  assert.deepEqual(computeFlags(sample(range(1, 5), { eos: true }), sample(range(30, 39), { eos: true })), [], 'exactly 0.5×');
});

test('empty-output: nothing before EOS, or only whitespace', () => {
  const empty = computeFlags(sample([], { eos: true, output: '' }), sample(range(1, 8), { eos: true }));
  assert.deepEqual(kinds(empty), ['empty-output', 'early-stop', 'length-ratio']);
  assert.equal(empty[0]!.value, 0);
  assert.match(empty[0]!.detail, /generated nothing/);
  const blank = computeFlags(sample([3, 3], { eos: true, output: ' \n' }), undefined);
  assert.deepEqual(kinds(blank), ['empty-output']);
  assert.equal(blank[0]!.value, 2);
  assert.deepEqual(computeFlags(sample([3, 4], { eos: true, output: ' ok' }), undefined), []);
});

test('divergence: value is the first differing token k, named in the detail', () => {
  const flags = computeFlags(sample(range(1, 6), { divergence: 3 }), sample(range(1, 6)));
  assert.deepEqual(kinds(flags), ['divergence']);
  assert.equal(flags[0]!.value, 3);
  assert.equal(flags[0]!.threshold, null);
  assert.equal(flags[0]!.detail, 'First differs from the baseline\'s greedy choice at token 3 (" w4").');
  assert.deepEqual(computeFlags(sample(range(1, 6), { divergence: null }), sample(range(1, 6))), []);
});

test('an output equal to the baseline\'s carries no flag; thresholds can be overridden', () => {
  const same = sample(range(1, 12), { eos: true, nll: Array(13).fill(1) });
  assert.deepEqual(computeFlags(same, same), []);
  // With an early-stop share of 0.7, 6 of 10 tokens is an early stop.
  assert.deepEqual(kinds(computeFlags(sample(range(1, 6), { eos: true }), sample(range(10, 19), { eos: true }), { earlyStopShare: 0.7 })), ['early-stop']);
});

test('withFlags: variants against the baseline\'s sample of the same key; the baseline\'s own without comparison', () => {
  const record = (variantId: string, sampleKey: string, s: FlaggableSample): SampleRecord => ({ ...s, sampleKey, variantId, promptIndex: 0, prompt: 'p', tokenTexts: s.tokenTexts ?? [], kld: [], deltaP: [] });
  const loop = sample([1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]);
  const base = record('fp32', 'k1', loop);
  const flagged = withFlags([base], 'fp32', new Map());
  assert.deepEqual(kinds(flagged[0]!.flags), ['repetition'], 'the baseline loops: flagged on the rate alone');
  const variant = withFlags([record('q4', 'k1', loop), record('q4', 'k2', loop)], 'fp32', new Map([['k1', base]]));
  assert.deepEqual(kinds(variant[0]!.flags), [], 'as repetitive as the baseline: no flag');
  assert.deepEqual(kinds(variant[1]!.flags), ['repetition'], 'no baseline sample for k2: the rate alone');
});

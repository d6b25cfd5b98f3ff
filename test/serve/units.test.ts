import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { greedyToken, scoreRows } from '../../src/serve/rowLogprobs';
import { TextStream } from '../../src/serve/textStream';
import { logSumExp } from '../../src/shared/stats/tokenComparison';

const V = 6;
// Two rows; row 0 has a tie (ids 1 and 4 at 2.5).
const LOGITS = Float32Array.from([0.5, 2.5, -1, 0, 2.5, 1, /* row 1 */ 3, -2, 0.25, 0.25, 1, -7]);

test('scoreRows: logprob = logit − lse in float64, rank = 1 + strictly larger logits, top-k largest first with the lower id first among equals, full = the whole sorted vocabulary', () => {
  const top = scoreRows(LOGITS, 0, [2, 3], V, { kind: 'top', k: 3 });
  const lse0 = logSumExp(LOGITS, 0, V).lse;
  const lse1 = logSumExp(LOGITS, V, V).lse;
  assert.deepEqual([...top.logprobs], [LOGITS[2]! - lse0, LOGITS[V + 3]! - lse1]);
  assert.deepEqual([...top.ranks], [6, 3]);
  assert.deepEqual([...top.ids], [1, 4, 5, /* row 1 */ 0, 4, 2]);
  assert.deepEqual([...top.values], [2.5 - lse0, 2.5 - lse0, 1 - lse0, 3 - lse1, 1 - lse1, 0.25 - lse1]);
  const full = scoreRows(LOGITS, 1, [0], V, { kind: 'full' });
  assert.deepEqual([...full.ids], [0, 4, 2, 3, 1, 5]);
  assert.equal(full.width, V);
  const asked = scoreRows(LOGITS, 1, [0], V, { kind: 'ids', ids: [5, 1] });
  assert.deepEqual([...asked.ids], [5, 1]);
  assert.deepEqual([...asked.values], [-7 - lse1, -2 - lse1]);
  assert.equal(scoreRows(LOGITS, 0, [0], V, { kind: 'top', k: 0 }).ids.length, 0);
});

test('greedyToken: the first maximum, masked ids left out', () => {
  assert.equal(greedyToken(LOGITS, 0, V, null), 1);
  assert.equal(greedyToken(LOGITS, 0, V, new Set([1])), 4);
  assert.equal(greedyToken(LOGITS, 1, V, new Set([0, 4])), 2);
});

test('TextStream: a stop string split over tokens is never sent; it is looked for only after min_tokens; a split UTF-8 character is held back', () => {
  const pieces: Record<number, string> = { 1: 'Hello', 2: ' wo', 3: 'rld', 4: ' and', 5: '!' };
  const decode = (tokens: readonly number[]): string => tokens.map((t) => pieces[t]).join('');
  const s = new TextStream(decode, ['world'], 0, false);
  const sent: string[] = [];
  for (const t of [1, 2, 3, 4]) {
    const stopped = s.push(t);
    sent.push(s.delta(stopped));
    if (stopped) break;
  }
  assert.deepEqual(sent, ['H', 'ell', 'o ']);
  assert.equal(s.fullText, 'Hello ');
  assert.equal(s.stoppedBy, 'world');
  assert.equal(sent.join(''), 'Hello ');

  const late = new TextStream(decode, ['Hello'], 2, true);
  assert.equal(late.push(1), false, 'before min_tokens a stop string does not stop');
  assert.equal(late.push(2), false, 'text from before min_tokens is not searched later');
  assert.equal(late.push(1), true, 'a match in new text stops');
  assert.equal(late.fullText, 'Hello woHello');

  const bytes: Record<number, string> = { 1: 'caf', 2: '\uFFFD', 3: 'é!' };
  const utf8 = new TextStream((ts) => (ts.length === 2 ? 'caf\uFFFD' : ts.map((t) => bytes[t]).join('').replace('\uFFFDé', 'é')), [], 0, false);
  utf8.push(1);
  assert.equal(utf8.delta(false), 'caf');
  utf8.push(2);
  assert.equal(utf8.delta(false), '', 'U+FFFD at the end waits for the next token');
  utf8.push(3);
  assert.equal(utf8.delta(true), 'é!');
});

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { describeWindows, EvalWindow, planWindows } from '../../src/shared/windows';

/** How many times each token index is scored, checking each has its predecessor inside the window. */
function scoreCounts(tokenCount: number, windows: EvalWindow[], contextLength: number): number[] {
  const counts = new Array<number>(tokenCount).fill(0);
  for (const w of windows) {
    assert.ok(w.end - w.start <= contextLength, `window ${JSON.stringify(w)} longer than the context`);
    assert.ok(w.scoreFrom > w.start, `window ${JSON.stringify(w)} scores a token whose predecessor is outside it`);
    for (let i = w.scoreFrom; i < w.end; i++) counts[i]!++;
  }
  return counts;
}

test('planWindows: 10 tokens, context 4, stride 2 — exact windows, each token 1..9 scored once', () => {
  const windows = planWindows(10, { kind: 'sliding', contextLength: 4, stride: 2 });
  assert.deepEqual(windows, [
    { start: 0, end: 4, scoreFrom: 1 }, // scores 1 2 3
    { start: 2, end: 6, scoreFrom: 4 }, // scores 4 5 (3 of context at least: token 4 sees 2 3)
    { start: 4, end: 8, scoreFrom: 6 }, // scores 6 7
    { start: 6, end: 10, scoreFrom: 8 }, // scores 8 9
  ]);
  assert.deepEqual(scoreCounts(10, windows, 4), [0, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
});

test('planWindows: every stride below the context scores each token 1..n−1 exactly once', () => {
  for (const tokenCount of [2, 5, 10, 11, 64, 257]) {
    for (const contextLength of [2, 3, 4, 8, 16]) {
      for (let stride = 1; stride < contextLength; stride++) {
        const windows = planWindows(tokenCount, { kind: 'sliding', contextLength, stride });
        const counts = scoreCounts(tokenCount, windows, contextLength);
        assert.deepEqual(counts, [0, ...new Array(tokenCount - 1).fill(1)], `n ${tokenCount}, ctx ${contextLength}, stride ${stride}`);
        // Past the first window every scored token has at least contextLength − stride tokens of context.
        for (const w of windows.slice(1)) assert.ok(w.scoreFrom - w.start >= contextLength - stride);
        assert.equal(windows[windows.length - 1]!.end, tokenCount);
      }
    }
  }
});

test('planWindows: stride equal to the context gives disjoint windows; each window\'s first token is not scored', () => {
  const windows = planWindows(10, { kind: 'sliding', contextLength: 4, stride: 4 });
  assert.deepEqual(windows, [
    { start: 0, end: 4, scoreFrom: 1 },
    { start: 4, end: 8, scoreFrom: 5 },
    { start: 8, end: 10, scoreFrom: 9 },
  ]);
  // Tokens 4 and 8 have no predecessor in any window that holds them, so nothing scores them (as in
  // Hugging Face's scheme with stride = max_length, where labels are shifted inside each window).
  assert.deepEqual(scoreCounts(10, windows, 4), [0, 1, 1, 1, 0, 1, 1, 1, 0, 1]);
});

test('planWindows: a corpus shorter than one window is a single window', () => {
  assert.deepEqual(planWindows(3, { kind: 'sliding', contextLength: 8, stride: 4 }), [{ start: 0, end: 3, scoreFrom: 1 }]);
  assert.deepEqual(planWindows(1, { kind: 'sliding', contextLength: 8, stride: 4 }), []);
  assert.deepEqual(planWindows(0, { kind: 'sliding', contextLength: 8, stride: 4 }), []);
});

test('planWindows: a stride of 0, below 0 or above the context throws a RangeError naming it', () => {
  for (const stride of [0, -1, 5]) {
    assert.throws(() => planWindows(10, { kind: 'sliding', contextLength: 4, stride }), (e: unknown) => e instanceof RangeError && e.message.includes(`stride ${stride}`));
  }
});

test('describeWindows names the context and stride for the run card', () => {
  const text = describeWindows({ kind: 'sliding', contextLength: 512, stride: 256 });
  assert.match(text, /512 tokens/);
  assert.match(text, /stride 256/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSlos, meetsSlos, parseSlos } from '../../src/worker/load/slo';
import { promptSlices, resolveLoadSweep, servedCells } from '../../src/worker/load/loadSweep';
import { exactLengthPrompts } from '../../src/worker/inputs/exactLengthPrompts';
import { hostOf } from '../../src/worker/load/servedPerformance';

test('SLOs parse from name:ms pairs (commas or spaces) and bad ones say what to write', () => {
  assert.deepEqual(parseSlos('ttft:500,tpot:50,e2el:2000'), { ttft: 500, tpot: 50, e2el: 2000 });
  assert.deepEqual(parseSlos('ttft:500 TPOT:12.5'), { ttft: 500, tpot: 12.5 });
  assert.equal(formatSlos(parseSlos('e2el:3e3, ttft:1')), 'ttft:1,e2el:3000');
  const cases: Array<[string, RegExp]> = [
    ['', /--slo "": no SLO given\. Write name:milliseconds pairs separated by commas, names ttft, tpot, e2el \(e\.g\. --slo ttft:500,tpot:50,e2el:2000\)\./],
    ['ttft', /"ttft" is not a name:milliseconds pair/],
    ['itl:5', /unknown SLO "itl"/],
    ['ttft:abc', /"abc" \(ttft\) is not a non-negative number of milliseconds/],
    ['ttft:-5', /"-5" \(ttft\) is not a non-negative number/],
    ['ttft:5,ttft:6', /ttft is given twice/],
    ['ttft:5:6', /"ttft:5:6" is not a name:milliseconds pair/],
  ];
  for (const [text, message] of cases) assert.throws(() => parseSlos(text), message, text);
  assert.throws(() => parseSlos('x:1', 'quantlens.slo'), /^Error: quantlens\.slo "x:1"/);
});

test('a request is good when it meets every SLO given (≤, as vLLM)', () => {
  const slos = { ttft: 100, tpot: 10 };
  assert.equal(meetsSlos(slos, 100, 10, 1e9), true);
  assert.equal(meetsSlos(slos, 100.01, 1, 0), false);
  assert.equal(meetsSlos(slos, 1, 10.01, 0), false);
  assert.equal(meetsSlos({ e2el: 5 }, 1e9, 1e9, 5), true);
});

test('load settings: defaults from the run, validation, and the cell order', () => {
  const load = resolveLoadSweep(undefined, { warmups: 2, rounds: 3, seed: 9 });
  assert.deepEqual(load, { requestRates: ['inf'], burstiness: 1, requestsPerCell: 32, warmupRequests: 2, passes: 3, seed: 9, fixedLength: true, slos: null });
  assert.throws(() => resolveLoadSweep({ requestRates: [0] }, { warmups: 0, rounds: 1, seed: 1 }), /request rate 0/);
  assert.throws(() => resolveLoadSweep({ passes: 0 }, { warmups: 0, rounds: 1, seed: 1 }), /passes 0: give a whole number, at least 1/);
  const cells = servedCells({ inputLengths: [8, 16], outputLengths: [4], concurrency: [1, 4] }, { ...load, requestRates: [2, 'inf'] });
  assert.deepEqual(cells.map((c) => `${c.inputTokens}/${c.concurrency}/${c.requestRate}`), ['8/1/2', '8/1/inf', '8/4/2', '8/4/inf', '16/1/2', '16/1/inf', '16/4/2', '16/4/inf']);
});

test('prompt slices continue exactLengthPrompts and say when a short corpus wraps', () => {
  const source = { prefix: [1], text: Array.from({ length: 100 }, (_, i) => i + 10) };
  const all = exactLengthPrompts(source, 9, 12);
  const cut = promptSlices(source, 9, 5, 7);
  assert.deepEqual(cut.prompts, all.slice(5));
  assert.equal(cut.wrapped, false);
  assert.equal(promptSlices(source, 9, 10, 3).wrapped, true);
  assert.throws(() => promptSlices({ prefix: [], text: [] }, 4, 0, 1), /corpus gave no tokens/);
});

test('hosts keep scheme, host and port only — never credentials', () => {
  assert.equal(hostOf('http://user:pw@10.0.0.2:8000/v1?key=abc'), 'http://10.0.0.2:8000');
  assert.equal(hostOf('not a url'), 'an unparsable URL');
});

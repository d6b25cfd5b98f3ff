import { strict as assert } from 'node:assert';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runFile } from '../../src/node/runFolder/layout';
import { RequestJournal } from '../../src/node/runFolder/requestJournal';
import { MAX_JOURNALED_ENTRIES, ServedAnswers } from '../../src/worker/backend/servedAnswers';

test('request journal: answers come back bit for bit, a torn last line is skipped and the next line starts fresh, keys name the endpoint identity', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ql-journal-'));
  try {
    const answers = new ServedAnswers(RequestJournal.forRun(dir, 'q4s'), 'identity-a');
    const rows = Float64Array.from([-0.1, Math.PI, -1e-300, Number.NEGATIVE_INFINITY, 5e-324]);
    const k1 = answers.key('forward', { tokens: [1, 2, 3], V: 5 });
    answers.recordForward(k1, rows);
    const k2 = answers.key('promptTopK', { tokens: [1, 2, 3], k: 2, alsoIds: null });
    answers.recordTopK(k2, { targetLogprobs: Float64Array.from([-0.5, -0.25]), rows: [{ ids: Int32Array.from([7, 2]), logprobs: Float64Array.from([-0.1, -2.3]) }, { ids: Int32Array.from([3, 9]), logprobs: Float64Array.from([-0.2, -1.7]) }], askedIdsReturned: false });
    const k3 = answers.key('generateGreedy', { promptTokens: [1], maxNewTokens: 3, stopOnEos: true });
    answers.recordGreedy(k3, { tokens: [4, 5, 0], stoppedBy: 'eos', startedAtMs: 1000, tokenTimesMs: [1010, 1012.5, 1020] });
    answers.recordGreedy(answers.key('generateGreedy', { promptTokens: [2], maxNewTokens: 3, stopOnEos: true }), { tokens: [4], stoppedBy: 'cancelled', startedAtMs: 0, tokenTimesMs: [1] });
    // A crash in the middle of a write leaves half a line.
    appendFileSync(runFile(dir, 'requests'), '{"key":"abc","variantId":"q4s","method":"forward","answ');

    const reopened = new RequestJournal(runFile(dir, 'requests'), 'q4s');
    assert.equal(reopened.size, 3, 'the cancelled generation is not an answer');
    assert.equal(reopened.skippedLines, 1);
    const again = new ServedAnswers(reopened, 'identity-a');
    assert.deepEqual(again.forward(k1), rows);
    assert.ok(Object.is(again.forward(k1)![4], 5e-324));
    const topK = again.topK(k2)!;
    assert.deepEqual([...topK.targetLogprobs], [-0.5, -0.25]);
    assert.deepEqual(topK.rows.map((r) => [[...r.ids], [...r.logprobs]]), [[[7, 2], [-0.1, -2.3]], [[3, 9], [-0.2, -1.7]]]);
    assert.equal(topK.askedIdsReturned, false);
    assert.deepEqual(again.greedy(k3, 50), { tokens: [4, 5, 0], stoppedBy: 'eos', startedAtMs: 50, tokenTimesMs: [60, 62.5, 70] });
    assert.equal(again.reused, 4);
    // The torn line was ended: the next answer is a line of its own and reads back.
    const k4 = again.key('forward', { tokens: [9], V: 1 });
    again.recordForward(k4, Float64Array.from([-1]));
    assert.equal(new RequestJournal(runFile(dir, 'requests'), 'q4s').size, 4);
    assert.ok(readFileSync(runFile(dir, 'requests'), 'utf8').endsWith('\n'));
    // Another endpoint identity (the server now serves another model) or another variant: no answers.
    assert.equal(new ServedAnswers(new RequestJournal(runFile(dir, 'requests'), 'q4s'), 'identity-b').forward(k1.replace(/./, 'x')), undefined);
    assert.notEqual(new ServedAnswers(reopened, 'identity-b').key('forward', { tokens: [1, 2, 3], V: 5 }), k1);
    assert.equal(new RequestJournal(runFile(dir, 'requests'), 'other').size, 0);
    // Whole-vocabulary answers past the cap are not kept (said once); the journal stays small.
    const warnings: string[] = [];
    const capped = new ServedAnswers(new RequestJournal(runFile(dir, 'requests'), 'q4s'), 'identity-a', (m) => warnings.push(m));
    for (const n of [1, 2]) capped.recordForward(capped.key('forward', { tokens: [n], V: MAX_JOURNALED_ENTRIES + 1 }), new Float64Array(MAX_JOURNALED_ENTRIES + 1));
    assert.equal(new RequestJournal(runFile(dir, 'requests'), 'q4s').size, 4);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^q4s: whole-vocabulary answers of 1048577 log-probabilities \(over 1048576\) are not kept in .*requests\.jsonl, so a resumed run sends those requests again/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

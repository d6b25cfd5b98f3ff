import { strict as assert } from 'node:assert';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { humanRatingOf, loadRaterFile, raterFile, raterFileName, readRatingsFolder, saveJudgement } from '../../src/node/rating/ratingStore';
import { ratingsFolderOf } from '../../src/node/runFolder/layout';
import { buildRatingSet } from '../../src/shared/rating/ratingSet';
import { isInputError } from '../../src/shared/errors';
import { syntheticSamples } from './samples';

test('rater file names never leave the ratings folder', () => {
  assert.equal(raterFileName('alice'), 'alice.json');
  assert.equal(raterFileName('../../etc/passwd'), '__.._etc_passwd.json');
  assert.equal(raterFileName('Jürgen Groß'), 'Jürgen_Groß.json');
  assert.equal(raterFileName('  '), 'rater.json');
});

test('each judgement is written at once, atomically, to <run>/ratings/<rater>.json; a reload resumes from the file', () => {
  const run = mkdtempSync(join(tmpdir(), 'ql-rating-'));
  try {
    const samples = syntheticSamples();
    const set = buildRatingSet(samples, 'fp32', 5, 10);
    for (const [i, p] of set.slice(0, 4).entries()) {
      saveJudgement(run, 'run-1', 'alice', 5, 10, { pairId: p.pairId, sampleKey: p.sampleKey, choice: i % 2 ? 'A' : 'tie', at: '2026-12-03T00:00:00Z' });
      // On disk after every single judgement, and no temporary file left beside it.
      assert.equal(JSON.parse(readFileSync(raterFile(run, 'alice'), 'utf8')).judgements.length, i + 1);
      assert.deepEqual(readdirSync(ratingsFolderOf(run)), ['alice.json']);
    }
    // "Reload": a fresh read gets the four judgements back.
    const resumed = loadRaterFile(run, 'run-1', 'alice', 5, 10);
    assert.deepEqual(resumed.judgements.map((j) => j.pairId), set.slice(0, 4).map((p) => p.pairId));
    const { humanRating, problems } = humanRatingOf(run, 'run-1', samples, 'fp32');
    assert.deepEqual(problems, []);
    assert.equal(humanRating!.variants.reduce((s, v) => s + v.n, 0), 4);

    // A file of another set is never overwritten by this one.
    assert.throws(() => saveJudgement(run, 'run-1', 'alice', 6, 10, { pairId: 'p', sampleKey: 'k', choice: 'A' }), (e: unknown) => isInputError(e) && /another set \(seed 5, 10 pairs\)/.test(e.message));

    // A broken file of another rater is left out and named; the good one still counts; it is not rewritten.
    const broken = join(ratingsFolderOf(run), 'bob.json');
    writeFileSync(broken, '{"format": "quantlens-ratings",');
    const read = readRatingsFolder(run);
    assert.equal(read.sources.length, 1);
    assert.match(read.problems[0]!, /bob\.json:1:\d+: is not valid JSON/);
    assert.throws(() => saveJudgement(run, 'run-1', 'bob', 5, 10, { pairId: set[0]!.pairId, sampleKey: set[0]!.sampleKey, choice: 'A' }), (e: unknown) => isInputError(e) && e.file === broken);
    assert.equal(readFileSync(broken, 'utf8'), '{"format": "quantlens-ratings",');
  } finally {
    rmSync(run, { recursive: true, force: true });
  }
});

test('humanRatingOf: no ratings folder, no region', () => {
  const run = mkdtempSync(join(tmpdir(), 'ql-rating-'));
  try {
    assert.deepEqual(humanRatingOf(run, 'run-1', syntheticSamples(), 'fp32'), { problems: [] });
    mkdirSync(ratingsFolderOf(run));
    assert.deepEqual(humanRatingOf(run, 'run-1', syntheticSamples(), 'fp32'), { problems: [] });
  } finally {
    rmSync(run, { recursive: true, force: true });
  }
});

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { loadRunData } from '../../src/node/runData';
import { listRunFolders } from '../../src/node/runFolder/reader';
import { ratingsFolderOf } from '../../src/node/runFolder/layout';
import { RUN_EXPORTS } from '../../src/shared/exports';
import { metricsOf } from '../../src/shared/panel/metricsCatalog';
import { HUMAN_WIN_RATE_METRIC } from '../../src/shared/rating/ratingMetric';
import type { BlindPair, HumanRatingReport, RatingsFile } from '../../src/shared/rating/types';
import { TINY_LLAMA } from '../helpers/fixtures';

const CLI = resolve('dist/cli.js');
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });

/**
 * `quantlens rate export|merge` on a real run of the fixture model (generations only, made by the
 * CLI): two raters rate the exported set outside VS Code, the merge saves their files and prints
 * the merged result, and the panel's data (report.humanRating) and exports show the same numbers.
 */
let root = '';
let run = '';
before(() => {
  root = mkdtempSync(join(tmpdir(), 'ql-rate-cli-'));
  cpSync(TINY_LLAMA, join(root, 'model'), { recursive: true });
  const r = cli('eval', join(root, 'model'), '--measure', 'generation', '--max-new-tokens', '8');
  assert.equal(r.status, 0, r.stderr);
  run = listRunFolders(root)[0]!;
});
after(() => rmSync(root, { recursive: true, force: true }));

test('rate export writes a blind set (no variant name, sides shuffled), the same for the same seed', () => {
  const r = cli('rate', 'export', run, '--pairs', '6', '--seed', '42');
  assert.equal(r.status, 0, r.stderr);
  const file = JSON.parse(r.stdout) as RatingsFile;
  assert.equal(file.format, 'quantlens-ratings');
  assert.equal(file.rater, '');
  assert.equal(file.seed, 42);
  assert.equal(file.set!.length, 6);
  assert.deepEqual(Object.keys(file.set![0]!).sort(), ['A', 'B', 'pairId', 'prompt', 'sampleKey']);
  assert.doesNotMatch(JSON.stringify(file), /"(variantId|baselineSide)"|fp16|q8|q4|fp32/);
  assert.equal(cli('rate', 'export', run, '--pairs', '6', '--seed', '42').stdout, r.stdout);
  assert.notEqual(cli('rate', 'export', run, '--pairs', '6', '--seed', '43').stdout, r.stdout);
});

test('rate merge: two raters\' returned files are checked, saved in <run>/ratings and merged (κ for two); the panel data carries the same result', () => {
  const out = join(root, 'set.json');
  assert.equal(cli('rate', 'export', run, '--out', out).status, 0);
  const set = JSON.parse(readFileSync(out, 'utf8')) as RatingsFile;
  const fill = (rater: string, pick: (p: BlindPair, i: number) => 'A' | 'B' | 'tie'): string => {
    const path = join(root, `${rater}.json`);
    writeFileSync(path, JSON.stringify({ ...set, rater, judgements: set.set!.map((p, i) => ({ pairId: p.pairId, sampleKey: p.sampleKey, choice: pick(p, i) })) }));
    return path;
  };
  const alice = fill('alice', (_, i) => (['A', 'B', 'tie'] as const)[i % 3]!);
  const bob = fill('bob', (_, i) => (i < 5 ? (['A', 'B', 'tie'] as const)[i % 3]! : 'A'));
  const dry = cli('rate', 'merge', run, alice, bob, '--json', '--dry-run');
  assert.equal(dry.status, 0, dry.stderr);
  assert.equal(existsSync(ratingsFolderOf(run)), false, '--dry-run saves nothing');
  const r = cli('rate', 'merge', run, alice, bob, '--json');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /Saved alice's 10 judgements/);
  const merged = JSON.parse(r.stdout) as HumanRatingReport;
  assert.deepEqual(merged, JSON.parse(dry.stdout));
  assert.deepEqual(readdirSync(ratingsFolderOf(run)).sort(), ['alice.json', 'bob.json']);
  assert.equal(merged.raters.length, 2);
  assert.equal(merged.variants.reduce((s, v) => s + v.n, 0), 20);
  assert.equal(merged.agreement?.method, 'cohen-kappa');
  assert.equal(merged.agreement?.pairs, 10);
  for (const v of merged.variants) assert.equal(v.winRate, (v.wins + v.ties / 2) / v.n);
  // The saved files keep no texts of the set.
  assert.equal('set' in JSON.parse(readFileSync(join(ratingsFolderOf(run), 'alice.json'), 'utf8')), false);

  // The views read the same: report.humanRating, the win-rate axis, the JSON and Markdown exports.
  const data = loadRunData(run);
  assert.deepEqual(JSON.parse(JSON.stringify(data.report!.humanRating)), merged);
  const axis = metricsOf(data.report!).find((m) => m.id === HUMAN_WIN_RATE_METRIC)!;
  assert.equal(axis.value(data.report!.variants.find((v) => v.id === merged.variants[0]!.variantId)!), merged.variants[0]!.winRate);
  assert.equal(axis.value(data.report!.variants.find((v) => v.isBaseline)!), 0.5);
  assert.deepEqual(JSON.parse(RUN_EXPORTS.json.render(data)).report.humanRating, merged);

  const markdown = RUN_EXPORTS.markdown.render(data);
  assert.match(markdown, /## Human rating \(blind, vs the baseline\)\n\n\| variant \| judgements/);
  assert.match(RUN_EXPORTS.html.render(data), /<h2>Human rating \(blind, vs the baseline\)<\/h2><table>/);

  const table = cli('rate', 'merge', run, alice);
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stdout, /Human rating vs fp32 \(blind, 2 raters\)/);
  assert.match(table.stdout, /a tie counts half a win/);
  assert.match(table.stdout, /Cohen's κ = /);
});

test('rate merge refuses a bad file with exit 2, naming the file and what to do, and saves nothing', () => {
  const bad = join(root, 'nameless.json');
  writeFileSync(bad, JSON.stringify({ format: 'quantlens-ratings', version: 1, runId: 'x', rater: '', seed: 1, pairs: 1, judgements: [] }));
  const before = existsSync(ratingsFolderOf(run)) ? readdirSync(ratingsFolderOf(run)).sort() : [];
  const r = cli('rate', 'merge', run, bad);
  assert.equal(r.status, 2);
  assert.match(r.stderr, new RegExp(`error: ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: does not name its rater \\("rater" is empty\\)\\. Write the rater's name`));
  const torn = join(root, 'torn.json');
  writeFileSync(torn, '{"format": "quantlens-ratings", "judgements": [');
  const t = cli('rate', 'merge', run, torn);
  assert.equal(t.status, 2);
  assert.match(t.stderr, /torn\.json:1:\d+: is not valid JSON/);
  const other = join(root, 'other.json');
  writeFileSync(other, JSON.stringify({ format: 'quantlens-ratings', version: 1, runId: 'another-run', rater: 'carol', seed: 1, pairs: 1, judgements: [] }));
  const o = cli('rate', 'merge', run, other);
  assert.equal(o.status, 2);
  assert.match(o.stderr, /other\.json: was made for run another-run/);
  assert.deepEqual(existsSync(ratingsFolderOf(run)) ? readdirSync(ratingsFolderOf(run)).sort() : [], before);
  assert.equal(cli('rate', 'nope', run).status, 2);
  assert.match(cli('rate', 'export', join(root, 'model')).stderr, /is not a run folder/);
  assert.match(cli('rate', '--help').stdout, /quantlens rate export RUN/);
});

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

// dist-test/metrics/ → the repository root; scripts/build.mjs builds dist/cli.js alongside the tests.
const CLI = resolve(__dirname, '..', '..', 'dist', 'cli.js');

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function withInput(lines: string[], fn: (file: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'quantlens-score-'));
  try {
    const file = join(dir, 'input.jsonl');
    writeFileSync(file, lines.join('\n') + '\n');
    fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const README = [
  { prediction: 'The dog bit the man.', references: ['The dog bit the man.', 'The dog had bit the man.'] },
  { prediction: "It wasn't surprising.", references: ['It was not unexpected.', 'No one was surprised.'] },
  { prediction: 'The man had just bitten him.', references: ['The man bit him first.', 'The man had bitten the dog.'] },
].map((x) => JSON.stringify(x));

test('quantlens score --metric bleu prints per-line and corpus scores with the sacreBLEU signature', () => {
  withInput(README, (file) => {
    const r = run(['score', '--metric', 'bleu', '--input', file]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^1 +100\.00/m);
    assert.match(r.stdout, /^2 +14\.79/m);
    assert.match(r.stdout, /BLEU = 48\.53 /);
    assert.match(r.stdout, /signature: nrefs:2\|case:mixed\|eff:no\|tok:13a\|smooth:exp\|version:2\.x/);
  });
});

test('quantlens score --json: corpus summary with CI and per-line values', () => {
  withInput(README, (file) => {
    const r = run(['score', '--metric', 'chrf++', '--input', file, '--json', '--resamples', '200', '--seed', '3']);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.metric, 'chrf++');
    assert.equal(report.corpus.value.toFixed(2), '59.15');
    assert.equal(report.corpus.ci.resamples, 200);
    assert.equal(report.corpus.ci.seed, 3);
    assert.deepEqual(report.items.map((i: { line: number }) => i.line), [1, 2, 3]);
  });
});

test('quantlens score --metric pass@k --k 5 reads {"n", "c"} lines', () => {
  withInput(['{"n": 10, "c": 3}', '', '{"n": 10, "c": 0}'], (file) => {
    const r = run(['score', '--metric', 'pass@k', '--k', '5', '--input', file, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.metric, 'pass@5');
    assert.deepEqual(report.items.map((i: { line: number }) => i.line), [1, 3]);
    assert.ok(Math.abs(report.corpus.value - (1 - 21 / 252) / 2) < 1e-12);
  });
});

test('bad input exits 2 with FILE:LINE (FILE:LINE:COLUMN for JSON syntax); usage errors exit 2 with the usage text', () => {
  withInput(['{"prediction": "x", "references": ["x"]}', '{"prediction": "y"}'], (file) => {
    const r = run(['score', '--metric', 'rougeL', '--input', file]);
    assert.equal(r.status, 2);
    assert.ok(r.stderr.includes(`${file}:2: line 2 cannot be scored with rougeL: "references" must be a non-empty list`), r.stderr);
  });
  withInput(['{"prediction": "x", "references": ["x"]}', 'not json'], (file) => {
    const r = run(['score', '--metric', 'exact_match', '--input', file]);
    assert.equal(r.status, 2);
    assert.ok(r.stderr.includes(`${file}:2:1: line 2 is not valid JSON: Expected a value but found "n". Fix the JSON syntax there.`), r.stderr);
  });
  withInput(['{"n": 3, "c": 1}'], (file) => {
    const r = run(['score', '--metric', 'pass@10', '--input', file]);
    assert.equal(r.status, 2);
    assert.ok(r.stderr.includes(`${file}:1: line 1 cannot be scored with pass@10: pass@10 needs at least 10 samples`), r.stderr);
  });
  const unknown = run(['score', '--metric', 'nope', '--input', 'x.jsonl']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown metric "nope"; known metrics: bleu/);
  assert.match(unknown.stderr, /quantlens score --metric NAME/);
  const missing = run(['score', '--metric', 'bleu', '--input', '/nonexistent/out.jsonl']);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /\/nonexistent\/out\.jsonl: does not exist/);
});

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import type { ModelFolder } from '../../src/shared/modelTypes';
import type { RunReport } from '../../src/shared/report/schema';
import { FIXTURE_ROOT, TINY_LLAMA } from '../helpers/fixtures';

const CLI = resolve('dist/cli.js');
const EXIT = { ok: 0, badInput: 2 };

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Each command's own synopsis line, and a line only the eval options have. */
const SYNOPSIS = {
  eval: 'quantlens eval <model-folder> [options]',
  discover: 'quantlens discover <folder> [--json]',
  demo: 'quantlens demo [eval options]',
  env: 'quantlens env [--probe] [--json]',
  score: 'quantlens score --metric NAME --input FILE.jsonl',
};
const EVAL_OPTION = '--max-new-tokens N      generation length (default 64)';

for (const [command, synopsis] of Object.entries(SYNOPSIS)) {
  test(`quantlens ${command} --help prints that command's usage on stdout and exits 0`, () => {
    const r = cli(command, '--help');
    assert.equal(r.status, EXIT.ok, r.stderr);
    assert.equal(r.stderr, '');
    assert.ok(r.stdout.includes(synopsis), r.stdout);
    for (const [other, line] of Object.entries(SYNOPSIS)) if (other !== command) assert.ok(!r.stdout.includes(line), `${command} --help leaves out ${other}`);
    assert.equal(r.stdout.includes(EVAL_OPTION), command === 'eval' || command === 'demo', 'the eval options go with eval and demo');
    assert.match(r.stdout, /Exit codes: 0 ok, 1 evaluation failed or cancelled, 2 bad input/);
  });
}

test('--help wins over other arguments, and `quantlens help eval` is `quantlens eval --help`', () => {
  const withArgs = cli('eval', TINY_LLAMA, '--context', '4', '--help');
  assert.equal(withArgs.status, EXIT.ok, withArgs.stderr);
  assert.ok(withArgs.stdout.includes(SYNOPSIS.eval));
  assert.equal(cli('help', 'eval').stdout, cli('eval', '--help').stdout);
  const all = cli('--help');
  assert.equal(all.status, EXIT.ok);
  for (const line of Object.values(SYNOPSIS)) assert.ok(all.stdout.includes(line), line);
});

test('bad input exits 2 with a message naming the flag: out-of-range settings, unknown options, unknown commands', () => {
  const context = cli('eval', TINY_LLAMA, '--context', '4');
  assert.equal(context.status, EXIT.badInput);
  assert.ok(context.stderr.startsWith('error: --context 4: must be at least 8\n'), context.stderr);
  const stride = cli('eval', TINY_LLAMA, '--context', '64', '--stride', '65');
  assert.equal(stride.status, EXIT.badInput);
  assert.ok(stride.stderr.startsWith('error: --stride 65: must be at most the context length (64); 0 means half of it\n'), stride.stderr);
  assert.doesNotMatch(stride.stderr, /RangeError/);
  for (const args of [['discover', '--bogus'], ['env', '--bogus'], ['score', '--bogus'], ['eval', TINY_LLAMA, '--bogus']]) {
    const r = cli(...args);
    assert.equal(r.status, EXIT.badInput, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^error: Unknown option '--bogus'/);
    assert.ok(r.stderr.includes(SYNOPSIS[args[0] as keyof typeof SYNOPSIS]), 'followed by that command’s usage');
  }
  const unknown = cli('evaluate');
  assert.equal(unknown.status, EXIT.badInput);
  assert.match(unknown.stderr, /^error: unknown command "evaluate"/);
  assert.equal(cli().status, EXIT.badInput, 'no command at all');
});

test('discover --json prints the discovery result as JSON (no table), the same models as the table', () => {
  const r = cli('discover', FIXTURE_ROOT, '--json');
  assert.equal(r.status, EXIT.ok, r.stderr);
  const parsed = JSON.parse(r.stdout) as { folder: string; models: ModelFolder[] };
  assert.equal(parsed.folder, FIXTURE_ROOT);
  const llama = parsed.models.find((m) => m.path === TINY_LLAMA);
  assert.ok(llama, r.stdout.slice(0, 400));
  assert.equal(llama.baselineId, 'fp32');
  assert.ok(llama.variants.some((v) => v.id === 'q4' && v.signature && v.sizeBytes > 0));
  const config = JSON.parse(readFileSync(join(TINY_LLAMA, 'config.json'), 'utf8')) as { max_position_embeddings: number };
  assert.equal(llama.config.max_position_embeddings, config.max_position_embeddings);
  const table = cli('discover', FIXTURE_ROOT);
  for (const model of parsed.models) assert.ok(table.stdout.includes(`${model.name}  ${model.path}`), model.name);
});

test('discover --json on a folder without models still prints valid JSON, and exits 2', () => {
  const r = cli('discover', resolve('docs'), '--json');
  assert.equal(r.status, EXIT.badInput);
  assert.deepEqual(JSON.parse(r.stdout), { folder: resolve('docs'), models: [] });
  assert.match(r.stderr, /no model folders found/);
});

test('demo --json prints the run\'s report.json on stdout, as eval --json does (progress stays on stderr)', (t) => {
  const out = mkdtempSync(join(tmpdir(), 'ql-demo-json-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const r = cli('demo', '--json', '--measure', 'fidelity', '--variants', 'q4', '--threads', '2', '--provider', 'cpu', '--out', out);
  assert.equal(r.status, EXIT.ok, r.stderr);
  const report = JSON.parse(r.stdout) as RunReport;
  assert.equal(report.status, 'completed');
  assert.deepEqual(report.variants.map((v) => v.id), ['fp32', 'q4']);
  assert.match(r.stderr, /Run completed: /);
});

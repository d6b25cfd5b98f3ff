import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { readRun } from '../../src/node/runFolder/reader';
import { loadTaskFile, prepareTask } from '../../src/worker/tasks';
import type { MultipleChoicePrompt, PerplexityPrompt } from '../../src/worker/tasks';
import type { RunReport, TaskUnitResult } from '../../src/shared/report/schema';
import { openSession, readDecoderConfig } from '../helpers/bruteForce';
import { addChatTemplate, copyModel, runCli, runWorker, TEST_THREADS, testRequest, withTempDir } from '../helpers/engineRun';
import { FIXTURE_ROOT, TINY_LLAMA } from '../helpers/fixtures';
import { logitsOf } from '../helpers/forward';
import { validateRunFolder } from '../helpers/validateReport';
import { requestFromSpec } from '../../src/host/logic/runRequest';
import { METRICS, metricsOf, taskMetricDefinitions } from '../../src/shared/panel/metricsCatalog';

env.allowRemoteModels = false;
env.localModelPath = FIXTURE_ROOT + '/';

const TASK_DIR = resolve('examples/tasks');
// The code tasks run model-written code (opt-in) and have their own end-to-end test: test/code/endToEnd.test.ts.
const TASK_FILES = readdirSync(TASK_DIR).filter((f) => /\.quantlens\.(ya?ml|json)$/.test(f) && !f.startsWith('code-')).map((f) => join(TASK_DIR, f));
const LIMIT = 3;
const VARIANTS = ['fp32', 'q8', 'q4'];
const FILES: Record<string, string> = { fp32: 'model.onnx', q8: 'model_quantized.onnx', q4: 'model_q4.onnx' };

interface FullRun {
  folder: string;
  report: RunReport;
  results: TaskUnitResult[];
}

let run: FullRun;
let scratch = '';

before(async () => {
  // One real worker run of every example task file, kept for the tests below.
  scratch = mkdtempSync(join(tmpdir(), 'ql-tasks-'));
  const worker = await runWorker(testRequest(TINY_LLAMA, { measures: [], variants: VARIANTS, taskFiles: TASK_FILES, taskLimit: LIMIT }), scratch, { timeoutMs: 120_000 });
  assert.equal(worker.outcome.done?.status, 'completed', JSON.stringify(worker.messages.filter((m) => m.type === 'error')));
  const disk = readRun(worker.outcome.runFolder!);
  run = { folder: worker.outcome.runFolder!, report: disk.report as RunReport, results: disk.results.filter((r): r is TaskUnitResult => r.kind === 'task') };
});

after(() => rmSync(scratch, { recursive: true, force: true }));

test('every example task file runs end to end: the report carries each task per variant with CIs, paired statistics and verdicts', () => {
  assert.ok(TASK_FILES.length >= 11, `found ${TASK_FILES.length} example task files`);
  assert.deepEqual(validateRunFolder(run.folder), [], 'run folder matches docs/schema');
  const tasks = TASK_FILES.flatMap((f) => loadTaskFile(f));
  assert.deepEqual(run.report.failures, []);
  for (const v of run.report.variants) {
    assert.deepEqual((v.tasks ?? []).map((t) => t.task).sort(), tasks.map((t) => t.name).sort(), `${v.id}: one summary per task`);
    for (const summary of v.tasks!) {
      const task = tasks.find((t) => t.name === summary.task)!;
      assert.equal(summary.type, task.type);
      assert.ok(summary.n >= 1 && summary.n <= LIMIT, `${v.id} ${summary.task}: ${summary.n} items`);
      assert.equal(summary.metrics.length, new Set(task.metrics.map((m) => (m.options.stem ? `${m.name}_stem` : m.name).toLowerCase())).size, `${summary.task}: every metric`);
      for (const m of summary.metrics) {
        const what = `${v.id} ${summary.task} ${m.metric}`;
        assert.ok(m.value !== null && Number.isFinite(m.value), `${what}: value`);
        assert.ok(m.ci.low !== null && m.ci.high !== null && m.ci.low <= m.value! + 1e-12 && m.value! <= m.ci.high + 1e-12, `${what}: ${m.value} inside [${m.ci.low}, ${m.ci.high}]`);
        assert.equal(m.ci.confidence, 0.95);
        if (v.isBaseline) {
          assert.equal(m.vsBaseline, undefined, `${what}: the baseline has no comparison`);
          continue;
        }
        const c = m.vsBaseline;
        assert.ok(c, `${what}: paired comparison`);
        assert.equal(c.n, summary.n);
        assert.ok(c.delta !== null && c.ci.low !== null && c.ci.high !== null && c.ci.low <= c.delta + 1e-9 && c.delta <= c.ci.high + 1e-9, `${what}: Δ ${c.delta} inside [${c.ci.low}, ${c.ci.high}]`);
        assert.ok(Math.abs(c.baseline! + c.delta - c.variant!) < 1e-9, `${what}: Δ = variant − baseline`);
        const base = run.report.variants.find((b) => b.isBaseline)!.tasks!.find((t) => t.task === summary.task)!.metrics.find((b) => b.metric === m.metric)!;
        assert.ok(Math.abs(c.baseline! - base.value!) < 1e-9, `${what}: compared against the baseline's value`);
        if (['acc', 'acc_norm', 'exact_match'].includes(m.metric)) {
          assert.ok(c.flips && c.mcnemar, `${what}: flips and McNemar`);
          assert.ok(c.mcnemar.pValue !== null && c.mcnemar.pValue >= 0 && c.mcnemar.pValue <= 1);
        }
      }
      const goals = summary.metrics.flatMap((m) => m.goals ?? []);
      assert.equal(goals.length, v.isBaseline ? 0 : task.goals.length, `${v.id} ${summary.task}: a verdict per goal`);
      for (const g of goals) assert.equal(g.pass, g.degradation !== null && g.threshold !== null && (g.degradation <= (g.kind === 'max_degradation' ? g.limit : (Math.abs(g.baseline!) * g.limit) / 100) + 1e-12));
    }
    if (!v.isBaseline) assert.equal(v.gatesPassed, v.tasks!.every((t) => t.metrics.every((m) => (m.goals ?? []).every((g) => g.pass))));
  }
});

test('multiple-choice log-likelihoods and rolling perplexity equal an independent onnxruntime forward pass to 1e-6', async () => {
  const tokenizer = await AutoTokenizer.from_pretrained('quantlens-tiny-llama');
  const encode = (text: string): number[] => tokenizer.encode(text) as number[];
  const config = readDecoderConfig(TINY_LLAMA);
  const logSoftmax = (logits: Float32Array, row: number, target: number): number => {
    const V = config.vocab_size;
    let max = -Infinity;
    for (let i = 0; i < V; i++) max = Math.max(max, logits[row * V + i]!);
    let sum = 0;
    for (let i = 0; i < V; i++) sum += Math.exp(logits[row * V + i]! - max);
    return logits[row * V + target]! - max - Math.log(sum);
  };
  const mmlu = loadTaskFile(join(TASK_DIR, 'mmlu.quantlens.yaml'))[0]!;
  const mcPrompts = (await prepareTask(mmlu, { limit: LIMIT })).prompts as MultipleChoicePrompt[];
  const text = loadTaskFile(join(TASK_DIR, 'perplexity.quantlens.yaml'))[0]!;
  const textPrompts = (await prepareTask(text, { limit: LIMIT })).prompts as PerplexityPrompt[];
  for (const variant of ['fp32', 'q4']) {
    const session = await openSession(join(TINY_LLAMA, 'onnx', FILES[variant]!), TEST_THREADS);
    const mc = run.results.find((r) => r.task === mmlu.name && r.variantId === variant)!;
    assert.deepEqual(mc.itemKeys, mcPrompts.map((p) => p.key));
    for (const [i, prompt] of mcPrompts.entries()) {
      for (const [j, continuation] of prompt.continuations.entries()) {
        // lm-evaluation-harness: continuation tokens = encode(context + continuation)[len(encode(context)):].
        const context = encode(prompt.context);
        const whole = encode(prompt.context + continuation);
        const { logits } = await logitsOf(session, config, whole);
        let expected = 0;
        for (let t = context.length; t < whole.length; t++) expected += logSoftmax(logits, t - 1, whole[t]!);
        const actual = mc.choiceLogLikelihoods![i]![j]!;
        assert.ok(Math.abs(actual - expected) <= 1e-6, `${variant} item ${i} choice ${j}: engine ${actual}, forward ${expected}`);
      }
    }
    const ppl = run.results.find((r) => r.task === text.name && r.variantId === variant)!;
    for (const [i, prompt] of textPrompts.entries()) {
      const tokens = encode(prompt.text); // BOS + text: every text token scored once (it fits one window)
      const { logits } = await logitsOf(session, config, tokens);
      let expected = 0;
      for (let t = 1; t < tokens.length; t++) expected += logSoftmax(logits, t - 1, tokens[t]!);
      assert.ok(Math.abs(ppl.logLikelihoods![i]! - expected) <= 1e-6, `${variant} text ${i}: engine ${ppl.logLikelihoods![i]}, forward ${expected}`);
      assert.equal(ppl.tokenCounts![i], tokens.length - 1);
    }
    await session.release();
  }
});

test('generation predictions stop before any stop sequence; per-item values are kept per metric', () => {
  for (const r of run.results) {
    for (const m of r.metrics) assert.equal(m.itemValues.length, r.itemKeys.length, `${r.variantId} ${r.task} ${m.metric}: one value per item`);
    if (r.taskType !== 'generation') continue;
    const task = TASK_FILES.flatMap((f) => loadTaskFile(f)).find((t) => t.name === r.task)!;
    assert.equal(r.predictions!.length, r.itemKeys.length);
    for (const p of r.predictions!) for (const stop of task.generation.stop) assert.ok(!p.includes(stop), `${r.task}: "${p}" holds the stop sequence ${JSON.stringify(stop)}`);
  }
});

test('resume: a variant task unit pairs with the baseline result read back from events.jsonl, giving the same comparison', async () => {
  const request = testRequest(TINY_LLAMA, { measures: [], variants: ['fp32', 'q4'], taskFiles: [join(TASK_DIR, 'mmlu.quantlens.yaml'), join(TASK_DIR, 'translation.quantlens.yaml')], taskLimit: LIMIT });
  const out = join(scratch, 'resume');
  const first = await runWorker(request, out);
  assert.equal(first.outcome.done?.status, 'completed');
  const q4Before = (readRun(first.outcome.runFolder!).report as RunReport).variants.find((v) => v.id === 'q4')!.tasks!;
  assert.ok(q4Before.every((t) => t.metrics.every((m) => m.vsBaseline)), 'compared in the first pass');
  const events = join(first.outcome.runFolder!, 'events.jsonl');
  const lines = readFileSync(events, 'utf8').trim().split('\n');
  // Drop q4's task units and the run's end, as if the worker died after the baseline's units.
  const kept = lines.filter((l) => {
    const e = JSON.parse(l) as { type: string; result?: { variantId: string } };
    return e.type !== 'run-finished' && !(e.type === 'unit-completed' && e.result?.variantId === 'q4');
  });
  writeFileSync(events, kept.join('\n') + '\n');
  // Resumed the way the extension's Resume does: the request rebuilt from run.json's spec.
  const recorded = requestFromSpec(readRun(first.outcome.runFolder!).card.spec);
  assert.deepEqual([recorded.taskFiles, recorded.taskLimit], [request.taskFiles, LIMIT]);
  const resumed = await runWorker(recorded, out, { resume: true });
  assert.equal(resumed.outcome.done?.status, 'completed');
  assert.equal(resumed.outcome.runFolder, first.outcome.runFolder);
  const created = resumed.messages.find((m) => m.type === 'run-created');
  assert.ok(created?.type === 'run-created' && created.resumed && created.skippedUnits.length === 2, 'the baseline task units were skipped');
  const q4After = (readRun(resumed.outcome.runFolder!).report as RunReport).variants.find((v) => v.id === 'q4')!.tasks!;
  assert.deepEqual(q4After, q4Before, 'the same metrics, paired statistics and verdicts after the resume');
});

function taskFileWith(dir: string, name: string, goal: string): string {
  const file = join(dir, `${name}.quantlens.yaml`);
  writeFileSync(
    file,
    [`name: ${name}`, 'type: perplexity', 'dataset:', `  path: ${JSON.stringify(join(TASK_DIR, 'data', 'text'))}`, '  split: test', 'metrics: [word_perplexity, bits_per_byte]', 'goals:', `  - ${goal}`, ''].join('\n'),
  );
  return file;
}

test('--fail-on-gate: exit 3 when a goal cannot pass, 0 with a lenient goal; the table shows the verdicts', async () => {
  await withTempDir('ql-gate-', async (dir) => {
    // q4's byte-level perplexity is above fp32's on this text, so a zero allowance fails.
    const strict = taskFileWith(dir, 'strict-gate', '{metric: bits_per_byte, max_degradation: 0}');
    const lenient = taskFileWith(dir, 'lenient-gate', '{metric: word_perplexity, percent_max_degradation: 1000}');
    const common = ['eval', TINY_LLAMA, '--variants', 'fp32,q4', '--threads', String(TEST_THREADS), '--provider', 'cpu', '--out', dir, '--fail-on-gate'];
    const failing = await runCli([...common, '--tasks', strict]);
    assert.equal(failing.code, 3, failing.stderr);
    assert.match(failing.stdout, /strict-gate\s+bits_per_byte .*FAIL/);
    assert.match(failing.stderr, /A task goal failed: q4/);
    const passing = await runCli([...common, '--tasks', lenient]);
    assert.equal(passing.code, 0, passing.stderr);
    assert.match(passing.stdout, /lenient-gate\s+word_perplexity .*pass/);
    const withoutFlag = await runCli([...common.filter((a) => a !== '--fail-on-gate'), '--tasks', strict]);
    assert.equal(withoutFlag.code, 0, 'without --fail-on-gate a failed goal is reported, not an error');
  });
});

test('panel catalog: task metrics become fidelity metrics task:<task>:<metric> with the engine\'s values, paired deltas and verdicts', () => {
  const defs = taskMetricDefinitions(run.report);
  const base = run.report.variants.find((v) => v.isBaseline)!;
  const expectedIds = base.tasks!.flatMap((t) => t.metrics.map((m) => `task:${t.task}:${m.metric}`));
  assert.deepEqual(defs.map((d) => d.id), expectedIds);
  assert.deepEqual(metricsOf(run.report).map((d) => d.id), [...METRICS.map((m) => m.id), ...expectedIds]);
  for (const d of defs) {
    assert.equal(d.axis, 'fidelity');
    const [, task, metric] = d.id.split(':') as [string, string, string];
    for (const v of run.report.variants) {
      const m = v.tasks!.find((t) => t.task === task)!.metrics.find((x) => x.metric === metric)!;
      assert.equal(d.higherIsBetter, m.higherIsBetter);
      assert.equal(d.value(v), m.value ?? undefined);
      assert.equal(d.se(v), m.se ?? undefined);
      assert.equal(d.paired!(v)?.delta, v.isBaseline ? undefined : m.vsBaseline!.delta!);
      assert.deepEqual(d.verdicts!(v), m.goals ?? []);
    }
  }
  assert.equal(defs.find((d) => d.id === 'task:perplexity-sample:word_perplexity')!.higherIsBetter, false);
  assert.equal(defs.find((d) => d.id === 'task:mmlu-sample:acc')!.higherIsBetter, true);
});

test('use_chat_template: prompts go through the tokenizer\'s chat template; without one the run stops naming the task file', async () => {
  await withTempDir('ql-chat-', async (dir) => {
    const taskFile = join(dir, 'chat.quantlens.yaml');
    writeFileSync(taskFile, ['name: sst2-chat', 'type: multiple_choice', 'use_chat_template: true', 'system_prompt: Classify the sentiment.', 'dataset:', `  path: ${JSON.stringify(join(TASK_DIR, 'data/glue/sst2/validation.csv'))}`, '  adapter: sst2', 'metrics: [acc]', ''].join('\n'));
    const plain = await runWorker(testRequest(TINY_LLAMA, { measures: [], variants: ['fp32'], taskFiles: [taskFile], taskLimit: 2 }), join(dir, 'plain'));
    assert.equal(plain.outcome.done?.status, 'failed');
    assert.equal(plain.outcome.fatalError?.file, taskFile);
    assert.match(plain.outcome.fatalError?.message ?? '', /no chat template/);

    const model = copyModel(TINY_LLAMA, dir, 'chat-llama');
    addChatTemplate(model, "{% for m in messages %}<|{{ m['role'] }}|> {{ m['content'] }}\n{% endfor %}{% if add_generation_prompt %}<|assistant|> {% endif %}");
    const chat = await runWorker(testRequest(model, { measures: [], variants: ['fp32'], taskFiles: [taskFile], taskLimit: 2 }), join(dir, 'chat'));
    assert.equal(chat.outcome.done?.status, 'completed', JSON.stringify(chat.messages.filter((m) => m.type === 'error')));
    const result = readRun(chat.outcome.runFolder!).results.find((r): r is TaskUnitResult => r.kind === 'task')!;
    // Independently: the context as the template renders it, each choice's log-likelihood after it.
    const tokenizer = await AutoTokenizer.from_pretrained('quantlens-tiny-llama');
    const session = await openSession(join(TINY_LLAMA, 'onnx', 'model.onnx'), TEST_THREADS);
    const config2 = readDecoderConfig(TINY_LLAMA);
    const task = loadTaskFile(taskFile)[0]!;
    const render = (messages: Array<{ role: string; content: string }>): string => messages.map((m) => `<|${m.role}|> ${m.content}\n`).join('') + '<|assistant|> ';
    const prompts = (await prepareTask(task, { limit: 2, applyChatTemplate: render })).prompts as MultipleChoicePrompt[];
    assert.ok(prompts[0]!.context.startsWith('<|system|> Classify the sentiment.'));
    for (const [i, prompt] of prompts.entries()) {
      for (const [j, continuation] of prompt.continuations.entries()) {
        // The template ends in a space: lm-evaluation-harness moves a context's trailing spaces to the continuation.
        const trimmed = prompt.context.trimEnd();
        assert.notEqual(trimmed, prompt.context);
        const context = tokenizer.encode(trimmed) as number[];
        const whole = tokenizer.encode(prompt.context + continuation) as number[];
        const { logits } = await logitsOf(session, config2, whole);
        let expected = 0;
        for (let t = context.length; t < whole.length; t++) {
          const row = Array.from(logits.subarray((t - 1) * config2.vocab_size, t * config2.vocab_size));
          const max = Math.max(...row);
          expected += row[whole[t]!]! - max - Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
        }
        assert.ok(Math.abs(result.choiceLogLikelihoods![i]![j]! - expected) <= 1e-6, `item ${i} choice ${j}: ${result.choiceLogLikelihoods![i]![j]} vs ${expected}`);
      }
    }
    await session.release();
  });
});

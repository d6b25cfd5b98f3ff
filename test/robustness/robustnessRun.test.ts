import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { formatNumber } from '../../src/shared/format';
import { parsePerturbations } from '../../src/shared/robustness/parseSpec';
import { perturbText, type TextPerturbationSpec } from '../../src/shared/robustness/perturbations';
import type { RunCard, RunEvent, RunReport, TaskUnitResult } from '../../src/shared/report/schema';
import { loadTaskFile, prepareTask } from '../../src/worker/tasks';
import { perturbTask } from '../../src/worker/robustnessTasks';
import { TINY_LLAMA } from '../helpers/fixtures';
import { requestFromSpec } from '../../src/host/logic/runRequest';

const CLI = resolve('dist/cli.js');
const TASKS = [resolve('examples/tasks/glue-sst2.quantlens.yaml'), resolve('examples/tasks/hellaswag.quantlens.yaml')];
const PERTURBATIONS = 'typos:0.5,casing,whitespace,contraction,expansion';
const scratch = mkdtempSync(join(tmpdir(), 'ql-robustness-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  stdout: string;
  card: RunCard;
  report: RunReport;
  units: TaskUnitResult[];
}

/** `quantlens eval` on two example tasks with every perturbation, as a user runs it. */
function evalWithRobustness(name: string): Run {
  const out = join(scratch, name);
  const r = spawnSync(process.execPath, [CLI, 'eval', TINY_LLAMA, '--variants', 'q4', '--tasks', TASKS.join(','), '--robustness', PERTURBATIONS, '--threads', '2', '--out', out], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const runs = join(out, '.quantlens', 'runs');
  const folder = join(runs, readdirSync(runs)[0]!);
  const events = readFileSync(join(folder, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as RunEvent);
  const units = events.flatMap((e) => (e.type === 'unit-completed' && e.result.kind === 'task' ? [e.result] : []));
  return { stdout: r.stdout, card: JSON.parse(readFileSync(join(folder, 'run.json'), 'utf8')) as RunCard, report: JSON.parse(readFileSync(join(folder, 'report.json'), 'utf8')) as RunReport, units };
}

const first = evalWithRobustness('a');

test('a robustness run on two example tasks prints every perturbation\'s drop with the paired p-value against the baseline\'s drop', () => {
  const { stdout, report } = first;
  assert.match(stdout, /Robustness \(drop = clean − perturbed/);
  const q4 = report.variants.find((v) => v.id === 'q4')!;
  const labels = ['typos0.5', 'lowercase', 'space3', 'contraction', 'expansion'];
  // sst2: acc; hellaswag: acc and acc_norm — each under five perturbations.
  assert.equal(q4.robustness!.length, 5 * 3);
  const lines = stdout.split('\n');
  for (const e of q4.robustness!) {
    assert.ok(labels.includes(e.perturbation), e.perturbation);
    assert.equal(typeof e.pValue, 'number', `${e.task} ${e.perturbation} ${e.metric} has a p-value`);
    assert.ok(e.pValue! >= 0 && e.pValue! <= 1);
    const row = lines.find((l) => l.startsWith('q4 ') && l.includes(` ${e.task} `) && l.includes(` ${e.perturbation} `) && new RegExp(`\\s${e.metric}\\s`).test(l));
    assert.ok(row, `a printed row for q4 ${e.task} ${e.perturbation} ${e.metric}`);
    assert.ok(row!.includes(formatNumber(e.pValue!, 3)), `${row} shows p ${formatNumber(e.pValue!, 3)}`);
    assert.ok(row!.includes(`${e.changed}/${e.n}`), row);
    // The drop is the clean minus the perturbed value (both higher-is-better metrics).
    assert.ok(Math.abs(e.drop! - (e.clean! - e.perturbed!)) < 1e-12);
  }
  const base = report.variants.find((v) => v.isBaseline)!;
  assert.equal(base.robustness!.length, 15);
  assert.ok(base.robustness!.every((e) => e.pValue === undefined));
});

test('the run records which perturbations and seed, and each item\'s perturbed input; few-shot examples stay clean', async () => {
  const { card, units } = first;
  assert.deepEqual(card.spec.robustness, { perturbations: parsePerturbations(PERTURBATIONS), requested: parsePerturbations(PERTURBATIONS), seed: 0 });
  assert.ok(card.methods.some((m) => m.startsWith('Robustness (HELM augmentations)')));
  // Rerun and Resume in VS Code rebuild the request from the spec: the perturbations come with it.
  assert.deepEqual(requestFromSpec(card.spec).robustness, parsePerturbations(PERTURBATIONS));
  const typos = parsePerturbations('typos:0.5')[0] as TextPerturbationSpec;
  const sst2 = (await prepareTask(loadTaskFile(TASKS[0]!)[0]!));
  const recorded = units.find((u) => u.variantId === 'q4' && u.task === 'sst2-sample~typos0.5')!;
  assert.equal(recorded.perturbation!.cleanTask, 'sst2-sample');
  // Each input is the item's own text perturbed by Python's Random(seed + name + item key).
  assert.deepEqual(recorded.perturbation!.inputs, sst2.dataset.items.map((item) => perturbText(typos, item.kind === 'multiple_choice' ? item.context : '', 0, item.key)));
  assert.ok(recorded.perturbation!.changed > 0);
  // hellaswag has one few-shot example: the prompt before the item's text is the clean one.
  const hellaswag = await prepareTask(loadTaskFile(TASKS[1]!)[0]!);
  const perturbed = perturbTask(hellaswag, typos, 0);
  hellaswag.prompts.forEach((clean, i) => {
    const p = perturbed.prompts[i]!;
    assert.ok(clean.kind === 'multiple_choice' && p.kind === 'multiple_choice');
    const item = hellaswag.dataset.items[i]!;
    assert.ok(item.kind === 'multiple_choice' && clean.context.endsWith(item.context));
    assert.equal(p.context, clean.context.slice(0, clean.context.length - item.context.length) + perturbed.perturbation!.inputs![i]);
    assert.deepEqual(p.continuations, clean.continuations, 'choices are not perturbed');
  });
});

test('the same seed gives the same perturbed inputs: a second run, and both variants, record the same ones', () => {
  const second = evalWithRobustness('b');
  const inputs = (run: Run, variant: string): Record<string, string[]> => Object.fromEntries(run.units.filter((u) => u.variantId === variant && u.perturbation).map((u) => [u.task, u.perturbation!.inputs!]));
  assert.equal(Object.keys(inputs(first, 'q4')).length, 10);
  assert.deepEqual(inputs(second, 'q4'), inputs(first, 'q4'));
  assert.deepEqual(inputs(first, 'fp32'), inputs(first, 'q4'));
  assert.deepEqual(second.report.variants.map((v) => v.robustness), first.report.variants.map((v) => v.robustness));
});

test('--robustness without task files, or with an unknown perturbation, is a usage error naming what to do', () => {
  const noTasks = spawnSync(process.execPath, [CLI, 'eval', TINY_LLAMA, '--robustness', 'typos'], { encoding: 'utf8' });
  assert.equal(noTasks.status, 2);
  assert.match(noTasks.stderr, /--robustness perturbs task inputs; add --tasks/);
  const unknown = spawnSync(process.execPath, [CLI, 'eval', TINY_LLAMA, '--tasks', TASKS[0]!, '--robustness', 'typos,shout'], { encoding: 'utf8' });
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown perturbation "shout"; use typos\[:prob\], casing/);
});

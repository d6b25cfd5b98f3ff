import { strict as assert } from 'node:assert';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { parseTaskFile, TaskFileError } from '../../src/worker/tasks';
import { perturbationsFor, withRobustnessTasks } from '../../src/worker/robustnessTasks';
import { prepareTask, loadTaskFile } from '../../src/worker/tasks';
import { parsePerturbations } from '../../src/shared/robustness/parseSpec';
import { fewshotOrder } from '../../src/shared/robustness/perturbations';

const FILE = resolve('examples/tasks/robust.quantlens.yaml');
const TASK = 'name: r\ntype: multiple_choice\ndataset: {path: data/glue/sst2/validation.csv, adapter: sst2}\n';

test("a task file's robustness list: parsed with HELM's defaults; a bad entry is an issue at its line and path", () => {
  const [task] = parseTaskFile(FILE, `${TASK}robustness: [typos, "whitespace:2", casing]\n`);
  assert.deepEqual(task!.robustness, [{ name: 'typos', prob: 0.1 }, { name: 'space', maxSpaces: 2 }, { name: 'lowercase' }]);
  try {
    parseTaskFile(FILE, `${TASK}robustness: [typos, shout]\n`);
    assert.fail('expected a TaskFileError');
  } catch (error) {
    assert.ok(error instanceof TaskFileError);
    assert.equal(error.issues[0]!.path, 'robustness');
    assert.equal(error.issues[0]!.line, 4);
    assert.match(error.issues[0]!.message, /unknown perturbation "shout"/);
  }
});

test('the run\'s perturbations come first, a task file\'s own are added without repeats; each copy follows its task', async () => {
  assert.deepEqual(perturbationsFor(parsePerturbations('typos,casing'), parsePerturbations('casing,expansion')).map((p) => p.name), ['typos', 'lowercase', 'expansion']);
  const clean = await prepareTask(loadTaskFile(resolve('examples/tasks/glue-sst2.quantlens.yaml'))[0]!);
  const { tasks, spec } = withRobustnessTasks([clean], parsePerturbations('typos,contraction'), 7);
  assert.deepEqual(tasks.map((t) => t.task.name), ['sst2-sample', 'sst2-sample~typos0.1', 'sst2-sample~contraction']);
  assert.deepEqual(spec, { perturbations: parsePerturbations('typos,contraction'), requested: parsePerturbations('typos,contraction'), seed: 7 });
  // A task file's own list is applied but not "requested": a rerun asks for the run's list only.
  const own = { ...clean, task: { ...clean.task, robustness: parsePerturbations('expansion') } };
  assert.deepEqual(withRobustnessTasks([own], parsePerturbations('typos'), 0).spec, { perturbations: parsePerturbations('typos,expansion'), requested: parsePerturbations('typos'), seed: 0 });
  // The copies carry no goals (the clean task's goals decide), the same items in the same order.
  assert.deepEqual(tasks[1]!.task.goals, []);
  assert.deepEqual(tasks[1]!.prompts.map((p) => p.key), clean.prompts.map((p) => p.key));
  assert.equal(withRobustnessTasks([clean], [], 0).spec, null);
});

test('fewshot-order, the reordering: the same few-shot examples in a seeded shuffle, only where a task has at least 2', async () => {
  const [mmlu] = loadTaskFile(resolve('examples/tasks/mmlu.quantlens.yaml'));
  const clean = await prepareTask({ ...mmlu!, limit: 6 });
  const sst2 = await prepareTask(loadTaskFile(resolve('examples/tasks/glue-sst2.quantlens.yaml'))[0]!);
  const { tasks, spec } = withRobustnessTasks([clean, sst2], parsePerturbations('fewshot-order'), 0);
  assert.deepEqual(tasks.map((t) => t.task.name), ['mmlu-sample', 'mmlu-sample~fewshot-order', 'sst2-sample']);
  assert.deepEqual(spec!.perturbations, [{ name: 'fewshot-order' }]);
  const copy = tasks[1]!;
  const orders = copy.perturbation!.fewshotOrders!;
  assert.equal(copy.perturbation!.inputs, undefined);
  clean.prompts.forEach((p, i) => {
    assert.deepEqual([...orders[i]!].sort(), [...p.fewshot].sort(), 'the same examples');
    assert.deepEqual(orders[i], fewshotOrder(p.fewshot, 0, p.key), "shuffled by the item's generator");
    const q = copy.prompts[i]!;
    assert.ok(p.kind === 'multiple_choice' && q.kind === 'multiple_choice');
    assert.equal(q.context.length, p.context.length, 'the same text, reordered');
    assert.deepEqual(q.continuations, p.continuations);
  });
  assert.equal(copy.perturbation!.changed, orders.filter((o, i) => o.join() !== clean.prompts[i]!.fewshot.join()).length);
  // Asked for on a run whose tasks have fewer than 2 examples: recorded as requested, applied to none.
  assert.deepEqual(withRobustnessTasks([sst2], parsePerturbations('reorder'), 0).spec, { perturbations: [], requested: [{ name: 'fewshot-order' }], seed: 0 });
});

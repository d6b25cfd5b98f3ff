import { strict as assert } from 'node:assert';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { parseTaskFile, TaskFileError } from '../../src/worker/tasks';
import { perturbationsFor, withRobustnessTasks } from '../../src/worker/robustnessTasks';
import { prepareTask, loadTaskFile } from '../../src/worker/tasks';
import { parsePerturbations } from '../../src/shared/robustness/parseSpec';

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

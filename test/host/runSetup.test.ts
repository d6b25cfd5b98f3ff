import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { buildRunRequest, choicesProblem, inputsOf, RunChoices } from '../../src/host/logic/runRequest';
import { isTaskFileName, TASK_FILE_GLOB, taskFileItems } from '../../src/host/logic/taskFiles';
import type { RawRunSettings } from '../../src/shared/runSettings';

const settings: RawRunSettings = { executionProvider: 'cpu', threads: 1, contextLength: 256 };
const choices = (over: Partial<RunChoices>): RunChoices => ({ variants: ['q4'], measure: 'both', corpusFile: '/c.txt', promptsFile: '/p.txt', ...over });

test('task file names: *.quantlens.yaml|yml|json, as the workspace glob finds them; the bundled examples all qualify', () => {
  for (const name of ['mmlu.quantlens.yaml', 'x.quantlens.yml', 'glue-mnli.quantlens.json', 'A.QuantLens.YAML']) assert.ok(isTaskFileName(name), name);
  for (const name of ['quantlens.yaml', 'mmlu.yaml', 'notes.quantlens.md', 'mmlu.quantlens.yaml.bak', 'README.md']) assert.ok(!isTaskFileName(name), name);
  assert.equal(TASK_FILE_GLOB, '**/*.quantlens.{yaml,yml,json}');
  const examples = readdirSync('examples/tasks').filter(isTaskFileName).sort();
  assert.deepEqual(examples, readdirSync('examples/tasks').filter((n) => /\.quantlens\./.test(n)).sort());
  assert.equal(examples.length, 13); // 11 likelihood/generation tasks + the Python and JavaScript code tasks
  assert.ok(examples.includes('glue-sst2.quantlens.yaml') && examples.includes('glue-mnli.quantlens.json'));
});

test('task file items: workspace files by relative path, then bundled examples, each file once; remembered ones ticked and first', () => {
  const workspace = [
    { path: '/w/tasks/zeta.quantlens.yaml', relativePath: 'tasks/zeta.quantlens.yaml' },
    { path: '/w/alpha.quantlens.json', relativePath: 'alpha.quantlens.json' },
    // Developing QuantLens itself: the workspace holds the bundled examples too.
    { path: '/ext/examples/tasks/mmlu.quantlens.yaml', relativePath: 'examples/tasks/mmlu.quantlens.yaml' },
  ];
  const bundled = ['/ext/examples/tasks/squad.quantlens.yaml', '/ext/examples/tasks/mmlu.quantlens.yaml'];

  assert.deepEqual(taskFileItems(workspace, bundled, []), [
    { label: 'alpha.quantlens.json', description: 'workspace', path: '/w/alpha.quantlens.json', picked: false },
    { label: 'examples/tasks/mmlu.quantlens.yaml', description: 'workspace', path: '/ext/examples/tasks/mmlu.quantlens.yaml', picked: false },
    { label: 'tasks/zeta.quantlens.yaml', description: 'workspace', path: '/w/tasks/zeta.quantlens.yaml', picked: false },
    { label: 'squad.quantlens.yaml', description: 'bundled example', path: '/ext/examples/tasks/squad.quantlens.yaml', picked: false },
  ]);

  const remembered = ['/ext/examples/tasks/squad.quantlens.yaml', '/elsewhere/own.quantlens.yml', '/w/tasks/zeta.quantlens.yaml'];
  const items = taskFileItems(workspace, bundled, remembered);
  assert.deepEqual(items.map((i) => [i.label, i.description, i.picked]), [
    ['tasks/zeta.quantlens.yaml', 'workspace', true],
    ['squad.quantlens.yaml', 'bundled example', true],
    ['own.quantlens.yml', '/elsewhere', true],
    ['alpha.quantlens.json', 'workspace', false],
    ['examples/tasks/mmlu.quantlens.yaml', 'workspace', false],
  ]);
  assert.deepEqual(taskFileItems([], [], []), []);
});

test('the quick picks ask only for the inputs the measures read; task metrics only needs a task file', () => {
  assert.deepEqual(inputsOf('both'), { corpus: true, prompts: true });
  assert.deepEqual(inputsOf('fidelity'), { corpus: true, prompts: true });
  assert.deepEqual(inputsOf('performance'), { corpus: true, prompts: false });
  assert.deepEqual(inputsOf('tasks'), { corpus: false, prompts: false });
  assert.equal(choicesProblem(choices({ measure: 'tasks', taskFiles: [] })), 'Task metrics only needs at least one task file (*.quantlens.yaml or *.quantlens.json).');
  assert.equal(choicesProblem(choices({ measure: 'tasks' })), 'Task metrics only needs at least one task file (*.quantlens.yaml or *.quantlens.json).');
  assert.equal(choicesProblem(choices({ measure: 'tasks', taskFiles: ['/t.quantlens.yaml'] })), undefined);
  assert.equal(choicesProblem(choices({ measure: 'fidelity', taskFiles: [] })), undefined, 'task files are optional next to other measures');
});

test('the run request carries the picked task files and quantlens.taskLimit, as `quantlens eval --tasks … --task-limit` does', () => {
  const tasksOnly = buildRunRequest('/m', 'fp32', choices({ measure: 'tasks', taskFiles: ['/t/a.quantlens.yaml', '/t/b.quantlens.json'] }), { ...settings, taskLimit: 4 }, 2);
  assert.deepEqual(tasksOnly.measures, []);
  assert.deepEqual(tasksOnly.taskFiles, ['/t/a.quantlens.yaml', '/t/b.quantlens.json']);
  assert.equal(tasksOnly.taskLimit, 4);
  // The remembered corpus and prompts are not inputs of a tasks-only run.
  assert.equal('corpusFile' in tasksOnly, false);
  assert.equal('promptsFile' in tasksOnly, false);

  const withTasks = buildRunRequest('/m', 'fp32', choices({ measure: 'fidelity', taskFiles: ['/t/a.quantlens.yaml'] }), settings, 2);
  assert.deepEqual(withTasks.measures, ['fidelity', 'generation']);
  assert.equal(withTasks.corpusFile, '/c.txt');
  assert.equal(withTasks.promptsFile, '/p.txt');
  assert.deepEqual(withTasks.taskFiles, ['/t/a.quantlens.yaml']);
  assert.equal('taskLimit' in withTasks, false, 'quantlens.taskLimit unset: the task files’ own limits');

  const noTasks = buildRunRequest('/m', 'fp32', choices({ measure: 'performance', taskFiles: [] }), { ...settings, taskLimit: 4 }, 2);
  assert.equal('taskFiles' in noTasks, false);
  assert.equal('taskLimit' in noTasks, false, 'no limit without task files');
  assert.equal(noTasks.corpusFile, '/c.txt');
  assert.equal('promptsFile' in noTasks, false, 'performance reads no prompts');
  assert.throws(() => buildRunRequest('/m', 'fp32', choices({ measure: 'tasks', taskFiles: ['/t/a.quantlens.yaml'] }), { ...settings, taskLimit: 0 }, 2), /quantlens\.taskLimit 0: must be at least 1/);
  // Choices remembered before task files could be picked have no taskFiles.
  const { taskFiles: _, ...old } = choices({});
  assert.equal('taskFiles' in buildRunRequest('/m', 'fp32', old, settings, 2), false);
});

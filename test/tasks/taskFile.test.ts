import { strict as assert } from 'node:assert';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isInputError } from '../../src/shared/errors';
import { TaskFileError, TaskFileIssue, isTaskFileName, loadTaskFile, parseTaskFile } from '../../src/worker/tasks/loadTaskFile';
import { EXAMPLES, tempDir } from '../datasets/paths';

const FILE = '/work/tasks/demo.quantlens.yaml';

function issuesOf(text: string, file = FILE): TaskFileIssue[] {
  try {
    parseTaskFile(file, text);
  } catch (error) {
    assert.ok(error instanceof TaskFileError, String(error));
    assert.ok(isInputError(error));
    assert.equal(error.file, file);
    assert.equal(error.line, error.issues[0]!.line);
    return error.issues;
  }
  return assert.fail('expected the task file to be rejected');
}

/** The single issue, as "line: path: message". */
function only(text: string, file = FILE): string {
  const issues = issuesOf(text, file);
  assert.equal(issues.length, 1, JSON.stringify(issues));
  return `${issues[0]!.line}: ${issues[0]!.path}: ${issues[0]!.message}`;
}

const VALID = `tasks:
  - name: t1
    type: multiple_choice
    dataset:
      path: data/mmlu
      split: test
      adapter: mmlu
    fewshot:
      split: dev
      k: 2
    metrics: [acc, acc_norm]
    goals:
      - metric: acc
        max_degradation: 0.02
`;

test('every example task file loads and validates', () => {
  const files = readdirSync(EXAMPLES).filter(isTaskFileName).sort();
  assert.deepEqual(files, [
    'code-javascript.quantlens.yaml',
    'code-python.quantlens.yaml',
    'glue-mnli.quantlens.json',
    'glue-qnli.quantlens.yaml',
    'glue-sst2.quantlens.yaml',
    'hellaswag.quantlens.yaml',
    'mmlu.quantlens.yaml',
    'perplexity.quantlens.yaml',
    'squad.quantlens.yaml',
    'summarization.quantlens.yaml',
    'superglue-boolq.quantlens.yaml',
    'superglue-rte.quantlens.yaml',
    'translation.quantlens.yaml',
  ]);
  const tasks = files.flatMap((f) => loadTaskFile(join(EXAMPLES, f)));
  assert.equal(tasks.length, 15);
  const mmlu = tasks.find((t) => t.name === 'mmlu-sample')!;
  assert.equal(mmlu.dataset.path, join(EXAMPLES, 'data/mmlu'), 'dataset paths resolve against the task file');
  assert.deepEqual(mmlu.fewshot, { split: 'dev', k: 2, seed: 1234 });
  assert.deepEqual(mmlu.goals, [{ metric: 'acc', maxDegradation: 0.05 }, { metric: 'acc_norm', percentMaxDegradation: 10 }]);
  assert.equal(mmlu.line, 5);
  const summarization = tasks.find((t) => t.name === 'summarization-sample')!;
  assert.deepEqual(summarization.metrics.map((m) => m.name), ['rouge1', 'rouge2', 'rougeL', 'rougeLsum', 'rougeL_stem', 'meteor']);
  const perplexity = tasks.find((t) => t.type === 'perplexity')!;
  assert.equal(perplexity.dataset.adapter, 'text', 'perplexity tasks default to the text adapter');
  const squad = tasks.find((t) => t.name === 'squad-sample')!;
  assert.deepEqual(squad.generation, { maxNewTokens: 16, stop: ['\n'] });
  const mnli = tasks.find((t) => t.name === 'mnli-sample')!;
  assert.equal(mnli.line, 3, 'JSON task files get line numbers too');
});

test('defaults: adapter from the type, adapter metrics, delimiters, seed, generation settings', () => {
  const [task] = parseTaskFile(FILE, 'name: g\ntype: generation\ndataset: {path: data.jsonl}\n');
  assert.equal(task!.dataset.adapter, 'generation');
  assert.deepEqual(task!.metrics, [{ name: 'exact_match', options: {} }]);
  assert.equal(task!.targetDelimiter, ' ');
  assert.equal(task!.fewshotDelimiter, '\n\n');
  assert.equal(task!.useChatTemplate, false);
  assert.deepEqual(task!.generation, { maxNewTokens: 64, stop: [] });
  assert.equal(parseTaskFile(FILE, VALID)[0]!.fewshot!.seed, 1234);
});

test('schema errors name the line and the field path', () => {
  assert.equal(only(VALID.replace('k: 2', 'k: two')), '10: tasks[0].fewshot.k: Invalid input: expected number, received string');
  assert.equal(only(VALID.replace('k: 2', 'k: 2\n      kk: 3')), '11: tasks[0].fewshot.kk: unknown field "kk"');
  assert.equal(only(VALID.replace('      path: data/mmlu\n', '')), '4: tasks[0].dataset.path: Invalid input: expected string, received undefined');
  assert.match(only(VALID.replace('type: multiple_choice', 'type: multiple-choice')), /^3: tasks\[0\]\.type: Invalid option: expected one of "perplexity"\|"multiple_choice"\|"generation"/);
  assert.equal(only(VALID.replace('name: t1', 'name: "bad name"')), '2: tasks[0].name: use letters, digits, ".", "_" and "-" (it names result folders)');
  assert.equal(only(VALID.replace('max_degradation: 0.02', 'max_degradation: 0.02\n        percent_max_degradation: 1')), '13: tasks[0].goals[0]: give exactly one of max_degradation and percent_max_degradation');
  assert.equal(only(VALID.replace('adapter: mmlu', 'adapter: mmlu2')).split(':').slice(0, 2).join(':'), '7: tasks[0].dataset.adapter');
  assert.equal(only('tasks: []\n'), '1: tasks: Too small: expected array to have >=1 items');
});

test('semantic errors: unknown metrics, metrics that do not fit the type, goals off the list, adapter kind, templates, duplicate names', () => {
  assert.equal(only(VALID.replace('[acc, acc_norm]', '[acc, accuracy]')), '11: tasks[0].metrics[1]: unknown metric "accuracy"');
  assert.equal(only(VALID.replace('[acc, acc_norm]', '[acc, bleu]')), '11: tasks[0].metrics[1]: metric "bleu" scores generation inputs, which a multiple_choice task does not produce');
  assert.equal(only(VALID.replace('metric: acc\n', 'metric: acc_bytes\n')), "13: tasks[0].goals[0].metric: goal on \"acc_bytes\", which is not among the task's metrics (acc, acc_norm)");
  assert.equal(only(VALID.replace('adapter: mmlu', 'adapter: squad')), '7: tasks[0].dataset.adapter: the "squad" adapter makes generation items, but the task type is multiple_choice');
  assert.match(only(VALID.replace('    metrics:', '    template: "{{ question "\n    metrics:')), /^11: tasks\[0\]\.template: the Jinja template does not parse/);
  const twice = `${VALID}${VALID.replace('tasks:\n', '')}`;
  assert.equal(only(twice), '15: tasks[1].name: task name "t1" is used twice (first at task 1)');
  // Several problems are all reported, in line order; the error's line is the first.
  const issues = issuesOf(VALID.replace('k: 2', 'k: -1').replace('[acc, acc_norm]', '[acc, 42]'));
  assert.deepEqual(issues.map((i) => [i.line, i.path]), [[10, 'tasks[0].fewshot.k'], [11, 'tasks[0].metrics[1]']]);
});

test('YAML and JSON syntax errors name their line and column; JSON task files report field paths by line', () => {
  const yamlIssue = issuesOf('tasks:\n  - name: x\n    type: [unclosed\n')[0]!;
  assert.equal(yamlIssue.line, 4);
  assert.match(yamlIssue.message, /^not valid YAML/);
  const jsonFile = '/work/tasks/t.quantlens.json';
  const jsonIssue = issuesOf('{\n  "name": "x",\n  "type": "generation",,\n}', jsonFile)[0]!;
  assert.equal(jsonIssue.line, 3);
  assert.match(jsonIssue.message, /^not valid JSON/);
  assert.equal(jsonIssue.column, 24);
  assert.equal(yamlIssue.column, 1);
  // The JSON held to JSON (the YAML parser alone takes a trailing comma), placed at file:line:column.
  assert.throws(() => parseTaskFile(jsonFile, '{\n  "name": "x",\n  "type": "generation",\n}'), {
    message: `${jsonFile}:4:1: not valid JSON: Expected a double-quoted property name but found "}". Fix the task file there (see examples/tasks/ for one of each kind).`,
  });
  assert.throws(() => parseTaskFile(FILE, 'tasks:\n  - name: x\n    type: [unclosed\n'), { message: /^\/work\/tasks\/demo\.quantlens\.yaml:4:1: not valid YAML: / });
  assert.equal(
    only('{\n  "name": "x",\n  "type": "generation",\n  "dataset": {\n    "path": "d.jsonl",\n    "split": 3\n  }\n}', jsonFile),
    '6: dataset.split: Invalid input: expected string, received number',
  );
  assert.equal(only('- 1\n- 2\n'), '1: : a task file holds a task object, or {tasks: [...]}');
});

test('loadTaskFile: a missing file is an InputError naming it', () => {
  const { dir, cleanup } = tempDir('tasks');
  try {
    assert.throws(() => loadTaskFile(join(dir, 'none.quantlens.yaml')), (e: unknown) => isInputError(e) && /does not exist/.test(e.message));
    writeFileSync(join(dir, 'ok.quantlens.yaml'), VALID);
    assert.equal(loadTaskFile(join(dir, 'ok.quantlens.yaml'))[0]!.dataset.path, join(dir, 'data/mmlu'));
  } finally {
    cleanup();
  }
});

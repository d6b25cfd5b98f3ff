import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { isInputError } from '../../src/shared/errors';
import { GoalsFileError, parseGoalsFile } from '../../src/worker/goals/loadGoalsFile';
import { parseTaskFile, TaskFileError } from '../../src/worker/tasks/loadTaskFile';

const FILE = '/work/goals.yaml';

const VALID = `version: 1
goals:
  - metric: kld_p99
    max_degradation: 0.227
    ci: upper
  - {metric: TPOT, percent_max_degradation: 20, evidence: ci}
  - {metric: kld_mean, max_degradation: 0.05, evidence: equivalence, equivalence_margin: 0.02}
  - {metric: disk_size, percent_max_degradation: 0}
`;

/** The error as "line: problem" (the problem names the field path). */
function rejected(text: string, file = FILE): string {
  try {
    parseGoalsFile(file, text);
  } catch (error) {
    assert.ok(error instanceof GoalsFileError, String(error));
    assert.ok(isInputError(error));
    assert.equal(error.file, file);
    return `${error.line}: ${error.problem}`;
  }
  return assert.fail('expected the goals file to be rejected');
}

test('a goals file reads into run goals with the line each was written at; old-style goals get no evidence field', () => {
  assert.deepEqual(parseGoalsFile(FILE, VALID), [
    { metric: 'kld_p99', maxDegradation: 0.227, evidence: 'ci', ciBound: 'upper', file: FILE, line: 3 },
    { metric: 'tpot', percentMaxDegradation: 20, evidence: 'ci', file: FILE, line: 6 },
    { metric: 'kld_mean', maxDegradation: 0.05, evidence: 'equivalence', equivalenceMargin: 0.02, file: FILE, line: 7 },
    { metric: 'disk_size', percentMaxDegradation: 0, file: FILE, line: 8 },
  ]);
  // JSON reads the same way.
  assert.deepEqual(parseGoalsFile('/work/goals.json', '{"goals": [{"metric": "peak_rss", "percent_max_degradation": 10}]}'), [{ metric: 'peak_rss', percentMaxDegradation: 10, file: '/work/goals.json', line: 1 }]);
});

test('goals file errors name the file, the line and the field path', () => {
  try {
    parseGoalsFile(FILE, VALID.replace('ci: upper', 'ci: upper\n    evidence: equivalence'));
    assert.fail('expected a rejection');
  } catch (error) {
    assert.equal((error as Error).message, '/work/goals.yaml:5: goals[0].ci: "ci: upper|lower" picks the bound of a CI goal; it does not go with evidence point or equivalence. Fix the goals file there (docs/goals.md describes the fields).');
  }
  assert.equal(rejected(VALID.replace('ci: upper', 'ci: upper\n    evidence: equivalence')), '5: goals[0].ci: "ci: upper|lower" picks the bound of a CI goal; it does not go with evidence point or equivalence.');
  assert.equal(rejected(VALID.replace('metric: TPOT', 'metric: tpot_p99')), '6: goals[1].metric: unknown quantity "tpot_p99" (goals name one of ppl_ratio, kld_mean, kld_p50, kld_p90, kld_p95, kld_p99, kld_p99.9, same_top, rms_delta_p, tpot, ttft, tokens_per_second, disk_size, peak_rss).');
  assert.equal(rejected(VALID.replace('max_degradation: 0.227', 'percent_max_degradation: 5')), '4: goals[0].percent_max_degradation: kld_p99 is 0 on the baseline, so a percent of it allows nothing: use max_degradation.');
  assert.equal(rejected(VALID.replace('ci: upper', 'evidnce: ci')), '5: goals[0].evidnce: unknown field "evidnce".');
  assert.equal(rejected(VALID.replace('evidence: ci}', 'evidence: bound}')), '6: goals[1].evidence: Invalid option: expected one of "point"|"ci"|"equivalence".');
  assert.equal(rejected(VALID.replace('    max_degradation: 0.227\n', '')), '3: goals[0]: give exactly one of max_degradation and percent_max_degradation.');
  assert.match(rejected('goals:\n  - {metric: tpot\n'), /^\d+: not valid YAML: /);
  // Syntax errors carry the column too; a .json goals file is held to JSON (no trailing commas).
  try {
    parseGoalsFile('/work/goals.json', '{"goals": [\n  {"metric": "tpot", "max_degradation": 1},\n]}');
    assert.fail('expected a rejection');
  } catch (error) {
    assert.ok(error instanceof GoalsFileError, String(error));
    assert.match(error.message, /^\/work\/goals\.json:3:1: not valid JSON: /);
  }
  assert.equal(rejected('goals: []\n'), '1: goals: Too small: expected array to have >=1 items.');
});

const TASK = `name: mc
type: multiple_choice
dataset:
  path: data/mmlu
  split: test
  adapter: mmlu
metrics: [acc]
goals:
  - {metric: acc, max_degradation: 0.02, ci: lower}
  - {metric: kld_p99, max_degradation: 0.1, ci: upper}
  - {metric: acc, percent_max_degradation: 5}
`;

test('task files share the goal shape: evidence on task metrics, and goals on run quantities become run goals', () => {
  const [task] = parseTaskFile('/work/tasks/mc.quantlens.yaml', TASK);
  assert.deepEqual(task!.goals, [{ metric: 'acc', maxDegradation: 0.02, evidence: 'ci', ciBound: 'lower' }, { metric: 'acc', percentMaxDegradation: 5 }]);
  assert.deepEqual(task!.runGoals, [{ metric: 'kld_p99', maxDegradation: 0.1, evidence: 'ci', ciBound: 'upper', file: '/work/tasks/mc.quantlens.yaml', line: 10 }]);
  try {
    parseTaskFile('/work/tasks/mc.quantlens.yaml', TASK.replace('ci: lower}', 'ci: lower, evidence: point}'));
    assert.fail('expected a rejection');
  } catch (error) {
    assert.ok(error instanceof TaskFileError);
    assert.equal(`${error.line}: ${error.issues[0]!.path}`, '9: goals[0].ci');
  }
});

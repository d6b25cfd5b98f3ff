import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { readRun } from '../../src/node/runFolder/reader';
import { buildReport } from '../../src/shared/report/buildReport';
import type { RunReport } from '../../src/shared/report/schema';
import { studentTQuantile } from '../../src/shared/stats/distributions';
import { runCli, TEST_THREADS, withTempDir } from '../helpers/engineRun';
import { TINY_LLAMA } from '../helpers/fixtures';
import { validateRunFolder } from '../helpers/validateReport';
import { specIdentity } from '../../src/worker/specIdentity';
import type { RunSpec } from '../../src/shared/report/schema';

// The demo's settings (src/cli/main.ts `demo`) on the same fixture model, fp32 against q4.
const DEMO = ['--context', '128', '--stride', '64', '--max-new-tokens', '32'];
// q4's KLD p99 on the demo corpus is 0.2258 with a 95% order-statistic interval of about
// [0.2246, 0.2321]: a margin of 0.227 lets the point pass and the upper bound fail, by gaps
// (0.0012 and 0.005) far wider than any float difference between machines or thread counts.
const KLD_P99_MARGIN = 0.227;

test('goals with ci: upper on KLD p99 and TPOT: decided by the 95% upper bound on the demo’s q4, failing where the point passes; --fail-on-gate exits 3', async (t) => {
  await withTempDir('ql-goals-', async (dir) => {
    const goalsFile = join(dir, 'goals.yaml');
    writeFileSync(goalsFile, ['goals:', `  - {metric: kld_p99, max_degradation: ${KLD_P99_MARGIN}, ci: upper}`, '  - {metric: tpot, percent_max_degradation: 50, ci: upper}', `  - {metric: kld_p99, max_degradation: ${KLD_P99_MARGIN}}`, ''].join('\n'));
    const run = await runCli(['eval', TINY_LLAMA, ...DEMO, '--variants', 'fp32,q4', '--measure', 'fidelity,performance', '--threads', String(TEST_THREADS), '--provider', 'cpu', '--out', dir, '--goals', goalsFile, '--fail-on-gate'], undefined, 120_000);
    const folder = /Report: (.*)\/report\.json/.exec(run.stdout)?.[1];
    assert.ok(folder, run.stdout + run.stderr);
    assert.deepEqual(validateRunFolder(folder), [], 'run folder matches docs/schema');
    const disk = readRun(folder);
    const report = disk.report as RunReport;
    const base = report.variants.find((v) => v.isBaseline)!;
    const q4 = report.variants.find((v) => v.id === 'q4')!;
    const [p99, tpot, p99Point] = q4.goals!;

    // KLD p99: the premise, then the verdict.
    const point = q4.kld!.kld.percentiles['99']!;
    const [, upper] = q4.kld!.kld.percentileCi!['99']!.ci95;
    assert.ok(point < KLD_P99_MARGIN && upper > KLD_P99_MARGIN, `the fixture's q4 KLD p99 moved (point ${point}, 95% upper ${upper}): pick a margin between them`);
    assert.equal(p99!.evidence, 'ci');
    assert.equal(p99!.ciBound, 'upper');
    assert.equal(p99!.decidingValue, upper);
    assert.equal(p99!.pointPass, true);
    assert.equal(p99!.pass, false);
    assert.deepEqual(p99!.source, { file: goalsFile, line: 2 });
    assert.equal(p99Point!.evidence, 'point');
    assert.equal(p99Point!.pass, true, 'the same margin on the point estimate passes');

    // TPOT: the verdict comes from Welch's upper bound of the difference, computed here from the report's own summaries.
    const b = base.performance!.tpotMs!;
    const v = q4.performance!.tpotMs!;
    const [vb, vv] = [b.std ** 2 / b.n, v.std ** 2 / v.n];
    const df = (vb + vv) ** 2 / (vb ** 2 / (b.n - 1) + vv ** 2 / (v.n - 1));
    const welchUpper = v.mean + studentTQuantile(0.975, df) * Math.sqrt(vb + vv);
    assert.equal(tpot!.evidence, 'ci');
    assert.ok(Math.abs(tpot!.decidingValue! - welchUpper) < 1e-9 * welchUpper, `TPOT decided by ${tpot!.decidingValue}, Welch upper ${welchUpper}`);
    assert.equal(tpot!.threshold, b.mean * 1.5);
    assert.equal(tpot!.pass, welchUpper <= b.mean * 1.5);
    assert.equal(tpot!.pointPass, v.mean <= b.mean * 1.5);

    assert.equal(q4.gatesPassed, false);
    assert.equal(base.goals, undefined, 'the baseline is not checked against itself');
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /A run-level goal failed: q4 \(KLD p99/);
    assert.match(run.stdout, /Goals \(each decided by the evidence it asks for\):/);
    assert.match(run.stdout, /q4\s+KLD p99 \(max rise 0\.2270 nats\)\s+.*95% CI upper bound .*FAIL \(point would pass\)/);

    // TPOT is noisy, so its margin cannot be fixed in advance: set it between this run's point and
    // upper bound (allowance ≥ 0 needs the upper bound above the baseline) and rebuild the report.
    const allowance = (Math.max(v.mean, b.mean) + welchUpper) / 2 - b.mean;
    if (welchUpper <= b.mean) {
      t.diagnostic(`q4's TPOT upper bound ${welchUpper} ms is below the baseline's ${b.mean} ms this time: no non-negative TPOT margin separates point and bound`);
      return;
    }
    const card = { ...disk.card, spec: { ...disk.card.spec, goals: [{ metric: 'tpot', maxDegradation: allowance, evidence: 'ci' as const, ciBound: 'upper' as const, file: goalsFile, line: 3 }] } };
    const rebuilt = buildReport(card, disk.results, report.failures, report.warnings, report.status, report.finishedAt).variants.find((x) => x.id === 'q4')!;
    const verdict = rebuilt.goals![0]!;
    assert.equal(verdict.pointPass, true, `TPOT ${v.mean} ≤ ${b.mean} + ${allowance}`);
    assert.equal(verdict.pass, false, `upper bound ${welchUpper} > ${b.mean} + ${allowance}`);
    assert.equal(rebuilt.gatesPassed, false);
  });
});

test('task-file goals decide on the paired bootstrap CI or the TOST, a task file’s goal on KLD p99 becomes a run goal, and the CLI table shows the TOST', async () => {
  await withTempDir('ql-task-goals-', async (dir) => {
    const taskFile = join(dir, 'mmlu-goals.quantlens.yaml');
    writeFileSync(
      taskFile,
      [
        'name: mmlu-goals',
        'type: multiple_choice',
        'dataset:',
        `  path: ${JSON.stringify(resolve('examples/tasks/data/mmlu'))}`,
        '  config: all',
        '  split: test',
        '  adapter: mmlu',
        'metrics: [acc]',
        'limit: 8',
        'goals:',
        '  - {metric: acc, max_degradation: 0.5, ci: lower}',
        '  - {metric: acc, max_degradation: 1, evidence: equivalence, equivalence_margin: 0.75}',
        `  - {metric: kld_p99, max_degradation: ${KLD_P99_MARGIN}, ci: upper}`,
        '',
      ].join('\n'),
    );
    const run = await runCli(['eval', TINY_LLAMA, ...DEMO, '--variants', 'fp32,q4', '--measure', 'fidelity', '--tasks', taskFile, '--threads', String(TEST_THREADS), '--provider', 'cpu', '--out', dir], undefined, 120_000);
    assert.equal(run.code, 0, run.stderr);
    const folder = /Report: (.*)\/report\.json/.exec(run.stdout)![1]!;
    const report = readRun(folder).report as RunReport;
    const q4 = report.variants.find((v) => v.id === 'q4')!;
    const acc = q4.tasks![0]!.metrics.find((m) => m.metric === 'acc')!;
    const c = acc.vsBaseline!;
    const [byCi, byTost] = acc.goals!;
    assert.equal(byCi!.evidence, 'ci');
    assert.equal(byCi!.ciBound, 'lower');
    assert.ok(Math.abs(byCi!.decidingValue! - (c.baseline! + c.ci.low!)) < 1e-12, 'baseline + the paired bootstrap lower bound of Δ');
    assert.equal(byCi!.pass, byCi!.decidingValue! >= c.baseline! - 0.5);
    assert.equal(byTost!.evidence, 'equivalence');
    assert.equal(c.tost!.margin, 0.75, 'the TOST ran at the equivalence goal’s margin');
    assert.equal(byTost!.pass, c.tost!.equivalent);
    assert.equal(byTost!.tost!.margin, 0.75);
    // The KLD p99 goal sits in the task file but is checked with the run's goals.
    assert.equal(q4.goals!.length, 1);
    assert.equal(q4.goals![0]!.metric, 'kld_p99');
    assert.deepEqual(q4.goals![0]!.source, { file: taskFile, line: 13 });
    assert.equal(q4.gatesPassed, false, 'the KLD p99 goal fails on its upper bound');
    assert.match(run.stdout, /equivalence \(TOST\)/);
    assert.match(run.stdout, new RegExp(`q4\\s+mmlu-goals\\s+acc .*${c.tost!.equivalent ? 'equivalent' : 'not equivalent'} ±0\\.750`));
    assert.match(run.stdout, /by 95% CI lower bound/);
  });
});

test('--resume finds an unfinished run whose goals were edited (goals change no number); another goals file path is another run', () => {
  const spec = { modelFolder: '/m', modelName: 'm', baselineId: 'fp32', variantIds: ['fp32', 'q4'], measures: ['fidelity'], seed: 0 } as unknown as RunSpec;
  const withGoals = (sha256: string, path = '/g/goals.yaml', maxDegradation = 0.2): RunSpec => ({ ...spec, goalsFile: { path, sha256, bytes: 1 }, goals: [{ metric: 'kld_p99', maxDegradation, file: path, line: 2 }] });
  assert.equal(specIdentity(withGoals('a')), specIdentity(withGoals('b', '/g/goals.yaml', 0.3)));
  assert.notEqual(specIdentity(withGoals('a')), specIdentity(withGoals('a', '/g/other.yaml')));
  assert.notEqual(specIdentity(withGoals('a')), specIdentity(spec), 'adding a goals file is another request');
});

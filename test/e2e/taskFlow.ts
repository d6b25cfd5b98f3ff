import { strict as assert } from 'node:assert';
import { after, before, describe } from 'node:test';
import { formatNumber } from '../../src/shared/format';
import { listRunFolders, readRun } from '../../src/node/runFolder/reader';
import { env, norm, sequentialSteps, Workbench } from './workbench';
import { codeTaskSteps } from './codeTaskFlow';

/**
 * Task metrics from VS Code, not only from the CLI's --tasks: Evaluate → "Task metrics only" → a
 * task file bundled with the extension (so it also proves examples/tasks ships in the VSIX) → its
 * metric in the results panel. The workspace settings cap it at quantlens.taskLimit = 4 items
 * (scripts/e2e-vscode.sh), so it runs in seconds. Runs last (tasks.e2e.ts): the task file it picks
 * is remembered for the model folder, and the other suites' run setups expect none.
 */
const MODEL = 'quantlens-tiny-llama';
const TASK_FILE = 'glue-sst2.quantlens.yaml';
const METRIC = 'task:sst2-sample:acc';

describe('QuantLens in VS Code: task metrics from the Evaluate quick picks', () => {
  let wb: Workbench;
  let runFolder = '';
  const step = sequentialSteps(() => wb, 'task-fail-');

  before(async () => {
    assert.ok(env.url && env.workspace, 'E2E_URL and E2E_WORKSPACE must be set (run via npm run test:e2e)');
    wb = await Workbench.open();
    // The earlier suites' editors come back with the window; only this run's panel should be open.
    await wb.runCommand('View: Close All Editors');
  });
  after(async () => wb?.close());

  step('1. Evaluate → Task metrics only → a bundled example task file: the run measures that task alone, quantlens.taskLimit items; Open Results', async () => {
    const earlier = new Set(listRunFolders(env.workspace));
    await wb.runCommand('QuantLens: Evaluate Quantized Variants');
    await wb.acceptQuickPick('evaluate which model?', MODEL);
    await wb.runSetup({
      measure: 'Task metrics only',
      inspectTasks: async (pick) => {
        await pick.locator('.monaco-list-row').filter({ hasText: TASK_FILE }).filter({ hasText: 'bundled example' }).first().waitFor({ timeout: 30_000 });
        await wb.shot('task-01-task-files-pick');
      },
      tickTasks: [TASK_FILE],
    });
    const done = wb.notification(/evaluation of quantlens-tiny-llama finished/).first();
    await done.waitFor({ timeout: 180_000 });
    // Open the panel at once (step 2 reads it): the toast does not stay forever.
    await done.getByRole('button', { name: 'Open Results' }).click();
    runFolder = listRunFolders(env.workspace).find((f) => !earlier.has(f))!;
    assert.ok(runFolder, 'the task run wrote a run folder');
    const run = readRun(runFolder);
    assert.equal(run.status, 'completed');
    const spec = run.card.spec;
    assert.deepEqual(spec.measures, []);
    assert.equal(spec.corpus, undefined, 'a tasks-only run reads no corpus');
    assert.equal(spec.taskLimit, 4);
    assert.equal(spec.taskFiles?.length, 1);
    const taskFile = spec.taskFiles![0]!.path;
    assert.match(taskFile, /[\\/]examples[\\/]tasks[\\/]glue-sst2\.quantlens\.yaml$/);
    assert.ok(!taskFile.startsWith(env.workspace), `${taskFile} is the extension's bundled copy, not a workspace file`);
    for (const v of run.report!.variants) assert.equal(v.tasks?.find((t) => t.task === 'sst2-sample')?.n, 4, `${v.id} scored 4 items`);
  });

  step('2. the results panel: the task metric is a column of the comparison table, with the report’s value and the goal verdict', async () => {
    const view = wb.webview();
    const table = view.locator('#comparison-table');
    await table.waitFor({ timeout: 60_000 });
    await table.locator(`th[data-column="${METRIC}"]`).waitFor({ timeout: 30_000 });
    const report = readRun(runFolder).report!;
    const variant = report.variants.find((v) => !v.isBaseline)!;
    const acc = variant.tasks!.find((t) => t.task === 'sst2-sample')!.metrics.find((m) => m.metric === 'acc')!;
    const cell = table.locator(`tr[data-variant="${variant.id}"] td[data-metric="${METRIC}"]`);
    assert.equal(norm(await cell.locator('.value').innerText()), formatNumber(acc.value!, 4));
    assert.equal(await cell.locator('.verdict').getAttribute('data-verdict'), acc.goals![0]!.pass ? 'pass' : 'fail');
    await wb.shot('task-02-results-panel');
  });

  // Issue 17's code task in the same session: no second code-server start or page load.
  codeTaskSteps(step, () => wb);
});

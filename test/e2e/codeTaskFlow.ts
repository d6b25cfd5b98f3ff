import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { formatNumber } from '../../src/shared/format';
import { describeFlips } from '../../src/shared/taskTable';
import { listRunFolders, readRun } from '../../src/node/runFolder/reader';
import type { TaskUnitResult } from '../../src/shared/report/schema';
import { env, norm, waitFor, Workbench } from './workbench';

/**
 * Issue 17's proof in the extension: the bundled example code task (code-javascript, Node in the
 * sandbox, n = 1 greedy sample per problem) on the demo model. Evaluate refuses it while
 * quantlens.codeExecution.enabled is off (its default); the user turns the setting on in the
 * Settings editor; the run then shows pass@1 per variant, the flips vs the baseline and the goal
 * verdict in the comparison table, and the code samples section shows a problem the baseline
 * passes and q4 fails, side by side and highlighted, with q4's failing assertion.
 *
 * Steps of the task suite's own session (taskFlow.ts), so they cost no extra code-server start or
 * page load; quantlens.taskLimit = 4 (the E2E workspace's settings) keeps it to the first four
 * problems, which javascript.jsonl orders so they hold a flip each way on q4.
 */
const MODEL = 'quantlens-tiny-llama';
const TASK_FILE = 'code-javascript.quantlens.yaml';
const OTHER_TASK_FILE = 'glue-sst2.quantlens.yaml';
const TASK = 'code-javascript';
const METRIC = `task:${TASK}:pass@1`;
const SETTING = 'quantlens.codeExecution.enabled';
/** The problem the demo model's baseline passes and q4 fails (examples/tasks/data/code/javascript.jsonl). */
const REGRESSED = 'QuantLens/js/story-0';

type Step = (name: string, fn: () => Promise<void>) => void;

/** Ticks exactly `wanted` among the task files the pick lists (the last run's picks come preselected). */
async function pickOnly(pick: Locator, wanted: string, unwanted: string): Promise<void> {
  const row = (file: string): Locator => pick.locator('.monaco-list-row').filter({ hasText: file }).filter({ hasText: 'bundled example' }).first();
  await row(wanted).waitFor({ timeout: 30_000 });
  for (const [file, checked] of [[wanted, 'true'], [unwanted, 'false']] as const) {
    if ((await row(file).getAttribute('aria-checked')) !== checked) await row(file).click();
    await waitFor(`${file} ${checked === 'true' ? 'ticked' : 'unticked'}`, async () => (await row(file).getAttribute('aria-checked')) === checked, 5000);
  }
}

/** Evaluate → the model → Task metrics only → the code task file alone. */
async function evaluateCodeTask(wb: Workbench): Promise<void> {
  await wb.runCommand('QuantLens: Evaluate Quantized Variants');
  await wb.acceptQuickPick('evaluate which model?', MODEL);
  await wb.runSetup({ measure: 'Task metrics only', inspectTasks: (pick) => pickOnly(pick, TASK_FILE, OTHER_TASK_FILE) });
}

export function codeTaskSteps(step: Step, workbench: () => Workbench): void {
  let runFolder = '';

  step('3. the bundled code task with quantlens.codeExecution.enabled at its default (off): Evaluate refuses it and names the setting', async () => {
    const wb = workbench();
    await wb.runCommand('View: Close All Editors');
    await evaluateCodeTask(wb);
    const refused = wb.notification(/code execution is off/).first();
    await refused.waitFor({ timeout: 60_000 });
    assert.match(norm(await refused.innerText()), new RegExp(`${TASK}.*${SETTING.replace(/\./g, '\\.')}`, 's'));
    await wb.shot('task-03-code-refused');
    await wb.runCommand('Notifications: Clear All Notifications');
  });

  step('4. the Settings editor: turn on quantlens.codeExecution.enabled for the workspace', async () => {
    const wb = workbench();
    await wb.runCommand('Preferences: Open Workspace Settings');
    const editor = wb.page.locator('.settings-editor');
    await editor.waitFor({ timeout: 30_000 });
    await editor.locator('.settings-header .suggest-input-container .monaco-editor').click();
    await wb.page.keyboard.type(SETTING);
    const box = editor.locator('.setting-item-bool').filter({ hasText: 'Let code tasks' }).locator('.setting-value-checkbox');
    await box.waitFor({ timeout: 30_000 });
    assert.equal(await box.getAttribute('aria-checked'), 'false', 'off by default');
    await box.click();
    const settingsFile = join(env.workspace, '.vscode', 'settings.json');
    await waitFor(`${SETTING}: true in .vscode/settings.json`, () => new RegExp(`"${SETTING.replace(/\./g, '\\.')}":\\s*true`).test(readFileSync(settingsFile, 'utf8')), 30_000);
    await wb.shot('task-04-code-setting-on');
    await wb.runCommand('View: Close All Editors');
  });

  step('5. Evaluate the code task again: it runs in the sandbox, the card says the setting allowed it; Open Results', async () => {
    const wb = workbench();
    const earlier = new Set(listRunFolders(env.workspace));
    await evaluateCodeTask(wb);
    const done = wb.notification(/evaluation of quantlens-tiny-llama finished/).first();
    await done.waitFor({ timeout: 180_000 });
    await done.getByRole('button', { name: 'Open Results' }).click();
    runFolder = listRunFolders(env.workspace).find((f) => !earlier.has(f) && readRun(f).status === 'completed')!;
    assert.ok(runFolder, 'the code task run wrote a completed run folder');
    const run = readRun(runFolder);
    const spec = run.card.spec;
    // Each sample ran its tests in the sandbox: none crashed the interpreter (as all did when the
    // sandbox passed Node 24, code-server's Node, a flag it refuses).
    const crashed = run.results.flatMap((r) => (r.kind === 'task' ? r.codeSamples ?? [] : []).flat()).filter((s) => s.status === 'crashed');
    assert.deepEqual(crashed.map((s) => s.detail), [], 'no sample crashed the interpreter');
    assert.equal(spec.codeExecution?.allowedBy, SETTING);
    assert.deepEqual(spec.codeExecution?.interpreters.map((i) => i.language), ['javascript']);
    assert.match(spec.taskFiles![0]!.path, /[\\/]examples[\\/]tasks[\\/]code-javascript\.quantlens\.yaml$/);
  });

  step('6. the results panel: pass@1 per variant, the flips vs the baseline and the goal verdict, as in the report', async () => {
    const wb = workbench();
    const report = readRun(runFolder).report!;
    const table = wb.webview().locator('#comparison-table');
    await table.locator(`th[data-column="${METRIC}"]`).waitFor({ timeout: 60_000 });
    let flipped = 0;
    for (const variant of report.variants) {
      const pass1 = variant.tasks!.find((t) => t.task === TASK)!.metrics.find((m) => m.metric === 'pass@1')!;
      assert.equal(pass1.n, 4, `${variant.id}: quantlens.taskLimit problems`);
      const cell = table.locator(`tr[data-variant="${variant.id}"] td[data-metric="${METRIC}"]`);
      assert.equal(norm(await cell.locator('.value').innerText()), formatNumber(pass1.value!, 4), `${variant.id} pass@1`);
      if (variant.isBaseline) {
        assert.equal(await cell.locator('.flips').count(), 0, 'the baseline has nothing to flip against');
        continue;
      }
      const flips = pass1.vsBaseline!.flips!;
      flipped += flips.correctToWrong + flips.wrongToCorrect;
      assert.equal(norm(await cell.locator('.flips').innerText()), describeFlips(flips), `${variant.id} flips`);
      const goal = pass1.goals![0]!;
      assert.equal(await cell.locator('.verdict').getAttribute('data-verdict'), goal.pass ? 'pass' : 'fail', `${variant.id} goal verdict`);
    }
    assert.ok(flipped > 0, 'some variant flips a problem (else the example shows nothing)');
    await table.scrollIntoViewIfNeeded();
    await wb.shot('task-06-code-pass-at-1');
  });

  step('7. the code samples: "passed on baseline, fails on variant" lists q4\'s regression; baseline and q4 side by side, highlighted, with q4\'s failing assertion', async () => {
    const wb = workbench();
    const view = wb.webview();
    const run = readRun(runFolder);
    const unit = (id: string): TaskUnitResult => run.results.find((r): r is TaskUnitResult => r.kind === 'task' && r.task === TASK && r.variantId === id)!;
    const i = unit('q4').codeProblems!.findIndex((p) => p.taskId === REGRESSED);
    const [base, q4] = [unit('fp32').codeSamples![i]![0]!, unit('q4').codeSamples![i]![0]!];
    assert.deepEqual([base.status, q4.status], ['passed', 'failed'], `${REGRESSED} on the demo model`);

    await view.locator('#code-variant').selectOption('q4');
    await view.locator('#code-filter').selectOption('regressed');
    const rows = view.locator('#code-list li');
    await waitFor('the filtered problem list', async () => (await rows.count()) === 1, 10_000);
    assert.equal(norm(await rows.first().innerText()), `${REGRESSED}: baseline 1/1 passed, q4 0/1`);
    const columns = view.locator('.code-pair .code-column');
    assert.equal(await columns.count(), 2);
    assert.deepEqual([await columns.nth(0).getAttribute('data-variant'), await columns.nth(1).getAttribute('data-variant')], ['fp32', 'q4']);
    assert.match(norm(await columns.nth(0).locator('.code-result').innerText()), /^passed · greedy$/);
    assert.equal(norm(await columns.nth(1).locator('.code-result').innerText()), `failed — ${q4.detail}${q4.line ? ` (line ${q4.line})` : ''} · greedy`);
    assert.match(q4.detail!, /mentions the children/, 'the failing assertion’s message');
    for (const [n, sample] of [[0, base], [1, q4]] as const) {
      const code = columns.nth(n).locator('pre.code');
      assert.ok(norm(await code.innerText()).endsWith(sample.completion), `column ${n} shows its completion`);
      assert.ok(await code.locator('.tok-keyword').count() > 0, `column ${n} is highlighted`);
    }
    await view.locator('#code-samples').scrollIntoViewIfNeeded();
    await wb.shot('task-07-code-samples');
  });
}

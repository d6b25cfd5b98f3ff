import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { listRunFolders, readRun } from '../../src/node/runFolder/reader';
import { channelLog, env, sequentialSteps, waitFor, Workbench } from './workbench';
import { writeHostileRun } from './hostileRun';

/**
 * The hostile-input and fault suite in the real workbench: injection payloads in model outputs,
 * prompts, variant ids and annotation notes execute nothing in the results panel or the comment
 * threads; a corrupt model, a corpus too short for a window and a broken annotations file each
 * give their clear error without breaking the window; a worker killed with SIGKILL mid-run is
 * reported and Resume finishes the run. Runs after quantlens.e2e (it reuses that run as a template).
 */
const MODEL = 'quantlens-tiny-llama';

describe('QuantLens in VS Code: hostile input and faults', () => {
  let wb: Workbench;
  const dialogs: string[] = [];

  const step = sequentialSteps(() => wb, 'hostile-fail-');

  before(async () => {
    assert.ok(env.url && env.workspace, 'E2E_URL and E2E_WORKSPACE must be set (run via npm run test:e2e)');
    const real = listRunFolders(env.workspace).find((f) => readRun(f).status === 'completed');
    assert.ok(real, 'the main E2E suite leaves a completed run to use as a template');
    writeHostileRun(real, env.workspace, env.workspace, MODEL);
    wb = await Workbench.open();
    // Any payload that ran would call alert(): record and dismiss every dialog, in any frame.
    wb.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  });
  after(async () => wb?.close());

  const injected = async (): Promise<number> =>
    wb.webview().locator('section img[src="x"], section svg[onload], section iframe, section object, section embed, section script, section math, section form, section details[ontoggle], section base, section meta, section link, section a[href^="javascript"]').count();

  step('1. the hostile run opens in the results panel: payloads show as text and nothing runs', async () => {
    await wb.runCommand('QuantLens: Open Results');
    await wb.acceptQuickPick('which run?', '20990101T000000Z-hostile');
    const view = wb.webview();
    await view.locator('#comparison-table').waitFor({ timeout: 60_000 });
    await view.getByText('<script>alert(0)</script>', { exact: false }).first().waitFor({ timeout: 20_000 });
    for (const index of [0, 5, 17, 30]) {
      const row = view.locator('#sample-list .sample-row').nth(index % 10);
      if (await row.count()) await row.click();
    }
    await view.locator('#sample-annotations .annotation').first().waitFor({ timeout: 20_000 });
    await wb.page.waitForTimeout(1500);
    assert.equal(await injected(), 0, 'no element was injected into the panel');
    assert.deepEqual(dialogs, [], 'no payload opened a dialog');
    await wb.shot('hostile-01-panel');
  });

  step('2. a hostile sample in a diff tab: annotation notes, authors and replies are text in the comment threads', async () => {
    await wb.webview().locator('#open-diff').click();
    // The Comments panel lists the thread (a resolved one starts collapsed in the editor).
    const entry = wb.page.locator('.part.panel').getByText('<script>alert(0)</script>', { exact: false }).first();
    await entry.waitFor({ timeout: 60_000 });
    await entry.click();
    const widget = wb.page.locator('.review-widget').first();
    await widget.waitFor({ timeout: 30_000 });
    const text = await widget.innerText();
    assert.match(text, /alert\(/, 'the payload is shown as text');
    const scope = '.review-widget, .part.panel';
    assert.equal(await wb.page.locator(['img[src="x"]', 'svg[onload]', 'iframe[srcdoc]', 'script', 'a[href^="javascript"]'].map((sel) => scope.split(', ').map((root) => `${root} ${sel}`).join(', ')).join(', ')).count(), 0);
    await widget.hover();
    await wb.page.waitForTimeout(1000);
    assert.deepEqual(dialogs, []);
    await wb.shot('hostile-02-comments');
  });

  step('3. a broken annotations file is reported with its line and never overwritten; the window keeps working', async () => {
    const file = join(env.workspace, '.quantlens', 'annotations.json');
    const broken = '{\n  "schemaVersion": "1.0.0",\n  "annotations": [\n    { "id": "x", }\n  ]\n}\n';
    writeFileSync(file, broken);
    await wb.notification(/annotations\.json.*(line|:4)/i).first().waitFor({ timeout: 60_000 });
    assert.equal(readFileSync(file, 'utf8'), broken, 'the broken file is kept byte for byte');
    await wb.shot('hostile-03-broken-annotations');
    await wb.runCommand('QuantLens: Show Output');
    assert.match(channelLog(), /annotations\.json/);
  });

  step('4. a corpus shorter than one window: the error names the file and nothing is lost', async () => {
    writeFileSync(join(env.workspace, 'tiny-corpus.txt'), 'Too short for a window.\n');
    await wb.runCommand('QuantLens: Evaluate Quantized Variants');
    await wb.acceptQuickPick('evaluate which model?', MODEL);
    await wb.runSetup({ measure: 'perplexity, KL divergence', corpus: 'tiny-corpus.txt', prompts: 'prompts.txt' });
    await wb.notification(/tiny-corpus\.txt.*shorter than one window/).first().waitFor({ timeout: 90_000 });
    await wb.shot('hostile-04-short-corpus');
  });

  step('5. a corrupt variant: the run finishes with the others and names the broken file', async () => {
    const broken = join(env.workspace, 'broken-model');
    cpSync(join(env.workspace, MODEL), broken, { recursive: true });
    writeFileSync(join(broken, 'onnx', 'model_q4.onnx'), 'this is not an ONNX model');
    await wb.runCommand('QuantLens: Refresh Models').catch(() => undefined);
    await wb.runCommand('QuantLens: Evaluate Quantized Variants');
    await wb.acceptQuickPick('evaluate which model?', 'broken-model');
    // The broken variant is listed, not preselected, and says why; tick it anyway.
    const picker = wb.quickPick('variants (1/5)');
    await picker.locator('.monaco-list-row').filter({ hasText: 'cannot be evaluated' }).first().waitFor({ timeout: 30_000 });
    assert.match(await picker.locator('.monaco-list-row').filter({ hasText: 'q4' }).first().innerText(), /cannot be evaluated: .*not a valid ONNX/i);
    await wb.runSetup({ tickVariants: ['cannot be evaluated'], measure: 'perplexity, KL divergence', corpus: /^corpus\.txt/, prompts: 'prompts.txt' });
    await wb.notification(/finished with failed variants/).first().waitFor({ timeout: 120_000 });
    assert.match(channelLog(), /model_q4\.onnx/);
    await wb.shot('hostile-05-corrupt-variant');
  });

  step('6. the worker killed with SIGKILL mid-run: the UI says so, nothing completed is lost, Resume finishes the run', async () => {
    const before = new Set(listRunFolders(env.workspace));
    await wb.runCommand('QuantLens: Evaluate Quantized Variants');
    await wb.acceptQuickPick('evaluate which model?', MODEL);
    await wb.runSetup({ measure: 'perplexity, KL divergence', corpus: /^corpus\.txt/, prompts: 'prompts.txt' });
    const runFolder = await waitFor('a unit on disk', () => listRunFolders(env.workspace).find((f) => !before.has(f) && readRun(f).results.length >= 1), 90_000);
    const pids = execFileSync('pgrep', ['-f', 'quantlens.*dist/worker.js'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
    assert.ok(pids.length >= 1, 'the worker process is running');
    for (const pid of pids) process.kill(Number(pid), 'SIGKILL');
    const crashed = wb.notification(/stopped unexpectedly \(SIGKILL\)/);
    await crashed.first().waitFor({ timeout: 60_000 });
    const partial = readRun(runFolder);
    assert.ok(partial.results.length >= 1, 'completed units stay on disk');
    await wb.shot('hostile-06-killed');
    await crashed.first().getByRole('button', { name: 'Resume' }).click();
    await wb.notification(/evaluation of quantlens-tiny-llama finished/).first().waitFor({ timeout: 180_000 });
    const resumed = readRun(runFolder);
    assert.equal(resumed.status, 'completed');
    assert.ok(resumed.results.length > partial.results.length);
    await wb.shot('hostile-06-resumed');
  });

});

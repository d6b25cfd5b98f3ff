import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { formatNumber } from '../../src/shared/format';
import { listRunFolders, readRun } from '../../src/node/runFolder/reader';
import { channelLog, env, norm, sequentialSteps, waitFor, Workbench } from './workbench';

/**
 * QuantLens in a real VS Code (code-server), as a new user meets it: right-click the model folder,
 * evaluate, watch progress and the output channel, read the results panel, open a diff tab, cancel
 * and resume. Started by scripts/e2e-vscode.sh (npm run test:e2e), which sets E2E_URL etc.
 */
const MODEL = 'quantlens-tiny-llama';
const runsRoot = (): string => env.workspace;

describe('QuantLens in VS Code', () => {
  let wb: Workbench;
  let firstRun = '';

  const step = sequentialSteps(() => wb, 'fail-');

  before(async () => {
    assert.ok(env.url && env.workspace, 'E2E_URL and E2E_WORKSPACE must be set (run via npm run test:e2e)');
    wb = await Workbench.open();
  });
  after(async () => wb?.close());

  step('1. right-click the model folder → Evaluate Quantized Variants → run setup quick picks', async () => {
    await wb.explorerContextCommand(MODEL, 'Evaluate Quantized Variants', wb.quickPick('variants (1/5)'));
    await wb.shot('01-variants-pick');
    await wb.runSetup({ measure: 'Fidelity and performance', corpus: /^corpus\.txt/, prompts: 'prompts.txt' });
  });

  step('2. progress shows and the QuantLens output channel fills', async () => {
    await wb.page.locator('.notification-toast').filter({ hasText: `QuantLens: ${MODEL}` }).first().waitFor({ timeout: 30_000 });
    await wb.shot('02-progress');
    await waitFor('run lines in the QuantLens log', () => /Writing run .*\.quantlens[\\/]runs/.test(channelLog()) && /Done: perplexity of fp32/.test(channelLog()), 90_000);
    await wb.runCommand('QuantLens: Show Output');
    await wb.page.locator('.part.panel .monaco-editor .view-lines').first().waitFor();
    await waitFor('output channel text', async () => /QuantLens|Run|Loading|Done/.test(norm(await wb.page.locator('.part.panel .monaco-editor .view-lines').first().innerText())), 30_000);
    await wb.shot('02-output-channel');
  });

  step('3. the run finishes: notification → Open Results → table with the report’s numbers and the Pareto plot', async () => {
    const done = wb.notification(/evaluation of quantlens-tiny-llama finished/);
    await done.waitFor({ timeout: 180_000 });
    firstRun = listRunFolders(runsRoot())[0]!;
    const run = readRun(firstRun);
    assert.equal(run.status, 'completed');
    await done.getByRole('button', { name: 'Open Results' }).click();
    const view = wb.webview();
    const table = view.locator('#comparison-table');
    await table.waitFor({ timeout: 60_000 });
    const q4 = run.report!.variants.find((v) => v.id === 'q4')!;
    const kldCell = norm(await table.locator('tr[data-variant="q4"] td[data-metric="kld"] .value').innerText());
    assert.equal(kldCell, formatNumber(q4.kld!.kld.mean, 4));
    const pplCell = norm(await table.locator('tr[data-variant="q4"] td[data-metric="ppl"] .value').innerText());
    assert.equal(pplCell, formatNumber(q4.perplexity!.tokenPerplexity.value, 4));
    await view.locator('#tradeoff-plot[data-frontier] svg').first().waitFor({ timeout: 30_000 });
    await wb.shot('03-results-panel');
  });

  step('4. Open in Diff Editor on a sample opens a native diff tab with both outputs', async () => {
    const view = wb.webview();
    await view.locator('#sample-list .sample-row').first().waitFor();
    await view.locator('#open-diff').click();
    const diff = wb.page.locator('.monaco-diff-editor');
    await diff.waitFor({ timeout: 30_000 });
    await wb.tab(/· fp32 ↔ fp16/).waitFor();
    const samples = readFileSync(join(firstRun, 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { variantId: string; promptIndex: number; output: string });
    const variantOutput = samples.find((s) => s.variantId === 'fp16' && s.promptIndex === 0)!.output.trim().split(/\s+/).slice(0, 3).join(' ');
    const lines = (side: string) => diff.locator(`.${side}-in-monaco-diff-editor > .overflow-guard > .monaco-scrollable-element > .lines-content > .view-lines`);
    await waitFor('the variant output in the diff', async () => norm(await lines('modified').innerText()).includes(variantOutput), 20_000);
    await wb.shot('04-diff-tab');
  });

  const NOTE = 'loops on the same sentence';

  step('5. annotate a range of the variant output inline in the diff tab; it lands in .quantlens/annotations.json', async () => {
    const diff = wb.page.locator('.monaco-diff-editor');
    await diff.locator('.modified-in-monaco-diff-editor .view-lines').first().click();
    await wb.page.keyboard.press('Control+A');
    await wb.runCommand('Comments: Add Comment on Current Selection');
    const form = wb.page.locator('.review-widget .comment-form').first();
    await form.waitFor({ timeout: 20_000 });
    // The comment box is a small Monaco editor: click into it, then type.
    await form.locator('.monaco-editor').first().click();
    await wb.page.keyboard.type(NOTE);
    await wb.page.locator('.review-widget').getByText('Add Annotation', { exact: true }).first().click();
    await wb.acceptQuickPick('failure category', 'Repetition');
    const file = join(env.workspace, '.quantlens', 'annotations.json');
    const saved = await waitFor('the annotation on disk', () => {
      try {
        const parsed = JSON.parse(readFileSync(file, 'utf8')) as { annotations: Array<{ note: string; category: string; variantId: string; range: { start: number; end: number } }> };
        return parsed.annotations.find((a) => a.note === NOTE);
      } catch {
        return undefined;
      }
    }, 30_000);
    assert.equal(saved.category, 'repetition');
    assert.equal(saved.variantId, 'fp16');
    assert.ok(saved.range.end > saved.range.start);
    await wb.page.locator('.review-widget').filter({ hasText: NOTE }).first().waitFor({ timeout: 20_000 });
    await wb.shot('05-annotation');
  });

  step('6. reload the window: the results panel comes back, its taxonomy summary counts the annotation, and the diff tab shows it again', async () => {
    await wb.reload();
    // VS Code restores the webview panel through our serializer (virtual diff tabs are not restored).
    const view = wb.webview();
    const summary = view.locator('#failure-summary tr[data-source="annotated"]').filter({ hasText: 'Repetition' });
    await summary.waitFor({ timeout: 90_000 });
    assert.match(norm(await summary.innerText()), /fp16.*Repetition.*1 \/ 10/s);
    await view.locator('#sample-annotations .annotation').filter({ hasText: NOTE }).first().waitFor({ timeout: 30_000 });
    await wb.shot('06-after-reload-panel');
    await view.locator('#open-diff').click();
    await wb.page.locator('.review-widget').filter({ hasText: NOTE }).first().waitFor({ timeout: 60_000 });
    await wb.shot('06-after-reload-diff');
  });

  step('7. the models view lists the model, its variants and the run', async () => {
    await wb.page.locator('.activitybar [aria-label^="QuantLens"]').first().click();
    const tree = wb.page.locator('.pane-body .monaco-list').filter({ hasText: MODEL });
    await tree.waitFor({ timeout: 30_000 });
    await tree.getByText('fp32 (baseline)').waitFor();
    await tree.getByText('Runs').click();
    await tree.locator('.monaco-list-row').filter({ hasText: 'completed' }).first().waitFor({ timeout: 30_000 });
    await wb.shot('07-models-view');
  });

  step('8. cancel a second run mid-way, then Resume finishes it', async () => {
    await wb.runCommand('QuantLens: Evaluate Quantized Variants');
    await wb.acceptQuickPick('evaluate which model?', MODEL);
    await wb.runSetup({ measure: 'Fidelity and performance', corpus: /^corpus\.txt/, prompts: 'prompts.txt' });
    const second = await waitFor('the second run folder', () => listRunFolders(runsRoot()).find((f) => f !== firstRun && readRun(f).results.length >= 1), 90_000);
    await wb.runCommand('QuantLens: Cancel Evaluation');
    const cancelled = wb.notification(/cancelled\. Completed units are on disk/);
    await cancelled.waitFor({ timeout: 60_000 });
    const partial = readRun(second);
    assert.equal(partial.status, 'cancelled');
    assert.ok(partial.results.length >= 1 && partial.results.length < 12, `partial run has ${partial.results.length} units`);
    await wb.shot('08-cancelled');
    await cancelled.getByRole('button', { name: 'Resume' }).click();
    await wb.notification(/evaluation of quantlens-tiny-llama finished/).last().waitFor({ timeout: 180_000 });
    const resumed = readRun(second);
    assert.equal(resumed.status, 'completed');
    assert.ok(resumed.results.length > partial.results.length);
    assert.match(channelLog(), /Resuming run .* units already done/);
    await wb.shot('08-resumed');
  });

  step('9. Add Endpoint: the Models view shows it as served · host, its key is in neither the settings nor the output channel; Remove Endpoint takes it away', async () => {
    const KEY = 'sk-e2e';
    const settingsFile = join(env.workspace, '.vscode', 'settings.json');
    /** Answers one input box of the command (the title says which step); empty `value` accepts what it offers. */
    const answer = async (title: string, value?: string): Promise<string> => {
      const widget = wb.quickPick(title);
      await widget.waitFor({ state: 'visible', timeout: 30_000 });
      const input = widget.locator('input.input');
      if (value !== undefined) await input.fill(value);
      const answered = await input.inputValue();
      await wb.page.keyboard.press('Enter');
      return answered;
    };
    await wb.runCommand('QuantLens: Add Endpoint');
    await answer('(1/5): base URL', 'http://127.0.0.1:9/v1');
    // One model folder in the workspace: no folder pick (2/5).
    const name = await answer('(3/5): name');
    await answer('(4/5): served model id', '');
    await answer('(5/5): API key', KEY);
    const written = await waitFor('the endpoint in .vscode/settings.json', () => {
      const text = readFileSync(settingsFile, 'utf8');
      return text.includes('"quantlens.endpoints"') && text.includes(name) ? text : undefined;
    }, 30_000);
    assert.match(written, /"baseUrl": "http:\/\/127\.0\.0\.1:9\/v1"/);
    assert.ok(!written.includes(KEY), 'the API key is not in the workspace settings');

    const tree = wb.page.locator('.pane-body .monaco-list').filter({ hasText: MODEL });
    if (!(await tree.isVisible())) await wb.page.locator('.activitybar [aria-label^="QuantLens"]').first().click();
    const row = tree.locator('.monaco-list-row').filter({ hasText: name });
    await row.waitFor({ timeout: 30_000 });
    assert.match(norm(await row.innerText()), /served · 127\.0\.0\.1:9/);
    await wb.shot('09-endpoint-in-models-view');
    await waitFor('the Add Endpoint line in the QuantLens log', () => channelLog().includes(`Endpoint ${name} (http://127.0.0.1:9/v1) added`), 30_000);
    assert.ok(!channelLog().includes(KEY), 'the API key is not in the output channel');

    await wb.runCommand('QuantLens: Remove Endpoint');
    await wb.acceptQuickPick('remove which endpoint?', name);
    await wb.page.locator('.monaco-dialog-box').getByRole('button', { name: 'Remove' }).click();
    await waitFor('the endpoint gone from .vscode/settings.json', () => !readFileSync(settingsFile, 'utf8').includes(name), 30_000);
    await row.waitFor({ state: 'detached', timeout: 30_000 });
    assert.ok(!channelLog().includes(KEY), 'the API key is not in the output channel');
    await wb.shot('09-endpoint-removed');
  });
});

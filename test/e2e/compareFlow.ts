import { strict as assert } from 'node:assert';
import { copyFileSync, cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { listRunFolders, readRun } from '../../src/node/runFolder/reader';
import { env, norm, sequentialSteps, Workbench } from './workbench';

/**
 * "What changed since last week's run?" in VS Code: evaluate a model folder, re-quantize one of its
 * variants (q8's file replaced by the q4 weights), evaluate again, and open "Compare with…" in the
 * second run's results panel. The panel must show what `quantlens compare` shows: q8's perplexity
 * regressed with a paired 95% interval, and the changed file's hash among the run-card
 * differences. A model folder of its own, so the other suites' runs and remembered picks stay apart.
 */
const SOURCE_MODEL = 'quantlens-tiny-llama';
const MODEL = 'compare-model';

describe('QuantLens in VS Code: compare two runs after re-quantizing a variant', () => {
  let wb: Workbench;
  let runA = '';
  let runB = '';
  const modelFolder = (): string => join(env.workspace, MODEL);
  const step = sequentialSteps(() => wb, 'compare-fail-');

  /** Evaluate the model folder from the palette (Fidelity: PPL, KLD, generations); the new run folder. */
  async function evaluate(openResults: boolean): Promise<string> {
    // An earlier run's "finished" toast must not stand in for this run's.
    await wb.runCommand('Notifications: Clear All Notifications');
    const earlier = new Set(listRunFolders(env.workspace));
    await wb.runCommand('QuantLens: Evaluate Quantized Variants');
    await wb.acceptQuickPick('evaluate which model?', MODEL);
    await wb.runSetup({ measure: 'perplexity, KL divergence, generations', corpus: /^corpus\.txt/, prompts: 'prompts.txt' });
    const done = wb.notification(new RegExp(`evaluation of ${MODEL} finished`)).first();
    await done.waitFor({ timeout: 180_000 });
    if (openResults) await done.getByRole('button', { name: 'Open Results' }).click();
    const folder = listRunFolders(env.workspace).find((f) => !earlier.has(f));
    assert.ok(folder, 'the run wrote a run folder');
    assert.equal(readRun(folder).status, 'completed');
    return folder;
  }

  before(async () => {
    assert.ok(env.url && env.workspace, 'E2E_URL and E2E_WORKSPACE must be set (run via npm run test:e2e)');
    rmSync(modelFolder(), { recursive: true, force: true });
    cpSync(join(env.workspace, SOURCE_MODEL), modelFolder(), { recursive: true, filter: (src) => !src.includes('.quantlens') });
    wb = await Workbench.open();
    await wb.runCommand('View: Close All Editors');
  });
  after(async () => wb?.close());

  step('1. evaluate, re-quantize q8 (its file replaced by the q4 weights), evaluate again; open the second run', async () => {
    runA = await evaluate(false);
    copyFileSync(join(modelFolder(), 'onnx', 'model_q4.onnx'), join(modelFolder(), 'onnx', 'model_quantized.onnx'));
    runB = await evaluate(true);
    await wb.webview().locator('#comparison-table').waitFor({ timeout: 60_000 });
  });

  step('2. Compare with… → the first run: q8 perplexity regressed with a paired CI; the changed file in the card differences', async () => {
    const view = wb.webview();
    await view.locator('#compare-with').click();
    const pick = wb.quickPick('with which run?');
    await pick.waitFor({ state: 'visible', timeout: 30_000 });
    await pick.locator('.quick-input-list .monaco-list-row').filter({ hasText: runA.split(/[\\/]/).pop()! }).first().click();
    const table = view.locator('#run-comparison-table');
    await table.waitFor({ timeout: 60_000 });
    // The test's tsconfig has no DOM types: a row is read through the two members it uses.
    type Row = { querySelectorAll(selector: string): ArrayLike<{ textContent: string | null }> };
    const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from((tr as unknown as Row).querySelectorAll('td'), (td) => td.textContent ?? '')));
    const cell = (row: string[], column: string): string => row[['variant', 'metric', 'run A', 'run B', 'Δ (B − A)', '95% CI', 'change', 'method', 'verdict'].indexOf(column)]!;
    const q8Ppl = rows.find((r) => r[0] === 'q8' && r[1] === 'PPL');
    assert.ok(q8Ppl, `a q8 PPL row in ${JSON.stringify(rows)}`);
    assert.equal(cell(q8Ppl, 'verdict'), 'regressed');
    assert.match(norm(cell(q8Ppl, '95% CI')), /^\[\+[\d.]+, \+[\d.]+\]$/, 'the whole interval is above zero');
    assert.match(cell(q8Ppl, 'method'), /windows\)$/, 'paired over the corpus windows');
    // Untouched variants did not move.
    const q4Ppl = rows.find((r) => r[0] === 'q4' && r[1] === 'PPL')!;
    assert.equal(cell(q4Ppl, 'verdict'), 'unchanged');
    const differences = norm(await view.locator('#run-card-differences').innerText());
    assert.match(differences, /model_quantized\.onnx\]\.sha256/);
    const b = readRun(runB).card;
    const q8File = b.variants.find((v) => v.id === 'q8')!.files.find((f) => f.path.endsWith('model_quantized.onnx'))!;
    assert.ok(differences.includes(q8File.sha256), 'the new hash is shown');
    await wb.shot('compare-01-run-comparison');
  });
});

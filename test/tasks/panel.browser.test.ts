import { strict as assert } from 'node:assert';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { testRequest } from '../helpers/engineRun';
import { TINY_LLAMA } from '../helpers/fixtures';
import { cspViolations, nextPaint, openPanel } from '../panel/browser';
import { PanelRun, startPanelRun } from '../panel/panelRun';

const TASK_DIR = resolve('examples/tasks');
let run: PanelRun;

before(async () => {
  const taskFiles = ['mmlu.quantlens.yaml', 'perplexity.quantlens.yaml'].map((f) => join(TASK_DIR, f));
  run = await startPanelRun('ql-task-panel-', () => testRequest(TINY_LLAMA, { measures: [], variants: ['fp32', 'q4'], taskFiles, taskLimit: 3 }));
});

after(() => run?.dispose());

test('results panel: task metrics are table columns and plot axes; goal verdicts show as pass/fail markers', async () => {
  const { data } = run;
  const { page, problems } = await openPanel(run.browser, run.harnessFile, { data });
  const columns = await page.locator('#comparison-table th[data-column]').evaluateAll((ths) => ths.map((th) => th.getAttribute('data-column')));
  for (const id of ['task:mmlu-sample:acc', 'task:mmlu-sample:acc_norm', 'task:perplexity-sample:word_perplexity', 'task:perplexity-sample:bits_per_byte']) assert.ok(columns.includes(id), `${id} in ${columns.join(', ')}`);

  const q4 = data.report!.variants.find((v) => v.id === 'q4')!;
  const wordPpl = q4.tasks!.find((t) => t.task === 'perplexity-sample')!.metrics.find((m) => m.metric === 'word_perplexity')!;
  const marker = page.locator('#comparison-table tr[data-variant="q4"] td[data-metric="task:perplexity-sample:word_perplexity"] .verdict');
  assert.equal(await marker.getAttribute('data-verdict'), wordPpl.goals![0]!.pass ? 'pass' : 'fail');
  assert.match((await marker.getAttribute('title')) ?? '', /max drop 5(\.00)?%/);
  assert.equal(await page.locator('#comparison-table tr[data-variant="fp32"] .verdict').count(), 0, 'the baseline has no verdicts');

  // With tasks only, the plot's fidelity axis offers the task metrics.
  const yOptions = await page.locator('#plot-y vscode-option').evaluateAll((os) => os.map((o) => o.getAttribute('value')));
  assert.ok(yOptions.includes('task:mmlu-sample:acc') && yOptions.includes('task:perplexity-sample:bits_per_byte'), yOptions.join(', '));
  assert.equal((await page.locator('#tradeoff-plot').getAttribute('data-frontier'))?.length ? true : false, true, 'a frontier was computed on a task metric');
  await page.locator('#comparison-table th[data-column="task:perplexity-sample:bits_per_byte"]').click();
  await nextPaint(page);
  const order = await page.locator('#comparison-table tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-variant')));
  const bpb = (id: string): number => data.report!.variants.find((v) => v.id === id)!.tasks!.find((t) => t.task === 'perplexity-sample')!.metrics.find((m) => m.metric === 'bits_per_byte')!.value!;
  assert.deepEqual(order, ['fp32', 'q4'].sort((a, b) => bpb(a) - bpb(b)), 'sorted by a task metric');
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.consoleErrors, []);
  assert.deepEqual(await cspViolations(page), []);
  await page.close();
});

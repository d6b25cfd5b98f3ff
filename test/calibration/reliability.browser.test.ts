import { strict as assert } from 'node:assert';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { parsePerturbations } from '../../src/shared/robustness/parseSpec';
import { testRequest } from '../helpers/engineRun';
import { TINY_LLAMA } from '../helpers/fixtures';
import { cspViolations, injectionFindings, openPanel, pwnedCalls } from '../panel/browser';
import { PanelRun, startPanelRun } from '../panel/panelRun';

/** A task name as a hostile report could carry it (task files refuse such names; a report is still untrusted). */
const HOSTILE = '<img src=x onerror=alert(1)><script>__pwned(1)</script>';

let run: PanelRun;

before(async () => {
  run = await startPanelRun('ql-reliability-panel-', () =>
    testRequest(TINY_LLAMA, { variants: ['fp32', 'q4'], taskFiles: [resolve('examples/tasks/glue-sst2.quantlens.yaml')], robustness: parsePerturbations('typos:0.5') }),
  );
  // The real run's report, with the task's name replaced by markup everywhere it appears.
  for (const v of run.data.report!.variants) {
    for (const t of v.tasks ?? []) t.task = t.task.replace('sst2-sample', HOSTILE);
    for (const e of v.robustness ?? []) e.task = e.task.replace('sst2-sample', HOSTILE);
  }
});

after(() => run?.dispose());

test('the reliability diagram of an MC task renders in the panel (baseline and variant overlaid, bins stated, counts per bin); a hostile task name stays text', async () => {
  const { data } = run;
  const { page, problems } = await openPanel(run.browser, run.harnessFile, { data });
  await page.waitForSelector('#reliability-plot-0 svg.main-svg', { state: 'attached' });
  const plot = page.locator('#reliability-plot-0');
  assert.equal(await plot.getAttribute('data-bins'), '10');
  assert.equal(await plot.getAttribute('data-binning'), 'equal-mass');
  assert.equal(await page.locator('#reliability-plot-1').count(), 0, 'one diagram: the perturbed copy of the task is not drawn again');

  // The traces carry the report's bins: the diagonal, then fp32 and q4.
  const traces = await plot.evaluate((el) => (el as unknown as { data: Array<{ name: string; x: number[]; y: number[]; customdata?: number[] }> }).data.map((t) => ({ name: t.name, x: t.x, y: t.y, counts: t.customdata ?? [] })));
  assert.equal(traces.length, 3);
  assert.equal(traces[0]!.name, 'perfect calibration');
  for (const [i, id] of ['fp32', 'q4'].entries()) {
    const calibration = data.report!.variants.find((v) => v.id === id)!.tasks!.find((t) => t.task === HOSTILE)!.calibration!;
    assert.equal(calibration.n, 8);
    assert.ok(traces[i + 1]!.name.startsWith(id), traces[i + 1]!.name);
    assert.deepEqual(traces[i + 1]!.x, calibration.bins.map((b) => b.meanConfidence));
    assert.deepEqual(traces[i + 1]!.y, calibration.bins.map((b) => b.accuracy));
    assert.deepEqual(traces[i + 1]!.counts, calibration.bins.map((b) => b.count));
    assert.equal(calibration.bins.reduce((s, b) => s + b.count, 0), 8);
    // The table under the diagram: one row per bin with its count.
    const rows = page.locator(`#reliability .reliability-bins tr[data-variant="${id}"]`);
    assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.children[2]!.textContent))), calibration.bins.map((b) => b.count));
  }
  assert.match((await page.locator('#reliability .caption').first().textContent()) ?? '', /^10 equal-mass bins/);

  // The hostile name: text in the heading and in both tables, never an element.
  assert.equal(await page.locator('#reliability h3.reliability-task').textContent(), `Reliability diagram: ${HOSTILE}`);
  const taskCells = await page.locator('#robustness-table tbody tr td:nth-child(2)').allTextContents();
  assert.deepEqual(new Set(taskCells), new Set([HOSTILE]));
  assert.ok((await page.locator('#calibration-table').textContent())!.includes(HOSTILE));
  assert.equal(await page.locator('#robustness img, #robustness script').count(), 0);
  assert.ok(traces.every((t) => !/[<>]/.test(t.name)), 'plotly text has no markup');

  assert.deepEqual(problems.dialogs, [], 'no alert ran');
  assert.deepEqual(await pwnedCalls(page), []);
  assert.deepEqual(await injectionFindings(page), []);
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.consoleErrors, []);
  assert.deepEqual(await cspViolations(page), []);
  await page.close();
});

test('the robustness table shows each perturbation\'s drop and the paired p for the variant', async () => {
  const { page } = await openPanel(run.browser, run.harnessFile, { data: run.data });
  const q4 = run.data.report!.variants.find((v) => v.id === 'q4')!.robustness![0]!;
  const row = page.locator('#robustness-table tbody tr[data-variant="q4"]');
  assert.equal(await row.count(), 1);
  const cells = await row.locator('td').allTextContents();
  assert.equal(cells[2], 'typos0.5');
  assert.equal(cells[3], 'acc');
  assert.match(cells[9]!, /^(0|1|0\.\d+)/);
  assert.ok(typeof q4.pValue === 'number');
  await page.close();
});

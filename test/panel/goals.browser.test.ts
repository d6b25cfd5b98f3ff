import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { testRequest } from '../helpers/engineRun';
import { TINY_LLAMA } from '../helpers/fixtures';
import { cspViolations, openPanel } from './browser';
import { PanelRun, startPanelRun } from './panelRun';

let run: PanelRun;

before(async () => {
  run = await startPanelRun('ql-goal-panel-', (folder) => {
    const goalsFile = join(folder, 'goals.yaml');
    writeFileSync(goalsFile, 'goals:\n  - {metric: kld_mean, max_degradation: 0.05, ci: upper}\n  - {metric: disk_size, percent_max_degradation: 0}\n  - {metric: kld_p99, max_degradation: 0.001, evidence: ci}\n');
    return testRequest(TINY_LLAMA, { variants: ['fp32', 'q4'], goalsFile });
  });
});

after(() => run?.dispose());

test('results panel: run-level goals listed with what decided, marked on their metric, and drawn as bands on the trade-off plot', async () => {
  const { data } = run;
  const { page, problems } = await openPanel(run.browser, run.harnessFile, { data });
  const q4 = data.report!.variants.find((v) => v.id === 'q4')!;
  const base = data.report!.variants.find((v) => v.isBaseline)!;
  const [kld, size, p99] = q4.goals!;

  const rows = page.locator('#goals-table tbody tr');
  assert.equal(await rows.count(), 3);
  assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-verdict'))), [kld, size, p99].map((g) => (g!.pass ? 'pass' : 'fail')));
  assert.match((await rows.nth(0).textContent()) ?? '', /Mean KLD.*95% CI upper bound/);
  assert.match((await rows.nth(2).textContent()) ?? '', /KLD p99.*95% CI upper bound.*FAIL/);

  const marker = page.locator('#comparison-table tr[data-variant="q4"] td[data-metric="kld"] .verdict');
  assert.equal(await marker.getAttribute('data-verdict'), kld!.pass ? 'pass' : 'fail');
  assert.match((await marker.getAttribute('title')) ?? '', /by 95% CI upper bound/);

  // Default axes: disk size (x) and mean KLD (y): a band for each goal on them, failing above.
  const plot = page.locator('#tradeoff-plot');
  assert.equal(await plot.getAttribute('data-goal-bands'), `x:${base.sizeBytes / 2 ** 20}:above,y:0.05:above`);
  const layout = await plot.evaluate((el) => {
    const l = (el as unknown as { layout: { shapes: unknown[]; annotations: Array<{ text: string }> } }).layout;
    return { shapes: l.shapes.length, notes: l.annotations.map((a) => a.text) };
  });
  assert.equal(layout.shapes, 4, 'a shaded side and a dashed line per band');
  assert.ok(layout.notes.includes('goal: Mean KLD ≤ 0.05000 nats (95% CI upper bound)'), layout.notes.join(' | '));
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.consoleErrors, []);
  assert.deepEqual(await cspViolations(page), []);
  await page.close();
});

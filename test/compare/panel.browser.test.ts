import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { compareRuns } from '../../src/shared/compare/compareRuns';
import type { RunComparison } from '../../src/shared/compare/types';
import type { RunData } from '../../src/shared/panelProtocol';
import { readRunInput } from '../../src/node/runInput';
import { loadRunData } from '../../src/node/runData';
import { cspViolations, injectionFindings, launchChromium, openPanel, PageProblems, posted, pwnedCalls } from '../panel/browser';
import { writeHarness } from '../panel/harness';
import { PAYLOADS } from '../panel/hostile';
import { FixtureRuns, sha256 } from './runPair';

/** Real runs A and B (q8 re-quantized in between) shown in the results panel page as the host shows them. */
let dir = '';
let browser: Browser;
let harnessFile = '';
let comparison: RunComparison;
let dataB: RunData;
let q4Sha = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ql-compare-panel-'));
  const runs = new FixtureRuns(dir, 'fidelity,generation');
  q4Sha = sha256(runs.q4File);
  const runA = await runs.evaluate();
  runs.requantizeQ8();
  const runB = await runs.evaluate();
  comparison = compareRuns(readRunInput(runA), readRunInput(runB));
  dataB = loadRunData(runB);
  harnessFile = writeHarness(join(dir, 'harness'));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

const showComparison = (page: Page, c: RunComparison): Promise<void> =>
  page.evaluate((m) => (globalThis as unknown as { postMessage(message: unknown, target: string): void }).postMessage({ type: 'show-comparison', comparison: m }, '*'), c);

async function assertClean(page: Page, problems: PageProblems): Promise<void> {
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.consoleErrors, []);
  assert.deepEqual(await cspViolations(page), []);
  assert.deepEqual(await pwnedCalls(page), []);
  assert.deepEqual(await injectionFindings(page), []);
}

test('"Compare with…" posts a typed request; the comparison shows q8\'s regression with its CI and the changed file hash', async () => {
  const { page, problems } = await openPanel(browser, harnessFile, { data: dataB });
  await page.locator('#compare-with').click();
  assert.deepEqual((await posted(page)).at(-1), { type: 'compare-with' });
  await showComparison(page, comparison);
  const row = page.locator('#run-comparison-table tbody tr').filter({ has: page.locator('td.variant', { hasText: /^q8$/ }) }).filter({ has: page.locator('td', { hasText: /^PPL$/ }) });
  const cells = await row.locator('td').allTextContents();
  const ppl = comparison.variants.find((v) => v.variantId === 'q8')!.metrics.find((m) => m.metric === 'ppl')!;
  assert.equal(cells.at(-1), 'regressed');
  assert.match(cells[5]!, /^\[\+[\d.]+, \+[\d.]+\]$/);
  assert.equal(cells[7], `paired-bootstrap (${ppl.pairedOn!.n} windows)`);
  const differences = await page.locator('#run-card-differences').textContent();
  assert.ok(differences?.includes('variants[q8].files[onnx/model_quantized.onnx].sha256') && differences.includes(q4Sha), differences ?? '');
  // A reload of the run (live update) keeps the comparison in place.
  await page.evaluate((d) => (globalThis as unknown as { postMessage(message: unknown, target: string): void }).postMessage({ type: 'show-run', data: d }, '*'), dataB);
  assert.equal(await page.locator('#run-comparison-table').count(), 1);
  await assertClean(page, problems);
  await page.close();
});

test('comparison warnings and run-card values are text: hostile run ids, paths and warnings never run', async () => {
  const { page, problems } = await openPanel(browser, harnessFile, { data: dataB });
  const hostile: RunComparison = {
    ...comparison,
    runA: { ...comparison.runA, runId: PAYLOADS[0]! },
    warnings: PAYLOADS.slice(0, 4),
    cardDifferences: PAYLOADS.map((p, i) => ({ group: 'other', path: p, a: PAYLOADS[(i + 1) % PAYLOADS.length]!, b: null })),
  };
  await showComparison(page, hostile);
  assert.equal(await page.locator('#run-comparison-warnings li').count(), 4);
  assert.equal(await page.locator('#run-comparison-warnings li').first().textContent(), `Warning: ${PAYLOADS[0]}`);
  assert.ok((await page.locator('#run-comparison-title').textContent())!.includes(PAYLOADS[0]!));
  assert.deepEqual(await page.locator('#run-card-differences tbody tr td:nth-child(2)').allTextContents(), [...PAYLOADS]);
  await assertClean(page, problems);
  await page.close();
});

test("the run's own comparability checklist shows its failed checks as warnings", async () => {
  const report = { ...dataB.report!, comparability: [...dataB.report!.comparability!.filter((c) => c.id !== 'execution-provider'), { id: 'execution-provider' as const, title: 'Execution provider', scope: 'variants' as const, status: 'differs' as const, detail: 'differs across variants: fp32 cpu; q4 cuda' }] };
  const { page, problems } = await openPanel(browser, harnessFile, { data: { ...dataB, report } });
  assert.deepEqual(await page.locator('#comparability-warnings li').allTextContents(), ['Warning: Execution provider — differs across variants: fp32 cpu; q4 cuda']);
  await assertClean(page, problems);
  await page.close();
  // A clean run shows none.
  const clean = await openPanel(browser, harnessFile, { data: dataB });
  assert.equal(await clean.page.locator('#comparability-warnings').count(), 0);
  await clean.page.close();
});

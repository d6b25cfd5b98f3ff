import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { toHtml } from '../../src/shared/exports';
import { formatNumber, formatSigned } from '../../src/shared/format';
import { paretoFrontier } from '../../src/shared/panel/pareto';
import { wordDiff } from '../../src/shared/panel/wordDiff';
import type { RunData } from '../../src/shared/panelProtocol';
import type { SampleRecord, VariantSummary } from '../../src/shared/report/schema';
import { cspViolations, injectionFindings, launchChromium, nextPaint, openPanel, PageProblems, posted, pwnedCalls, savedState, settled, watchPage } from './browser';
import { showRun, writeHarness } from './harness';
import { HOSTILE_IDS, hostileRunData, PAYLOADS } from './hostile';
import { makeRealRun, RealRun } from './realRun';
import { syntheticRun } from './synthetic';

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Picks an option of a vscode-single-select the way a user does: open it, click the label. */
async function choose(page: Page, selectId: string, label: string): Promise<void> {
  // vscode-elements opens the dropdown below the face without flipping: keep room under it.
  await page.locator(`#${selectId}`).evaluate((el) => (el as unknown as { scrollIntoView(o: unknown): void }).scrollIntoView({ block: 'center' }));
  await page.locator(`#${selectId}`).click();
  await page.locator(`#${selectId} li.option`).filter({ hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }).click();
}

/** The rows of the comparison table, top to bottom, by variant id. */
const rowOrder = (page: Page): Promise<Array<string | null>> => page.locator('#comparison-table tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-variant')));

async function assertClean(page: Page, problems: PageProblems): Promise<void> {
  assert.deepEqual(problems.pageErrors, [], 'uncaught errors in the page');
  assert.deepEqual(problems.consoleErrors, [], 'console errors');
  assert.deepEqual(problems.dialogs, [], 'dialogs');
  assert.deepEqual(await cspViolations(page), [], 'CSP violations');
}

let run: RealRun;
let browser: Browser;
let harnessFolder: string;
let harnessFile: string;

before(async () => {
  run = await makeRealRun();
  harnessFolder = mkdtempSync(join(tmpdir(), 'quantlens-harness-'));
  harnessFile = writeHarness(harnessFolder);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  run?.dispose();
  if (harnessFolder) rmSync(harnessFolder, { recursive: true, force: true });
});

describe('results panel on a real run of the fixture model', () => {
  let page: Page;
  let problems: PageProblems;
  let data: RunData;
  const variant = (id: string): VariantSummary => data.report!.variants.find((v) => v.id === id)!;
  /** Independent of the panel's metrics catalog: read straight from the report. */
  const sizeMiB = (v: VariantSummary): number => v.sizeBytes / 2 ** 20;
  const meanKld = (v: VariantSummary): number => (v.isBaseline ? 0 : v.kld!.kld.mean);
  const ppl = (v: VariantSummary): number => v.perplexity!.tokenPerplexity.value;

  before(async () => {
    data = run.data;
    ({ page, problems } = await openPanel(browser, harnessFile, { data }));
  });
  after(() => page?.close());

  test('the header names the model, baseline and variants', async () => {
    assert.equal(await page.locator('#run-title').textContent(), data.card.spec.modelName);
    assert.equal(await page.locator('#run-status').textContent(), 'completed');
    const facts = await page.locator('#header .facts').textContent();
    assert.match(facts!, /Baseline\s*fp32/);
    assert.match(facts!, /Variants\s*fp16, q8, q4/);
  });

  test("the table shows the report's numbers: q4's mean KLD and perplexity with se and ΔPPL; a baseline row", async () => {
    assert.deepEqual(await rowOrder(page), data.report!.variants.map((v) => v.id));
    const q4 = variant('q4');
    const cell = (id: string, metric: string) => page.locator(`#comparison-table tr[data-variant="${id}"] td[data-metric="${metric}"]`);
    assert.equal(await cell('q4', 'kld').locator('.value').textContent(), formatNumber(q4.kld!.kld.mean, 4));
    assert.equal(await cell('q4', 'kld').locator('.se').textContent(), ` ± ${formatNumber(q4.kld!.kld.se, 2)}`);
    assert.equal(await cell('q4', 'ppl').locator('.value').textContent(), formatNumber(q4.perplexity!.tokenPerplexity.value, 4));
    assert.equal(await cell('q4', 'ppl').locator('.se').textContent(), ` ± ${formatNumber(q4.perplexity!.tokenPerplexity.se, 2)}`);
    // q4's ΔPPL (+6.8 ± 1.6 on this fixture) is far outside 1.96 se: a worse, significant delta.
    const delta = cell('q4', 'ppl').locator('.delta');
    assert.equal(await delta.textContent(), ` ${formatSigned(q4.deltaPerplexity!.value, 3)}`);
    assert.equal(await delta.getAttribute('class'), 'delta worse');
    assert.equal(await cell('q4', 'sameTop').locator('.value').textContent(), formatNumber(q4.kld!.sameTop.value * 100, 4));
    assert.equal(await cell('q4', 'size').locator('.value').textContent(), formatNumber(sizeMiB(q4), 4));
    // Latency ± is the standard error of the mean, std/√n.
    const tpot = q4.performance!.tpotMs!;
    assert.equal(await cell('q4', 'tpot').locator('.value').textContent(), formatNumber(tpot.mean, 4));
    assert.equal(await cell('q4', 'tpot').locator('.se').textContent(), ` ± ${formatNumber(tpot.std / Math.sqrt(tpot.n), 2)}`);
    // Every variant's KLD and PPL cells.
    for (const v of data.report!.variants) {
      assert.equal(await cell(v.id, 'kld').locator('.value').textContent(), formatNumber(meanKld(v), 4), v.id);
      assert.equal(await cell(v.id, 'ppl').locator('.value').textContent(), formatNumber(ppl(v), 4), v.id);
    }
    const baseline = page.locator('#comparison-table tr.baseline');
    assert.equal(await baseline.count(), 1);
    assert.equal(await baseline.getAttribute('data-variant'), 'fp32');
    assert.match((await baseline.locator('td.variant').textContent())!, /^fp32 baseline/);
    assert.equal(await baseline.locator('.delta').count(), 0, 'no deltas against itself');
  });

  test('clicking a header sorts the rows and sets aria-sort; clicking again reverses', async () => {
    const header = page.locator('#comparison-table th[data-column="kld"]');
    assert.equal(await header.getAttribute('aria-sort'), 'none');
    await header.click();
    const ascending = [...data.report!.variants].sort((a, b) => meanKld(a) - meanKld(b)).map((v) => v.id);
    assert.deepEqual(await rowOrder(page), ascending);
    assert.equal(await page.locator('#comparison-table th[data-column="kld"]').getAttribute('aria-sort'), 'ascending');
    assert.equal(await page.locator('#comparison-table th[data-column="ppl"]').getAttribute('aria-sort'), 'none');
    await page.locator('#comparison-table th[data-column="kld"]').click();
    assert.deepEqual(await rowOrder(page), [...ascending].reverse());
    assert.equal(await page.locator('#comparison-table th[data-column="kld"]').getAttribute('aria-sort'), 'descending');
    await page.locator('#comparison-table th[data-column="variant"]').click();
    assert.deepEqual(await rowOrder(page), ['fp16', 'fp32', 'q4', 'q8']);
  });

  test('a header sorts from the keyboard too (Enter and Space on the focused header)', async () => {
    await page.locator('#comparison-table th[data-column="ppl"]').focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('#comparison-table th[data-column="ppl"]').getAttribute('aria-sort'), 'ascending');
    assert.deepEqual(await rowOrder(page), [...data.report!.variants].sort((a, b) => ppl(a) - ppl(b)).map((v) => v.id));
    // Focus stays on the header after the table is rebuilt, so a second key press reverses.
    assert.equal(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } }).document.activeElement?.getAttribute('data-column')), 'ppl');
    await page.keyboard.press(' ');
    assert.equal(await page.locator('#comparison-table th[data-column="ppl"]').getAttribute('aria-sort'), 'descending');
  });

  test('a variant with no value for the sorted column stays last in both directions', async () => {
    const partial = structuredClone(data);
    delete partial.report!.variants.find((v) => v.id === 'q8')!.performance; // its performance unit failed
    const other = await openPanel(browser, harnessFile, { data: partial });
    try {
      const throughput = (id: string): number => variant(id).performance!.outputTokensPerSecond.mean;
      const measured = ['fp32', 'fp16', 'q4'].sort((a, b) => throughput(a) - throughput(b));
      await other.page.locator('#comparison-table th[data-column="throughput"]').click();
      assert.deepEqual(await rowOrder(other.page), [...measured, 'q8']);
      await other.page.locator('#comparison-table th[data-column="throughput"]').click();
      assert.deepEqual(await rowOrder(other.page), [...measured.reverse(), 'q8']);
      assert.equal(await other.page.locator('#comparison-table tr[data-variant="q8"] td[data-metric="throughput"]').textContent(), '—');
      await assertClean(other.page, other.problems);
    } finally {
      await other.page.close();
    }
  });

  /** The frontier path plotly drew: the first scatter trace's line, one vertex per frontier point. */
  const frontierVertices = async (): Promise<number> => {
    const d = await page.locator('#tradeoff-plot .scatterlayer .trace').first().locator('path.js-line').getAttribute('d');
    assert.ok(d && d.startsWith('M'), `frontier path drawn: ${d}`);
    return d.split(/[ML]/).filter(Boolean).length;
  };

  test('the trade-off plot (disk size × mean KLD) draws the Pareto frontier of the report', async () => {
    const expected = paretoFrontier(data.report!.variants.map((v) => ({ id: v.id, x: sizeMiB(v), y: meanKld(v) })), false).map((p) => p.id);
    assert.equal(await page.locator('#tradeoff-plot').getAttribute('data-frontier'), expected.join(','));
    assert.equal(await frontierVertices(), expected.length);
    assert.match((await page.locator('#tradeoff-plot .xtitle').textContent())!, /Disk size \(MiB\) — lower is better/);
    assert.match((await page.locator('#tradeoff-plot .ytitle').textContent())!, /Mean KLD \(nats\) — lower is better/);
    // One labelled point per variant; the baseline is the star.
    const labels = await page.locator('#tradeoff-plot .scatterlayer .trace').nth(1).locator('.textpoint text').allTextContents();
    assert.deepEqual([...labels].sort(), ['fp16', 'fp32', 'q4', 'q8']);
    // No way to upload the chart to Plotly Cloud from the panel.
    assert.equal(await page.locator('#tradeoff-plot .modebar-btn[data-title^="Share"]').count(), 0);
  });

  test('changing y to perplexity re-renders the plot with that frontier; x throughput flips x', async () => {
    await choose(page, 'plot-y', 'Perplexity');
    await settled(page);
    const byPpl = paretoFrontier(data.report!.variants.map((v) => ({ id: v.id, x: sizeMiB(v), y: ppl(v) })), false).map((p) => p.id);
    assert.equal(await page.locator('#tradeoff-plot').getAttribute('data-frontier'), byPpl.join(','));
    assert.match((await page.locator('#tradeoff-plot .ytitle').textContent())!, /^Perplexity — lower is better/);
    assert.equal(await frontierVertices(), byPpl.length);
    assert.equal((await savedState(page))?.plotY, 'ppl');

    await choose(page, 'plot-x', 'Throughput');
    await settled(page);
    const throughput = (v: VariantSummary): number => v.performance!.outputTokensPerSecond.mean;
    const expected = paretoFrontier(data.report!.variants.map((v) => ({ id: v.id, x: throughput(v), y: ppl(v) })), false, true);
    assert.equal(await page.locator('#tradeoff-plot').getAttribute('data-frontier'), expected.map((p) => p.id).join(','));
    assert.match((await page.locator('#tradeoff-plot .xtitle').textContent())!, /Throughput \(tok\/s\) — higher is better/);
    // Dominated variants are greyed (translucent), frontier ones opaque.
    const opacity = await page.locator('#tradeoff-plot').evaluate((gd) => (gd as unknown as { data: Array<{ marker: { opacity: number[] } }> }).data[1]!.marker.opacity);
    assert.deepEqual(opacity, data.report!.variants.map((v) => (expected.some((p) => p.id === v.id) ? 1 : 0.45)));
    assert.deepEqual(await savedState(page).then((s) => [s?.plotX, s?.plotY]), ['throughput', 'ppl']);
    await choose(page, 'plot-x', 'Disk size');
    await settled(page);
  });

  test('the samples list shows the prompts; a differing sample shows word diff and token overlay', async () => {
    const baseline = new Map(data.samples.filter((s) => s.variantId === 'fp32').map((s) => [s.sampleKey, s]));
    const rowsText = await page.locator('#sample-list .sample-row').allTextContents();
    const prompts = data.samples.filter((s) => s.variantId === 'fp16').sort((a, b) => a.promptIndex - b.promptIndex).map((s) => s.prompt);
    assert.equal(rowsText.length, prompts.length);
    rowsText.forEach((text, i) => assert.ok(text.endsWith(` ${prompts[i]}`), `${text} shows ${prompts[i]}`));

    await choose(page, 'sample-variant', 'q4');
    // A q4 sample whose output differs from the baseline's after a few shared tokens.
    const sample: SampleRecord = data.samples.filter((s) => s.variantId === 'q4' && s.firstDivergence !== null && s.firstDivergence > 0).sort((a, b) => a.promptIndex - b.promptIndex)[0]!;
    assert.ok(sample, 'the fixture run has a q4 sample that diverges after its first token');
    const base = baseline.get(sample.sampleKey)!;
    await page.locator(`#sample-list .sample-row[data-sample="${sample.sampleKey}"]`).click();
    assert.equal(await page.locator(`#sample-list .sample-row[data-sample="${sample.sampleKey}"]`).getAttribute('aria-selected'), 'true');
    assert.equal(await page.locator('#sample-prompt').textContent(), sample.prompt);
    assert.equal(await page.locator('#sample-input').count(), 0, 'a prompt fed raw shows no rendered input');
    const baseSide = page.locator('#sample-detail [data-side="baseline"]');
    const variantSide = page.locator('#sample-detail [data-side="variant"]');
    assert.equal(await baseSide.textContent(), base.output);
    assert.equal(await variantSide.textContent(), sample.output);
    const diff = wordDiff(base.output, sample.output);
    assert.ok(await variantSide.locator('ins').count() > 0 && (await baseSide.locator('del').count()) > 0, 'highlighted words on both sides');
    assert.deepEqual(await variantSide.locator('ins').allTextContents(), diff.filter((p) => p.kind === 'added').map((p) => p.text));
    assert.deepEqual(await baseSide.locator('del').allTextContents(), diff.filter((p) => p.kind === 'removed').map((p) => p.text));

    const tokens = page.locator('#token-overlay .token');
    assert.equal(await tokens.count(), sample.tokenTexts.length);
    assert.deepEqual(await tokens.allTextContents(), sample.tokenTexts);
    const titles = await tokens.evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? ''));
    titles.forEach((title, i) => {
      assert.ok(title.includes('KLD') && title.includes('Δp'), title);
      assert.ok(title.includes(`KLD ${formatNumber(sample.kld[i]!, 3)} nats`), `${title} vs ${sample.kld[i]}`);
    });
    assert.equal(await page.locator('#token-overlay .first-divergence').count(), 1);
    const marked = await tokens.evaluateAll((els) => els.findIndex((e) => e.classList.contains('first-divergence')));
    assert.equal(marked, sample.firstDivergence);
    assert.match(titles[sample.firstDivergence!]!, /first divergence/);
    assert.match((await page.locator('#sample-detail .meta').textContent())!, new RegExp(`first divergent token #${sample.firstDivergence}`));

    await page.locator('#open-diff').click();
    assert.deepEqual((await posted<{ type: string }>(page)).filter((m) => m.type === 'open-diff').at(-1), { type: 'open-diff', sampleKey: sample.sampleKey, variantId: 'q4' });
    const state = await savedState(page);
    assert.equal(state?.selectedSample, sample.sampleKey);
    assert.equal(state?.selectedVariant, 'q4');
  });

  test('the differs filter and the search narrow the list', async () => {
    await choose(page, 'sample-filter', 'differs from baseline');
    const differing = data.samples.filter((s) => s.variantId === 'q4' && s.firstDivergence !== null).length;
    assert.equal(await page.locator('#sample-count').textContent(), `${differing} sample${differing === 1 ? '' : 's'}`);
    await choose(page, 'sample-filter', 'all');
    assert.equal(await page.locator('#sample-list .sample-row').count(), data.samples.filter((s) => s.variantId === 'q4').length);
  });

  test('export, run card and image buttons post typed requests to the host', async () => {
    for (const format of ['markdown', 'csv', 'html', 'json'] as const) {
      await page.locator(`#export-${format}`).click();
      assert.deepEqual((await posted(page)).at(-1), { type: 'export', format });
    }
    await page.locator('#open-run-card').click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'open-run-card' });
    // The image buttons ask the host for the shared renderer's file with the axes on screen (y was
    // set to Perplexity above, x back to Disk size); the host draws it, not plotly.
    for (const format of ['png', 'svg'] as const) {
      await page.locator(`#export-${format}`).click();
      assert.deepEqual((await posted(page)).at(-1), { type: 'save-image', format, x: 'size', y: 'ppl' });
    }
    assert.deepEqual((await posted(page)).filter((m) => m.type === 'ready').length, 1, 'ready is posted once');
  });

  test('the view state persists through setState, survives a live update, and restores after a reload', async () => {
    const state = await savedState(page);
    assert.equal(state?.runFolder, data.runFolder);
    assert.equal(state?.plotY, 'ppl');
    assert.equal(state?.sortColumn, 'ppl');
    assert.equal(state?.sortDescending, true);
    const selected = state?.selectedSample as string;

    // The host posts the run again whenever the run folder changes: the view stays as it was.
    await showRun(page, data);
    await settled(page);
    assert.equal(await page.locator('#comparison-table th[data-column="ppl"]').getAttribute('aria-sort'), 'descending');
    assert.match((await page.locator('#tradeoff-plot .ytitle').textContent())!, /^Perplexity/);
    assert.equal(await page.locator('#sample-list .sample-row.selected').getAttribute('data-sample'), selected);
    assert.equal(await page.locator('#sample-variant').evaluate((el) => (el as unknown as { value: string }).value), 'q4');

    // A window reload: a fresh page whose getState() returns what was saved.
    const restored = await openPanel(browser, harnessFile, { data, initialState: state });
    try {
      const p = restored.page;
      assert.equal(await p.locator('#comparison-table th[data-column="ppl"]').getAttribute('aria-sort'), 'descending');
      assert.match((await p.locator('#tradeoff-plot .ytitle').textContent())!, /^Perplexity/);
      assert.equal(await p.locator('#sample-variant').evaluate((el) => (el as unknown as { value: string }).value), 'q4');
      assert.equal(await p.locator('#sample-list .sample-row.selected').getAttribute('data-sample'), selected);
      const sample = data.samples.find((s) => s.variantId === 'q4' && s.sampleKey === selected)!;
      assert.equal(await p.locator('#sample-detail [data-side="variant"]').textContent(), sample.output);
      await assertClean(p, restored.problems);
    } finally {
      await restored.page.close();
    }
  });

  test('no console errors, uncaught errors, dialogs or CSP violations through all of the above', async () => {
    await assertClean(page, problems);
  });
});

describe('hostile payloads in outputs, tokens, prompts, variant ids, the run card and annotations', () => {
  let page: Page;
  let problems: PageProblems;
  let data: RunData;

  before(async () => {
    data = hostileRunData(run.data);
    ({ page, problems } = await openPanel(browser, harnessFile, { data }));
  });
  after(() => page?.close());

  const assertNothingRan = async (where: string): Promise<void> => {
    assert.deepEqual(await pwnedCalls(page), [], `${where}: a payload ran`);
    assert.deepEqual(await injectionFindings(page), [], `${where}: injected markup`);
    await assertClean(page, problems);
  };

  test(`${PAYLOADS.length} payloads render as text in the header and table`, async () => {
    assert.ok(PAYLOADS.length >= 30);
    await assertNothingRan('first paint');
    assert.equal(await page.locator('#run-title').textContent(), data.card.spec.modelName);
    assert.ok(await page.getByText(PAYLOADS[7]!, { exact: false }).first().isVisible(), 'the CSS-injection payload is visible text');
    assert.ok(await page.locator('body').isVisible());
    const facts = (await page.locator('#header .facts').textContent())!;
    for (const text of [data.card.spec.corpus!.path, data.card.spec.prompts!.path, data.card.environment.cpuModel, data.card.environment.gpu!, HOSTILE_IDS.fp32!]) assert.ok(facts.includes(text), `header shows ${text}`);
    // Every variant row, found by its id as an attribute value and showing it as text.
    const ids = await page.locator('#comparison-table tbody tr').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-variant'), r.querySelector('td.variant')?.firstChild?.textContent]));
    assert.deepEqual(ids, data.report!.variants.map((v) => [v.id, v.id]));
    await page.locator('#comparison-table th[data-column="variant"]').click();
    await assertNothingRan('sorted table');
  });

  test('the failure summary shows hostile category labels and ids as text', async () => {
    const summary = (await page.locator('#failure-summary').textContent())!;
    const labels = data.annotations.summary.flatMap((v) => v.human.byCategory.filter((c) => c.samples > 0).map((c) => c.label));
    assert.ok(labels.length > 10);
    for (const label of labels) assert.ok(summary.includes(label), `failure summary shows ${JSON.stringify(label.slice(0, 60))}`);
    assert.ok(labels.includes(PAYLOADS[1]!), 'a hostile taxonomy label is among them');
    await assertNothingRan('failure summary');
  });

  test('plot labels and hover text are the ids as plain text (plotly markup stripped)', async () => {
    const labels = await page.locator('#tradeoff-plot .scatterlayer .trace').nth(1).locator('.textpoint text').allTextContents();
    assert.deepEqual([...labels].sort(), data.report!.variants.map((v) => v.id.replace(/[<>&]/g, '')).sort());
    const points = page.locator('#tradeoff-plot .scatterlayer .trace').nth(1).locator('.points path.point');
    assert.equal(await points.count(), data.report!.variants.length);
    for (let i = 0; i < data.report!.variants.length; i++) {
      await points.nth(i).hover({ force: true });
      await page.waitForSelector('#tradeoff-plot .hoverlayer .hovertext', { state: 'attached' });
      const hover = (await page.locator('#tradeoff-plot .hoverlayer').textContent())!;
      assert.ok(data.report!.variants.some((v) => hover.includes(v.id.replace(/[<>&]/g, ''))), hover);
      await assertNothingRan(`hover on point ${i}`);
    }
    await page.mouse.move(0, 0);
    await choose(page, 'plot-y', 'Perplexity');
    await settled(page);
    await assertNothingRan('plot re-rendered');
  });

  test('every hostile sample: list row, side-by-side diff and token overlay show the payloads as text', async () => {
    const variantIds = data.card.spec.variantIds.filter((id) => id !== data.card.spec.baselineId);
    // Open the variant picker: its dropdown lists the hostile ids.
    await page.locator('#sample-variant').click();
    await assertNothingRan('variant picker open');
    await page.keyboard.press('Escape');
    for (const variantId of [variantIds[0]!, variantIds.at(-1)!]) {
      if ((await page.locator('#sample-variant').evaluate((el) => (el as unknown as { value: string }).value)) !== variantId) await choose(page, 'sample-variant', variantId);
      const samples = data.samples.filter((s) => s.variantId === variantId).sort((a, b) => a.promptIndex - b.promptIndex);
      const baseline = new Map(data.samples.filter((s) => s.variantId === data.card.spec.baselineId).map((s) => [s.sampleKey, s]));
      for (const [i, sample] of samples.entries()) {
        // The list is virtualised: scroll the row into the rendered window, then click it.
        await page.locator('#sample-list').evaluate((list, top) => ((list as unknown as { scrollTop: number }).scrollTop = top), i * 26);
        await nextPaint(page);
        const row = page.locator(`#sample-list .sample-row[data-sample="${sample.sampleKey}"]`);
        const rowText = (await row.textContent())!;
        assert.ok(rowText.startsWith('≠') && rowText.endsWith(` ${sample.prompt}`), `row shows ${JSON.stringify(rowText.slice(0, 80))}`);
        await row.click();
        assert.equal(await page.locator('#sample-prompt').textContent(), sample.prompt);
        assert.equal(await page.locator('#sample-detail [data-side="variant"]').textContent(), sample.output);
        assert.equal(await page.locator('#sample-detail [data-side="baseline"]').textContent(), baseline.get(sample.sampleKey)!.output);
        assert.ok((await page.locator('#sample-detail ins').count()) + (await page.locator('#sample-detail del').count()) > 0);
        assert.deepEqual(await page.locator('#token-overlay .token').allTextContents(), sample.tokenTexts);
        assert.equal(await page.locator('#sample-detail h4').nth(1).textContent(), variantId);
        // Annotations on this sample (note, author) and the automatic flag's detail, as text.
        const mine = data.annotations.annotations.filter((a) => a.variantId === variantId && a.sampleKey === sample.sampleKey);
        assert.ok(mine.length > 0);
        assert.deepEqual(await page.locator('#sample-annotations .annotation .note').allTextContents(), mine.map((a) => a.note));
        // The flag is pending unless an annotation accepted it.
        const accepted = mine.some((a) => typeof a.origin === 'object');
        assert.deepEqual(await page.locator('#sample-annotations .flag .note').allTextContents(), accepted ? [] : [` ${sample.flags![0]!.detail} `]);
        assert.equal(await page.locator('#annotations-problem').textContent(), `Annotations are read-only: ${data.annotations.problem}`);
        await assertNothingRan(`${JSON.stringify(variantId).slice(0, 30)} sample ${i} (${JSON.stringify(sample.prompt).slice(0, 40)})`);
      }
    }
    await page.locator('#open-diff').click();
    assert.equal((await posted<{ type: string; variantId: string }>(page)).at(-1)?.variantId, variantIds.at(-1));
  });

  test('search with a payload, a notice with a payload, and a live update keep it all text', async () => {
    await page.locator('#sample-search input').fill(PAYLOADS[1]!);
    await page.locator('#sample-search input').press('Enter');
    await page.locator('#sample-search input').blur();
    await nextPaint(page);
    await assertNothingRan('search');
    await page.evaluate((text) => (globalThis as unknown as { postMessage(m: unknown, t: string): void }).postMessage({ type: 'notice', level: 'error', text }, '*'), PAYLOADS[17]!);
    await nextPaint(page);
    assert.equal(await page.locator('#notice').textContent(), PAYLOADS[17]);
    await showRun(page, data);
    await settled(page);
    await assertNothingRan('live update');
  });

  test('the HTML export of the hostile run opens in Chromium without running anything', async () => {
    const exported = await browser.newPage();
    const exportProblems = watchPage(exported);
    try {
      await exported.setContent(toHtml(data), { waitUntil: 'load' });
      await exported.evaluate(() => new Promise((r) => setTimeout(r, 100)));
      const found = await exported.evaluate(() => {
        const d = (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document;
        return d.querySelectorAll('script, img, svg, iframe, object, embed, a, form, details, math, input, video, base, link, meta[http-equiv="refresh" i], [onload], [onerror]').length;
      });
      assert.equal(found, 0);
      assert.ok(await exported.getByText(PAYLOADS[2]!, { exact: false }).first().isVisible());
      assert.deepEqual(exportProblems.dialogs, []);
      assert.deepEqual(exportProblems.pageErrors, []);
    } finally {
      await exported.close();
    }
  });

  test('the detectors work: markup injected on purpose is caught (CSP report, console error, audit finding)', async () => {
    const { page: probe, problems: probeProblems } = await openPanel(browser, harnessFile, { data: run.data });
    try {
      await probe.evaluate((html) => {
        const d = (globalThis as unknown as { document: { getElementById(id: string): { insertAdjacentHTML(where: string, html: string): void } } }).document;
        d.getElementById('samples').insertAdjacentHTML('beforeend', html);
      }, `${PAYLOADS[1]}${PAYLOADS[5]}`);
      await probe.waitForFunction(() => (globalThis as unknown as { __cspViolations: string[] }).__cspViolations.length > 0);
      const findings = await injectionFindings(probe);
      assert.ok(findings.some((f) => f.includes('event-handler attribute <img')), findings.join('\n'));
      assert.ok(findings.some((f) => f.includes('script URL <a')), findings.join('\n'));
      assert.match((await cspViolations(probe)).join('\n'), /script-src/);
      assert.ok(probeProblems.consoleErrors.some((e) => /Content Security Policy/.test(e)), probeProblems.consoleErrors.join('\n'));
      // The nonce CSP stopped the handler itself.
      assert.deepEqual(await pwnedCalls(probe), []);
    } finally {
      await probe.close();
    }
  });

  test('after everything: nothing ran, no dialogs, no console errors, no CSP violations', async () => {
    await assertNothingRan('the end');
  });
});

describe('a long run: 3 variants × 500 samples and a 10,000-character output', () => {
  const LONG = 3;
  const data = syntheticRun({ samples: 500, longSample: { promptIndex: LONG, chars: 10_000 } });
  let page: Page;
  let problems: PageProblems;
  const ROW = 26;
  /** Whether the selected row lies inside the list's scrolled viewport (not just in the DOM). */
  const selectedInView = (p: Page): Promise<boolean> =>
    p.locator('#sample-list').evaluate((list) => {
      type Box = { getBoundingClientRect(): { top: number; bottom: number } };
      const row = (list as unknown as { querySelector(s: string): Box | null }).querySelector('.sample-row.selected');
      const l = (list as unknown as Box).getBoundingClientRect();
      const r = row?.getBoundingClientRect();
      return !!r && r.top >= l.top && r.bottom <= l.bottom;
    });
  const listScroll = (): Promise<number> => page.locator('#sample-list').evaluate((l) => (l as unknown as { scrollTop: number }).scrollTop);

  before(async () => {
    ({ page, problems } = await openPanel(browser, harnessFile, { data }));
  });
  after(() => page?.close());

  test('the list is virtualised: 500 samples, a few dozen rows in the DOM', async () => {
    assert.equal(await page.locator('#sample-count').textContent(), '500 samples');
    const rendered = await page.locator('#sample-list .sample-row').count();
    assert.ok(rendered > 10 && rendered < 40, `${rendered} rows rendered`);
  });

  test('the 10,000-character sample renders whole: both sides exact, one token span per token', async () => {
    const variantId = data.card.spec.variantIds[1]!;
    const sample = data.samples.find((s) => s.promptIndex === LONG && s.variantId === variantId)!;
    const base = data.samples.find((s) => s.promptIndex === LONG && s.variantId === data.card.spec.baselineId)!;
    assert.equal(sample.output.length, 10_000);
    await page.locator(`#sample-list .sample-row[data-sample="${sample.sampleKey}"]`).click();
    assert.equal(await page.locator('#sample-detail [data-side="variant"]').textContent(), sample.output);
    assert.equal(await page.locator('#sample-detail [data-side="baseline"]').textContent(), base.output);
    assert.equal(await page.locator('#token-overlay .token').count(), sample.tokenTexts.length);
    assert.equal(await page.locator('#token-overlay .first-divergence').count(), 1);
  });

  test('a live update keeps the list scrolled where it was, with the selection', async () => {
    await page.locator('#sample-list').evaluate((l, top) => ((l as unknown as { scrollTop: number }).scrollTop = top), 300 * ROW);
    await nextPaint(page);
    const variantId = data.card.spec.variantIds[1]!;
    const target = data.samples.find((s) => s.promptIndex === 305 && s.variantId === variantId)!;
    await page.locator(`#sample-list .sample-row[data-sample="${target.sampleKey}"]`).click();
    const before = await listScroll();
    assert.ok(before > 290 * ROW, `scrolled to ${before}`);
    await showRun(page, data);
    await settled(page);
    assert.equal(await listScroll(), before, 'the list did not jump back to the top');
    assert.equal(await page.locator('#sample-list .sample-row.selected').getAttribute('data-sample'), target.sampleKey);
    assert.ok(await selectedInView(page), 'the selected row is still in view');
  });

  test('after a reload the restored selection is scrolled into view', async () => {
    const state = await savedState(page);
    const restored = await openPanel(browser, harnessFile, { data, initialState: state });
    try {
      const row = restored.page.locator('#sample-list .sample-row.selected');
      assert.equal(await row.getAttribute('data-sample'), state?.selectedSample);
      assert.ok(await selectedInView(restored.page), 'the selected row is scrolled into the list\'s view');
      await assertClean(restored.page, restored.problems);
    } finally {
      await restored.page.close();
    }
  });

  test('no console errors, uncaught errors, dialogs or CSP violations', async () => {
    await assertClean(page, problems);
  });
});

describe('a run whose prompts went through the chat template', () => {
  test('the sample detail shows the raw prompt and, beneath it, the rendered input the model was fed', async () => {
    const rendered = (prompt: string): string => `<s><|user|> ${prompt}\n<|assistant|> `;
    const data: RunData = { ...run.data, samples: run.data.samples.map((s) => ({ ...s, input: rendered(s.prompt) })) };
    const { page, problems } = await openPanel(browser, harnessFile, { data });
    try {
      const sample = data.samples.find((s) => s.variantId === 'fp16')!;
      await page.locator(`#sample-list .sample-row[data-sample="${sample.sampleKey}"]`).click();
      assert.equal(await page.locator('#sample-prompt').textContent(), sample.prompt);
      assert.equal(await page.locator('#sample-input').textContent(), rendered(sample.prompt));
      await assertClean(page, problems);
    } finally {
      await page.close();
    }
  });
});

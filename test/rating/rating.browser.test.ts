import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ratingState } from '../../src/shared/rating/ratingProtocol';
import { emptyRatingsFile, withJudgement } from '../../src/shared/rating/ratingsFile';
import { buildRatingSet } from '../../src/shared/rating/ratingSet';
import { summarizeRatings } from '../../src/shared/rating/mergeRatings';
import type { RatingPair, RatingsFile } from '../../src/shared/rating/types';
import type { SampleRecord } from '../../src/shared/report/schema';
import { cspViolations, launchChromium, openPanel, posted, pwnedCalls, watchPage } from '../panel/browser';
import { writeHarness } from '../panel/harness';
import { syntheticRun } from '../panel/synthetic';
import { syntheticSamples } from './samples';

/**
 * The rating tab's bundle (dist/webview/rating.js) in Chromium under the extension's CSP, with
 * acquireVsCodeApi replaced by a recorder: outputs and prompts that are injection payloads stay
 * text, the keys post the right picks, nothing names a variant until the reveal; and the results
 * panel's Human rating section shows hostile rater names and variant ids as text.
 */
const PAYLOADS = ['<img src=x onerror="__pwned(1)">', '</pre><script>__pwned(2)</script>', '<svg onload=__pwned(3)>', '"><iframe srcdoc="<script>parent.__pwned(4)</script>">'];

function hostileSamples(): SampleRecord[] {
  return syntheticSamples(6).map((s, i) => ({ ...s, prompt: `${PAYLOADS[i % 4]} prompt ${s.promptIndex}`, output: `${PAYLOADS[(i + 1) % 4]} ${s.output}` }));
}

function writeRatingHarness(folder: string): string {
  mkdirSync(folder, { recursive: true });
  const nonce = 'ratingnonce123';
  const csp = `default-src 'none'; font-src file:; style-src file:; script-src 'nonce-${nonce}'`;
  const html = `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<link rel="stylesheet" href="file://${resolve('media')}/panel.css"></head><body>
<div id="notice" class="notice" role="status"></div>
<section id="rating" tabindex="0"><p class="empty">Loading the set…</p></section>
<script nonce="${nonce}">
  window.__posted = []; window.__pwnedCalls = []; window.__pwned = (n) => { window.__pwnedCalls.push(n); };
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
  window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => undefined, setState: () => undefined });
</script>
<script nonce="${nonce}" src="file://${resolve('dist/webview')}/rating.js"></script>
</body></html>`;
  const file = join(folder, 'rating-harness.html');
  writeFileSync(file, html);
  return file;
}

let browser: Browser;
const folder = resolve('test-output/rating-browser');
before(async () => {
  browser = await launchChromium();
});
after(async () => browser?.close());

const sendState = (page: Page, set: RatingPair[], file: RatingsFile): Promise<void> =>
  page.evaluate((m) => (globalThis as unknown as { postMessage(message: unknown, target: string): void }).postMessage(m, '*'), { type: 'rating-state', state: ratingState(set, file, []) });

test('the rating tab: hostile prompts and outputs stay text, keys 1/2/3 and arrows post picks, no variant name until the reveal', async () => {
  const page = await browser.newPage();
  const problems = watchPage(page);
  await page.goto(`file://${writeRatingHarness(folder)}`);
  const set = buildRatingSet(hostileSamples(), 'fp32', 11, 4);
  let file = emptyRatingsFile('run-1', 'alice<b>', 11, 4);
  await page.waitForFunction(() => (globalThis as unknown as { __posted: Array<{ type: string }> }).__posted.some((m) => m.type === 'rating-ready'));
  await sendState(page, set, file);
  const keys = ['2', 'ArrowLeft', '3', 'ArrowDown'];
  const expected = ['B', 'A', 'tie', 'tie'];
  for (const [i, pair] of set.entries()) {
    await page.waitForFunction((n) => (globalThis as unknown as { document: { getElementById(id: string): { textContent: string } | null } }).document.getElementById('rating-title')?.textContent === `Pair ${n} of 4`, i + 1);
    assert.equal(await page.locator('#rating-prompt').textContent(), pair.prompt);
    assert.equal(await page.locator('#rating-a').textContent(), pair.A);
    assert.equal(await page.locator('#rating-b').textContent(), pair.B);
    // The synthetic outputs name their variant on purpose; everything else in the tab must not.
    const rest = [pair.prompt, pair.A, pair.B].reduce((t, x) => t.split(x).join(''), await page.locator('#rating').textContent() ?? '');
    assert.doesNotMatch(rest, /\b(fp32|fp16|q8|q4|baseline)\b/);
    await page.locator('#rating-prompt').click();
    await page.keyboard.press(keys[i]!);
    const last = (await posted<{ type: string; pairId?: string; choice?: string }>(page)).at(-1)!;
    assert.deepEqual([last.type, last.pairId, last.choice], ['rating-judge', pair.pairId, expected[i]]);
    file = withJudgement(file, { pairId: pair.pairId, sampleKey: pair.sampleKey, choice: last.choice as 'A' });
    await sendState(page, set, file);
  }
  await page.locator('#rating-reveal').waitFor();
  const reveal = await page.locator('#rating-reveal').innerText();
  for (const p of set) assert.ok(reveal.includes(p.variantId), `the reveal names ${p.variantId}`);
  assert.match(await page.locator('#rating-progress').innerText(), /4 \/ 4 judged · rater alice<b>/);
  assert.deepEqual(await pwnedCalls(page), []);
  assert.deepEqual(await cspViolations(page), []);
  assert.deepEqual(problems, { consoleErrors: [], pageErrors: [], dialogs: [] });
  assert.equal(await page.locator('#rating img, #rating svg[onload], #rating iframe, #rating script').count(), 0, 'no payload became an element');
  await page.close();
});

test('the results panel’s Human rating section: hostile rater names and variant ids are text; win rate with its Wilson CI', async () => {
  const data = syntheticRun({ samples: 6 });
  const samples = syntheticSamples(6, ['fp32', 'q8', 'q4']);
  const set = buildRatingSet(samples, 'fp32', 5, 6);
  let file = emptyRatingsFile(data.card.runId, '<img src=x onerror="__pwned(9)">', 5, 6);
  for (const p of set) file = withJudgement(file, { pairId: p.pairId, sampleKey: p.sampleKey, choice: p.baselineSide === 'A' ? 'B' : 'A' });
  const humanRating = summarizeRatings([{ source: 'x.json', file }], data.card.runId, samples, 'fp32')!;
  humanRating.variants[0]!.variantId = '<svg onload=__pwned(10)>';
  const { page, problems } = await openPanel(browser, writeHarness(folder), { data: { ...data, report: { ...data.report!, humanRating } } });
  const table = page.locator('#human-rating-table');
  await table.waitFor();
  const rows = await table.locator('tbody tr').allInnerTexts();
  assert.equal(rows.length, 2);
  assert.match(rows[0]!, /^<svg onload=__pwned\(10\)>\t3\t3\t0\t0\t1\.000\t\[0\.439, 1\.000\]/);
  const section = await page.locator('#human-rating').innerText();
  assert.match(section, /Raters: <img src=x onerror="__pwned\(9\)"> \(6\/6 judged, seed 5\)/);
  assert.match(section, /a tie counts half a win/);
  assert.deepEqual(await pwnedCalls(page), []);
  assert.deepEqual(problems.pageErrors, []);
  await page.locator('#rate-blind').click();
  assert.deepEqual((await posted(page)).filter((m) => m.type === 'rate-blind'), [{ type: 'rate-blind' }]);
  await page.close();
});

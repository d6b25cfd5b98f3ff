/**
 * bench/panel: the results panel's first paint in headless Chromium (Debian's /usr/bin/chromium,
 * through playwright-core), on the harness page that loads the built webview under its real CSP.
 *
 * Data: a synthetic run of 3 variants (fp32 baseline, q8, q4) × 500 prompts, outputs of 64 tokens
 * with tokenTexts/KLD/Δp per token, plus one prompt whose outputs are 10,000 characters (~2,000
 * tokens) and differ from the first token on.
 *
 * First paint: from posting `show-run` (in the page, performance.now) to the first animation frame
 * in which the comparison table, the plot's svg and the first sample rows are all in the DOM. Each
 * repetition uses a fresh page. Goal: under 500 ms. Then the time from clicking the 10,000-character
 * sample to the frame in which its side-by-side diff and token overlay are in the DOM.
 *
 * Usage: npm run bench:panel  (node dist/bench/panel.js [repetitions])
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Page } from 'playwright-core';
import { wordDiff } from '../src/shared/panel/wordDiff';
import { launchChromium, openPanel } from '../test/panel/browser';
import { writeHarness } from '../test/panel/harness';
import { syntheticRun } from '../test/panel/synthetic';

const REPETITIONS = Number(process.argv[2] ?? 5);
const GOAL_MS = 500;
const LONG_PROMPT_INDEX = 3;
const LONG_CHARS = 10_000;

/** In the page: post the run, then resolve at the first frame that has table, plot svg and sample rows. */
const FIRST_PAINT = String.raw`(data) => new Promise((resolve) => {
  const t0 = performance.now();
  // Registered after the panel's own listener, so it runs once the panel has rendered.
  let handled = NaN;
  window.addEventListener('message', () => { handled = performance.now() - t0; }, { once: true });
  window.postMessage({ type: 'show-run', data }, '*');
  const ready = () => document.querySelector('#comparison-table tbody tr') && document.querySelector('#tradeoff-plot svg.main-svg') && document.querySelector('#sample-list .sample-row');
  const frame = () => (ready() ? resolve({ firstPaint: performance.now() - t0, messageTask: handled }) : requestAnimationFrame(frame));
  requestAnimationFrame(frame);
})`;

/** In the page: click a sample row, resolve at the first frame in which its detail is complete. */
const SELECT_SAMPLE = String.raw`({ key, tokens }) => new Promise((resolve) => {
  const row = document.querySelector('#sample-list .sample-row[data-sample="' + key + '"]');
  if (!row) throw new Error('row ' + key + ' is not rendered');
  const t0 = performance.now();
  row.click();
  const clickTask = performance.now() - t0;
  const ready = () => row.isConnected === false && document.querySelector('#sample-list .sample-row.selected')?.getAttribute('data-sample') === key && document.querySelectorAll('#token-overlay .token').length === tokens;
  const frame = () => (ready() ? resolve({ detail: performance.now() - t0, clickTask }) : requestAnimationFrame(frame));
  requestAnimationFrame(frame);
})`;

const median = (values: number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const ms = (v: number): string => `${v.toFixed(1)} ms`.padStart(10);

async function main(): Promise<void> {
  const data = syntheticRun({ samples: 500, tokensPerSample: 64, longSample: { promptIndex: LONG_PROMPT_INDEX, chars: LONG_CHARS } });
  const variants = data.card.spec.variantIds;
  const firstVariant = variants.find((v) => v !== data.card.spec.baselineId)!;
  const long = data.samples.find((s) => s.promptIndex === LONG_PROMPT_INDEX && s.variantId === firstVariant)!;
  const longBase = data.samples.find((s) => s.promptIndex === LONG_PROMPT_INDEX && s.variantId === data.card.spec.baselineId)!;
  const bytes = Buffer.byteLength(JSON.stringify(data));
  const t = performance.now();
  const diff = wordDiff(longBase.output, long.output);
  const diffMs = performance.now() - t;

  const folder = mkdtempSync(join(tmpdir(), 'quantlens-bench-panel-'));
  const harness = writeHarness(folder);
  const browser = await launchChromium();
  const rows: Array<{ firstPaint: number; messageTask: number; detail: number; clickTask: number; problems: number }> = [];
  try {
    for (let r = 0; r < REPETITIONS; r++) {
      const { page, problems } = await openPanel(browser, harness);
      await page.waitForFunction(() => (globalThis as unknown as { __posted: Array<{ type: string }> }).__posted.some((m) => m.type === 'ready'));
      const first = await evaluateWith<{ firstPaint: number; messageTask: number }>(page, FIRST_PAINT, data);
      const select = await evaluateWith<{ detail: number; clickTask: number }>(page, SELECT_SAMPLE, { key: long.sampleKey, tokens: long.tokenTexts.length });
      rows.push({ ...first, ...select, problems: problems.consoleErrors.length + problems.pageErrors.length });
      await page.close();
    }
  } finally {
    await browser.close();
    rmSync(folder, { recursive: true, force: true });
  }

  const version = await chromiumVersion();
  console.log(`bench/panel — results panel in headless ${version}`);
  console.log(`data: ${variants.length} variants (${variants.join(', ')}) × 500 prompts = ${data.samples.length} samples of 64 tokens, + prompt #${LONG_PROMPT_INDEX} with ${long.output.length.toLocaleString('en')}-character outputs (${long.tokenTexts.length} tokens); ${(bytes / 2 ** 20).toFixed(1)} MiB as JSON`);
  console.log('');
  console.log('rep   first paint   (render, sync)   select 10k sample   (click handler)');
  rows.forEach((r, i) => console.log(`${String(i + 1).padEnd(4)}${ms(r.firstPaint)}    ${ms(r.messageTask)}        ${ms(r.detail)}      ${ms(r.clickTask)}${r.problems ? `   ${r.problems} console/page errors!` : ''}`));
  const paints = rows.map((r) => r.firstPaint);
  const details = rows.map((r) => r.detail);
  console.log('');
  console.log(`first paint          median ${ms(median(paints))}   max ${ms(Math.max(...paints))}   goal < ${GOAL_MS} ms: ${Math.max(...paints) < GOAL_MS ? 'met' : median(paints) < GOAL_MS ? 'median met, max missed' : 'MISSED'}`);
  console.log(`select 10k sample    median ${ms(median(details))}   max ${ms(Math.max(...details))}`);
  console.log(`  of which wordDiff of the two 10,000-character outputs in Node: ${diffMs.toFixed(1)} ms → ${diff.length === 2 ? 'whole-block fallback (jsdiff gave up)' : `${diff.length} runs`}`);
}

/**
 * Runs page-side source (a function expression) on one argument. The argument is handed over
 * first, so its transfer is not timed; the page's CSP forbids eval, which DevTools evaluation is not.
 */
async function evaluateWith<T>(page: Page, source: string, arg: unknown): Promise<T> {
  await page.evaluate((a) => ((globalThis as unknown as { __benchArg: unknown }).__benchArg = a), arg);
  return page.evaluate(`(${source})(globalThis.__benchArg)`) as Promise<T>;
}

async function chromiumVersion(): Promise<string> {
  const browser = await launchChromium();
  try {
    return `Chromium ${browser.version()}`;
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

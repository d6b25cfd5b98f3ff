import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { loadRunData } from '../../src/node/runData';
import type { RunData } from '../../src/shared/panelProtocol';
import { DEMO_CORPUS, runCli } from '../helpers/engineRun';
import { TINY_LLAMA } from '../helpers/fixtures';
import { CHROMIUM_ARGS, showRun, writeHarness } from '../panel/harness';
import { recordedChromium } from '../helpers/testTools';


let folder = '';
let data: RunData;
let browser: Browser | undefined;
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  folder = mkdtempSync(join(tmpdir(), 'ql-perf-panel-'));
  const cli = await runCli(['eval', TINY_LLAMA, '--measure', 'performance', '--variants', 'q4', '--corpus', DEMO_CORPUS, '--perf-inputs', '16', '--perf-outputs', '4', '--batch', '1,2', '--concurrency', '1,2', '--warmups', '0', '--min-iterations', '2', '--out', folder], undefined, 120_000);
  assert.equal(cli.code, 0, cli.stderr);
  const runs = join(folder, '.quantlens', 'runs');
  data = loadRunData(join(runs, readdirSync(runs)[0]!));
  // playwright-core must be loaded from node_modules (bundled, it looks for its package.json beside the bundle).
  const { chromium } = createRequire(resolve('package.json'))('playwright-core') as typeof import('playwright-core');
  browser = await chromium.launch({ executablePath: recordedChromium(), headless: true, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('pageerror', (e) => pageErrors.push(String(e.stack ?? e.message)));
  await page.goto(`file://${writeHarness(join(folder, 'harness'))}`);
  await showRun(page, data);
  await page.waitForSelector('#perf-latency-plot svg.main-svg', { state: 'attached' });
  await page.waitForSelector('#perf-roofline-plot svg.main-svg', { state: 'attached' });
});

after(async () => {
  await browser?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

test('the performance section plots TPOT against batch size per variant, the roofline fractions, their sentences and every cell', async () => {
  assert.deepEqual(pageErrors, []);
  // Series: fp32 and q4, each at concurrency 1 and 2, over batch sizes 1 and 2.
  const traces = await page.evaluate(() => {
    const el = (globalThis as unknown as { document: { getElementById(id: string): { data: Array<{ name: string; x: number[]; y: number[] }> } } }).document.getElementById('perf-latency-plot');
    return el.data.map((t) => ({ name: t.name, x: t.x, y: t.y }));
  });
  assert.deepEqual(traces.map((t) => t.name).sort(), ['fp32 · conc 1', 'fp32 · conc 2', 'q4 · conc 1', 'q4 · conc 2']);
  for (const t of traces) assert.deepEqual(t.x, [1, 2], t.name);
  const q4 = data.report!.variants.find((v) => v.id === 'q4')!.performance!.cells!;
  const q4conc1 = traces.find((t) => t.name === 'q4 · conc 1')!;
  assert.deepEqual(q4conc1.y, q4.filter((c) => c.concurrency === 1).map((c) => c.tpotMs!.mean), 'the plotted TPOT is the report\'s');
  const bars = await page.evaluate(() => {
    const el = (globalThis as unknown as { document: { getElementById(id: string): { data: Array<{ name: string; x: string[]; y: number[] }> } } }).document.getElementById('perf-roofline-plot');
    return el.data.map((t) => ({ name: t.name, x: t.x, y: t.y }));
  });
  assert.deepEqual(bars.map((b) => b.name), ['of copy bandwidth', 'of MatMul FLOP/s']);
  assert.deepEqual(bars[0]!.x, ['fp32', 'q4']);
  assertCloseArray(bars[0]!.y, data.report!.variants.map((v) => v.performance!.roofline!.bandwidthFraction! * 100));
  const sentences = await page.locator('.roofline-sentence').allTextContents();
  assert.deepEqual(sentences, data.report!.variants.map((v) => v.rooflineExplanation));
  assert.equal(await page.locator('#perf-cells tbody tr').count(), 8, '2 variants × 4 cells');
  assert.match((await page.locator('#perf-machine').textContent())!, /streaming copy [\d.]+ GB\/s/);
});

function assertCloseArray(actual: number[], expected: number[]): void {
  assert.equal(actual.length, expected.length);
  for (const [i, x] of actual.entries()) assert.ok(Math.abs(x - expected[i]!) < 1e-9 * Math.max(1, Math.abs(x)), `${x} vs ${expected[i]}`);
}

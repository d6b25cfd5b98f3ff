import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { tradeoffSvg } from '../../src/shared/plot/tradeoffSvg';
import { testRequest } from '../helpers/engineRun';
import { TINY_LLAMA } from '../helpers/fixtures';
import { openPanel, watchPage } from '../panel/browser';
import { HOSTILE_IDS, hostileRunData } from '../panel/hostile';
import { PanelRun, startPanelRun } from '../panel/panelRun';

/**
 * The shared SVG renderer on a real run with goals, set against the panel's plotly plot of the
 * same run, and loaded in Chromium as a document of its own: well-formed, and with hostile variant
 * ids nothing runs.
 */
let run: PanelRun;

before(async () => {
  run = await startPanelRun('ql-plot-svg-', (folder) => {
    const goalsFile = join(folder, 'goals.yaml');
    writeFileSync(goalsFile, 'goals:\n  - {metric: kld_mean, max_degradation: 0.05, ci: upper}\n  - {metric: disk_size, percent_max_degradation: 0}\n');
    return testRequest(TINY_LLAMA, { variants: ['fp32', 'fp16', 'q4'], goalsFile });
  });
});

after(() => run?.dispose());

/** What the SVG's attributes say it drew: frontier ids in x order and goal bands, in the panel's data-* spelling. */
function drawn(svg: string): { frontier: string[]; bands: string } {
  const ids = [...svg.matchAll(/<g class="variant" data-variant="([^"]*)" data-frontier="true"[^>]*data-x="([^"]+)"/g)].sort((a, b) => Number(a[2]) - Number(b[2])).map((m) => m[1]!);
  const bands = [...svg.matchAll(/<g class="goal-band" data-axis="(x|y)" data-threshold="([^"]+)" data-fail-side="(above|below)">/g)].map((m) => `${m[1]}:${m[2]}:${m[3]}`).join(',');
  return { frontier: ids, bands };
}

test('on a real run the SVG draws what the panel plots: the same default axes, frontier and goal bands', async () => {
  const { page } = await openPanel(run.browser, run.harnessFile, { data: run.data });
  const plot = page.locator('#tradeoff-plot');
  const svg = tradeoffSvg(run.data.report!);
  const ours = drawn(svg);
  assert.equal(ours.frontier.join(','), await plot.getAttribute('data-frontier'));
  assert.equal(ours.bands, await plot.getAttribute('data-goal-bands'));
  assert.ok(ours.bands.split(',').length === 2, ours.bands);
  assert.match(svg, /Trade-off: Mean KLD vs Disk size/);
  await page.close();
});

test('the SVG is well-formed XML, and with hostile variant and run ids it renders as an image where no script runs', async () => {
  const hostile = hostileRunData(run.data).report!;
  hostile.runId = '</title><script>__pwned(200)</script>';
  const svg = tradeoffSvg(hostile);
  const file = join(run.folder, 'hostile.svg');
  writeFileSync(file, svg);
  const page = await run.browser.newPage();
  const problems = watchPage(page);
  await page.addInitScript(() => {
    const w = globalThis as unknown as { __pwnedCalls: number[]; __pwned(n: number): void };
    w.__pwnedCalls = [];
    w.__pwned = (n) => w.__pwnedCalls.push(n);
  });
  await page.goto(`file://${file}`);
  const seen = await page.evaluate((text) => {
    const doc = new (globalThis as unknown as { DOMParser: new () => { parseFromString(s: string, t: string): { getElementsByTagName(n: string): { length: number } } } }).DOMParser().parseFromString(text, 'image/svg+xml');
    const g = globalThis as unknown as { __pwnedCalls: number[]; document: { documentElement: { localName: string; querySelectorAll(s: string): Array<{ getAttribute(n: string): string | null }> } } };
    return {
      parseErrors: doc.getElementsByTagName('parsererror').length,
      root: g.document.documentElement.localName,
      scripts: g.document.documentElement.querySelectorAll('script').length,
      variants: Array.from(g.document.documentElement.querySelectorAll('g.variant')).map((el) => el.getAttribute('data-variant')),
      pwned: g.__pwnedCalls,
    };
  }, svg);
  assert.equal(seen.parseErrors, 0);
  assert.equal(seen.root, 'svg', 'Chromium opened it as an SVG document');
  assert.equal(seen.scripts, 0);
  assert.deepEqual(seen.pwned, []);
  assert.deepEqual(seen.variants, run.data.report!.variants.map((v) => HOSTILE_IDS[v.id]), 'ids survive as text, attribute-escaped');
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.dialogs, []);
  await page.close();
});

import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { plotImage, writePlotImage } from '../../src/node/plotImage';
import { metricById } from '../../src/shared/panel/metricsCatalog';
import { paretoFrontier } from '../../src/shared/panel/pareto';
import { niceTicks, tickLabel } from '../../src/shared/plot/niceTicks';
import { tradeoffSvg } from '../../src/shared/plot/tradeoffSvg';
import { escapeXml } from '../../src/shared/plot/xml';
import type { RunReport } from '../../src/shared/report/schema';
import { syntheticRun } from '../panel/synthetic';

/** The shared trade-off plot renderer: what the panel's image buttons and `quantlens export --format svg|png` write. */

const report = (): RunReport => syntheticRun({ samples: 4 }).report!;

/** Each drawn variant: its id (attribute-unescaped), frontier flag and marker position. */
function drawnVariants(svg: string): Array<{ id: string; frontier: boolean; baseline: boolean; px: number; py: number }> {
  const unescape = (s: string): string => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  return [...svg.matchAll(/<g class="variant" data-variant="([^"]*)" data-frontier="(true|false)" data-baseline="(true|false)"[^>]*>[\s\S]*?<(circle|polygon) class="marker" (?:cx="([\d.]+)" cy="([\d.]+)"|points="([\d.]+),([\d.]+))/g)].map((m) => ({
    id: unescape(m[1]!),
    frontier: m[2] === 'true',
    baseline: m[3] === 'true',
    // A star's first point is its top tip, straight above the centre (9 px).
    px: Number(m[5] ?? m[7]),
    py: m[6] !== undefined ? Number(m[6]) : Number(m[8]) + 9,
  }));
}

test('nice ticks: 1/2/2.5/5 × 10^k steps covering the range, labelled with the decimals the step needs', () => {
  const labels = (min: number, max: number): string[] => {
    const t = niceTicks(min, max);
    return t.values.map((v) => tickLabel(v, t.decimals));
  };
  assert.deepEqual(labels(0, 1), ['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']);
  assert.deepEqual(labels(680, 4300), ['1000', '2000', '3000', '4000']);
  assert.deepEqual(labels(-0.013, 0.11), ['0.000', '0.025', '0.050', '0.075', '0.100']);
  assert.deepEqual(labels(-7, 12), ['-5', '0', '5', '10']);
  assert.deepEqual(niceTicks(3, 3), { values: [3], decimals: 0 });
});

test('the default axes are the panel\'s: disk size (x) × mean KLD (y), with titles saying which way is better', () => {
  const svg = tradeoffSvg(report());
  assert.match(svg, /<text[^>]*font-size="18"[^>]*>Trade-off: Mean KLD vs Disk size<\/text>/);
  assert.match(svg, /class="x-title"[^>]*>Disk size \(MiB\) — lower is better</);
  assert.match(svg, /class="y-title"[^>]*>Mean KLD \(nats\) — lower is better</);
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="1000" height="640" viewBox="0 0 1000 640"/);
  assert.ok(svg.trimEnd().endsWith('</svg>'));
});

test('points follow the data: x and y order on the page match the values, the frontier is the non-dominated set, dominated ones greyed', () => {
  const r = report();
  for (const [xId, yId] of [['size', 'kld'], ['tpot', 'ppl'], ['throughput', 'sameTop']] as const) {
    const x = metricById(xId)!;
    const y = metricById(yId)!;
    const svg = tradeoffSvg(r, { x: xId, y: yId });
    const drawn = drawnVariants(svg);
    assert.deepEqual(drawn.map((d) => d.id), r.variants.map((v) => v.id));
    const byX = [...r.variants].sort((a, b) => x.value(a)! - x.value(b)!).map((v) => v.id);
    assert.deepEqual([...drawn].sort((a, b) => a.px - b.px).map((d) => d.id), byX, `${xId}: leftmost is the smallest x`);
    const byY = [...r.variants].sort((a, b) => y.value(a)! - y.value(b)!).map((v) => v.id);
    assert.deepEqual([...drawn].sort((a, b) => b.py - a.py).map((d) => d.id), byY, `${yId}: lowest on the page is the smallest y`);
    const frontier = paretoFrontier(r.variants.map((v) => ({ id: v.id, x: x.value(v)!, y: y.value(v)! })), y.higherIsBetter, x.higherIsBetter).map((p) => p.id);
    assert.deepEqual(drawn.filter((d) => d.frontier).map((d) => d.id).sort(), [...frontier].sort());
    assert.match(svg, /<polyline class="frontier"/);
    for (const d of drawn) assert.equal(new RegExp(`data-variant="${escapeXml(d.id)}" data-frontier="false"[^>]* opacity="0.45"`).test(svg), !d.frontier, `${d.id} greyed iff dominated`);
    assert.deepEqual(drawn.filter((d) => d.baseline).map((d) => d.id), [r.baselineId]);
  }
});

test('error bars at ± se where the metric has one: none for disk size, vertical ones for mean KLD of the non-baseline variants', () => {
  const r = report();
  const svg = tradeoffSvg(r);
  assert.equal((svg.match(/class="error-x"/g) ?? []).length, 0);
  assert.equal((svg.match(/class="error-y"/g) ?? []).length, r.variants.filter((v) => !v.isBaseline && (v.kld?.kld.se ?? 0) > 0).length);
  assert.ok(r.variants.filter((v) => !v.isBaseline).every((v) => (v.kld?.kld.se ?? 0) > 0));
});

test('goal bands: the failing side shaded and the threshold dashed, at the threshold in axis units', () => {
  const r = report();
  const q4 = r.variants.find((v) => v.id === 'q4')!;
  q4.goals = [{ metric: 'kld_mean', kind: 'max_degradation', limit: 0.01, higherIsBetter: false, baseline: 0, variant: q4.kld!.kld.mean, threshold: 0.01, degradation: q4.kld!.kld.mean, percentDegradation: null, pass: false, evidence: 'ci', ciBound: 'upper' }];
  const svg = tradeoffSvg(r);
  assert.match(svg, /<g class="goal-band" data-axis="y" data-threshold="0.01" data-fail-side="above">/);
  assert.match(svg, />goal: Mean KLD ≤ 0.01000 nats \(95% CI upper bound\)</);
  assert.match(svg, />goal: failing side</, 'the legend names the band');
});

test('hostile variant ids and run ids are escaped, and characters XML forbids are dropped', () => {
  const r = report();
  r.runId = '</title><script>__pwned(1)</script>';
  r.variants[1]!.id = '<script>__pwned(0)</script>&"\u0000\'';
  const svg = tradeoffSvg(r);
  assert.ok(!/<script/i.test(svg), 'no script element');
  assert.ok(!svg.includes('\u0000'));
  assert.ok(svg.includes('data-variant="&lt;script&gt;__pwned(0)&lt;/script&gt;&amp;&quot;&apos;"'));
  assert.ok(svg.includes('&lt;/title&gt;&lt;script&gt;__pwned(1)&lt;/script&gt;'));
});

test('a run without the chosen quantity falls back as the panel does; variants without a value are named, and a run with nothing to plot says so', () => {
  const r = report();
  for (const v of r.variants) delete v.performance;
  assert.match(tradeoffSvg(r, { x: 'tpot' }), /Trade-off: Mean KLD vs Disk size/);
  // A variant without lockstep results is named, not drawn; the others (baseline at KLD 0) are.
  delete r.variants.find((v) => v.id === 'q4')!.kld;
  const withoutQ4 = tradeoffSvg(r);
  assert.match(withoutQ4, />QuantLens run [^<]* · not plotted \(no value\): q4</);
  assert.deepEqual(drawnVariants(withoutQ4).map((d) => d.id).sort(), ['fp32', 'q8']);
  // Without any lockstep results the baseline has no KLD either (nobody measured one): nothing to plot.
  for (const v of r.variants) {
    delete v.kld;
    delete v.perplexity;
  }
  assert.match(tradeoffSvg(r), /not enough measurements for a trade-off plot yet/);
  assert.match(tradeoffSvg({ ...r, variants: [] }), /not enough measurements for a trade-off plot yet/);
});

test('PNG: sharp rasterizes the same SVG to a PNG of the requested size; SVG bytes are the renderer\'s text', async () => {
  const r = report();
  const png = await plotImage(r, 'png', { width: 800, height: 500 });
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(png.subarray(12, 16).toString('ascii'), 'IHDR');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [800, 500]);
  const defaultPng = await plotImage(r, 'png');
  assert.deepEqual([defaultPng.readUInt32BE(16), defaultPng.readUInt32BE(20)], [1000, 640]);
  assert.equal((await plotImage(r, 'svg', { x: 'tpot', y: 'ppl' })).toString('utf8'), tradeoffSvg(r, { x: 'tpot', y: 'ppl' }));
});

test('the panel\'s image request writes the shared renderer\'s file with the chosen axes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ql-plot-'));
  try {
    const r = report();
    await writePlotImage(join(dir, 'plot.svg'), r, { format: 'svg', x: 'ttft', y: 'rmsDp' });
    assert.equal(readFileSync(join(dir, 'plot.svg'), 'utf8'), tradeoffSvg(r, { x: 'ttft', y: 'rmsDp' }));
    await writePlotImage(join(dir, 'plot.png'), r, { format: 'png', x: 'size', y: 'kld' });
    assert.deepEqual(readFileSync(join(dir, 'plot.png')), await plotImage(r, 'png'));
    await assert.rejects(writePlotImage(join(dir, 'plot.gif'), r, { format: 'gif' as 'png', x: 'size', y: 'kld' }), { message: 'The plot is saved as svg or png, not "gif".' });
    assert.ok(!existsSync(join(dir, 'plot.gif')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

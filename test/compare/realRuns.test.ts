import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { tmpdir } from 'node:os';
import { RUN_EXPORTS } from '../../src/shared/exports';
import { tradeoffSvg } from '../../src/shared/plot/tradeoffSvg';
import { plotImage } from '../../src/node/plotImage';
import type { RunComparison } from '../../src/shared/compare/types';
import { annotationStoreSource, loadRunData } from '../../src/node/runData';
import { rootOfRunFolder } from '../../src/node/runFolder/layout';
import { CLI_SCRIPT, runCli } from '../helpers/engineRun';
import { FixtureRuns, sha256 } from './runPair';

/**
 * Three real CLI runs of a copy of the fixture model: A; B after copying the q4 file over the q8
 * file (a re-quantized variant); C with another generation length (a setting that breaks
 * comparability).
 */
let dir = '';
let runA = '';
let runB = '';
let runC = '';
let q8Sha = '';
let q4Sha = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ql-compare-'));
  const runs = new FixtureRuns(dir);
  q8Sha = sha256(runs.q8File);
  q4Sha = sha256(runs.q4File);
  runA = await runs.evaluate();
  runs.requantizeQ8();
  runB = await runs.evaluate();
  runC = await runs.evaluate(['--max-new-tokens', '8']);
});

after(() => rmSync(dir, { recursive: true, force: true }));

async function compareJson(a: string, b: string): Promise<RunComparison> {
  const cli = await runCli(['compare', a, b, '--json']);
  assert.equal(cli.code, 0, cli.stderr);
  return JSON.parse(cli.stdout) as RunComparison;
}

const metricOf = (c: RunComparison, variantId: string, metric: string) => {
  const found = c.variants.find((v) => v.variantId === variantId)?.metrics.find((m) => m.metric === metric);
  assert.ok(found, `no ${metric} for ${variantId}`);
  return found;
};

test('compare: a re-quantized q8 regresses on PPL and KLD with a paired CI; untouched variants are unchanged', async () => {
  const c = await compareJson(runA, runB);
  const ppl = metricOf(c, 'q8', 'ppl');
  assert.equal(ppl.method, 'paired-bootstrap');
  assert.equal(ppl.pairedOn?.unit, 'windows');
  assert.ok(ppl.pairedOn!.n > 10, `only ${ppl.pairedOn!.n} windows`);
  assert.equal(ppl.verdict, 'regressed');
  assert.ok(ppl.ci!.low > 0 && ppl.ci!.low <= ppl.delta! && ppl.delta! <= ppl.ci!.high, JSON.stringify(ppl));
  // The paired interval is far narrower than the two runs' own standard errors would allow.
  const kld = metricOf(c, 'q8', 'kld_mean');
  assert.equal(kld.verdict, 'regressed');
  assert.equal(kld.method, 'paired-bootstrap');
  assert.equal(metricOf(c, 'q8', 'generation_kld').pairedOn?.unit, 'samples');
  assert.equal(metricOf(c, 'q8', 'generation_kld').verdict, 'regressed');
  assert.equal(metricOf(c, 'q8', 'size_bytes').verdict, 'improved');
  // The baseline and the variants whose files did not change: the same windows give the same numbers.
  for (const id of ['fp32', 'fp16', 'q4']) {
    assert.equal(metricOf(c, id, 'ppl').verdict, 'unchanged', id);
    assert.equal(metricOf(c, id, 'size_bytes').verdict, 'unchanged', id);
  }
  assert.equal(metricOf(c, 'q4', 'kld_mean').verdict, 'unchanged');
  // Timings are compared unpaired (Welch) and judged by direction.
  const tpot = metricOf(c, 'q8', 'tpot_ms');
  assert.equal(tpot.method, 'welch');
  assert.equal(tpot.lowerIsBetter, true);
  assert.ok(['within-noise', 'improved', 'regressed'].includes(tpot.verdict));
  // The run cards differ in exactly the q8 file.
  const fileRows = c.cardDifferences.filter((d) => d.group === 'files');
  assert.deepEqual(
    fileRows.find((d) => d.path === 'variants[q8].files[onnx/model_quantized.onnx].sha256'),
    { group: 'files', path: 'variants[q8].files[onnx/model_quantized.onnx].sha256', a: JSON.stringify(q8Sha), b: JSON.stringify(q4Sha) },
  );
  // The variant's card entry and the spec's content hashes (what resume checks) both name it.
  assert.ok(fileRows.some((d) => d.path === 'spec.modelFiles.variants.q8[onnx/model_quantized.onnx].sha256'), JSON.stringify(fileRows));
  assert.ok(fileRows.every((d) => d.path.startsWith('variants[q8].') || d.path.startsWith('spec.modelFiles.variants.q8[')), JSON.stringify(fileRows));
  assert.deepEqual(c.warnings, []);
  assert.ok(c.comparability.filter((x) => x.scope === 'runs').every((x) => x.status !== 'differs'));
});

test('compare prints the regression with its CI and the changed file hash as a table', async () => {
  const cli = await runCli(['compare', runA, runB]);
  assert.equal(cli.code, 0, cli.stderr);
  const pplLine = cli.stdout.split('\n').find((l) => /^q8\s+PPL\s/.test(l));
  assert.ok(pplLine, cli.stdout);
  assert.match(pplLine, /\[\+[\d.]+, \+[\d.]+\].*paired-bootstrap \(\d+ windows\)\s+regressed$/);
  assert.match(cli.stdout, new RegExp(`variants\\[q8\\]\\.files\\[onnx/model_quantized\\.onnx\\]\\.sha256\\s+"${q8Sha}"\\s+"${q4Sha}"`));
  assert.match(cli.stdout, /Comparability: every check passed\./);
});

test('compare warns when a setting differs between the runs, and pairs nothing it cannot', async () => {
  const c = await compareJson(runA, runC);
  const decoding = c.comparability.find((x) => x.id === 'decoding' && x.scope === 'runs');
  assert.deepEqual(decoding, {
    id: 'decoding',
    title: 'Decoding settings',
    scope: 'runs',
    status: 'differs',
    detail: 'differs between the runs: run A max new tokens 12, greedy, stop at EOS vs run B max new tokens 8, greedy, stop at EOS',
  });
  assert.ok(c.warnings.includes('Decoding settings — differs between the runs: run A max new tokens 12, greedy, stop at EOS vs run B max new tokens 8, greedy, stop at EOS'), c.warnings.join('\n'));
  assert.ok(c.cardDifferences.some((d) => d.group === 'settings' && d.path === 'spec.generation.maxNewTokens' && d.a === '12' && d.b === '8'));
  // sampleKey hashes the decoding settings: no prompt pairs, so generations are compared unpaired.
  const generation = metricOf(c, 'fp16', 'generation_kld');
  assert.equal(generation.method, 'welch');
  assert.equal(generation.note, 'unpaired: no prompt in common (other prompts or decoding settings)');
  const cli = await runCli(['compare', runA, runC]);
  assert.match(cli.stdout, /warning: Decoding settings — differs between the runs: run A max new tokens 12, greedy, stop at EOS vs run B max new tokens 8/);
});

test('every report carries the comparability checklist across its variants', () => {
  const report = JSON.parse(readFileSync(join(runA, 'report.json'), 'utf8')) as { comparability: Array<{ id: string; status: string; detail: string }> };
  assert.deepEqual(report.comparability.map((c) => c.id), ['chat-template', 'decoding', 'sample-counts', 'context-stride', 'seed', 'execution-provider', 'threads']);
  assert.ok(report.comparability.every((c) => c.status === 'same'), JSON.stringify(report.comparability));
  assert.equal(report.comparability.find((c) => c.id === 'context-stride')!.detail, 'context 64, stride 32 for every variant');
});

test('export writes byte for byte what the panel export functions and image buttons write for the same run', async () => {
  const data = loadRunData(runA, annotationStoreSource(rootOfRunFolder(runA)));
  for (const [format, kind] of [['md', 'markdown'], ['csv', 'csv'], ['html', 'html'], ['json', 'json']] as const) {
    const cli = await runCli(['export', runA, '--format', format]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(cli.stdout, RUN_EXPORTS[kind].render(data), format);
  }
  const out = join(dir, 'report.md');
  const written = await runCli(['export', runA, '--format', 'md', '--out', out]);
  assert.equal(written.code, 0);
  assert.equal(readFileSync(out, 'utf8'), RUN_EXPORTS.markdown.render(data));
  // The plot images: the shared renderer's SVG, byte for byte; the PNG sharp makes of it, to a file only.
  const svg = await runCli(['export', runA, '--format', 'svg']);
  assert.equal(svg.code, 0, svg.stderr);
  assert.equal(svg.stdout, tradeoffSvg(data.report!));
  const axes = await runCli(['export', runA, '--format', 'svg', '--x', 'tpot', '--y', 'ppl']);
  assert.equal(axes.stdout, tradeoffSvg(data.report!, { x: 'tpot', y: 'ppl' }));
  const pngFile = join(dir, 'plot.png');
  const png = await runCli(['export', runA, '--format', 'png', '--out', pngFile]);
  assert.equal(png.code, 0, png.stderr);
  assert.equal(png.stdout, '');
  assert.deepEqual(readFileSync(pngFile), await plotImage(data.report!, 'png'));
  // Without --out the PNG goes to tradeoff.png in the working folder, never to stdout.
  const defaultPng = spawnSync(process.execPath, [CLI_SCRIPT, 'export', runA, '--format', 'png', '--x', 'ttft'], { cwd: dir, encoding: 'utf8' });
  assert.equal(defaultPng.status, 0, defaultPng.stderr);
  assert.equal(defaultPng.stdout, '');
  assert.equal(defaultPng.stderr, `Wrote ${join(dir, 'tradeoff.png')}\n`);
  assert.deepEqual(readFileSync(join(dir, 'tradeoff.png')), await plotImage(data.report!, 'png', { x: 'ttft' }));
  const badAxis = await runCli(['export', runA, '--format', 'svg', '--x', 'kld']);
  assert.equal(badAxis.code, 2);
  assert.match(badAxis.stderr, /^error: --x must be one of size, ttft, tpot, throughput, peakRss \(the quantities this run measured\), got "kld"/);
  const badFormat = await runCli(['export', runA, '--format', 'gif']);
  assert.equal(badFormat.code, 2);
  assert.match(badFormat.stderr, /^error: --format must be one of md, markdown, csv, html, json, samples-jsonl, samples-csv, svg, png, got "gif"/);
});

import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readRun } from '../../src/node/runFolder/reader';
import type { PerformanceCell, RunCard, RunReport } from '../../src/shared/report/schema';
import { kvCacheBytes } from '../../src/shared/perf/kvCache';
import { DEMO_CORPUS, runCli, TEST_THREADS, withTempDir } from '../helpers/engineRun';
import { TINY_GQA } from '../helpers/fixtures';
import { validateRunFolder } from '../helpers/validateReport';

const OUTPUT = 4;

function assertStats(label: string, summary: PerformanceCell['tpotMs'], n: number): void {
  assert.ok(summary, `${label}: present`);
  const d = summary;
  assert.equal(d.n, n, `${label}: n`);
  for (const key of ['mean', 'median', 'std', 'p90', 'p99', 'cv'] as const) assert.ok(Number.isFinite(d[key]), `${label}.${key} = ${d[key]}`);
  assert.ok(d.ci95[0] <= d.mean && d.mean <= d.ci95[1], `${label}: CI around the mean`);
}

test('a sweep over batch sizes and concurrency: every cell in report.json with its statistics, memory, KV cache and roofline; the CLI prints the table', async () => {
  const { report, card, stdout, folder } = await withTempDir('ql-sweep-', async (out) => {
    const cli = await runCli(['eval', TINY_GQA, '--measure', 'performance', '--variants', 'q4', '--corpus', DEMO_CORPUS, '--threads', String(TEST_THREADS), '--provider', 'cpu',
      '--perf-inputs', '12', '--perf-outputs', String(OUTPUT), '--batch', '1,3', '--concurrency', '1,2', '--warmups', '1', '--min-iterations', '2', '--rounds', '2', '--out', out], undefined, 120_000);
    assert.equal(cli.code, 0, cli.stderr);
    const runs = join(out, '.quantlens', 'runs');
    const runFolder = join(runs, readdirSync(runs)[0]!);
    validateRunFolder(runFolder);
    const run = readRun(runFolder);
    return { report: run.report as RunReport, card: run.card as RunCard, stdout: cli.stdout, folder: runFolder };
  });
  assert.ok(folder);
  assert.deepEqual(card.spec.performance.sweep, { inputLengths: [12], outputLengths: [OUTPUT], batchSizes: [1, 3], concurrency: [1, 2], minIterations: 2, minSeconds: 0, rounds: 2 });
  assert.match(card.methods.join(' '), /interleaved A B C A B C/);
  assert.deepEqual(report.variants.map((v) => v.id), ['fp32', 'q4']);
  for (const v of report.variants) {
    const perf = v.performance!;
    assert.equal(perf.rounds, 2, 'two probe processes per variant');
    assert.deepEqual(perf.threads, { intraOp: TEST_THREADS, interOp: 1 });
    assert.deepEqual(perf.cells!.map((c) => `${c.batchSize}×${c.concurrency}`), ['1×1', '1×2', '3×1', '3×2']);
    for (const c of perf.cells!) {
      const label = `${v.id} batch ${c.batchSize} conc ${c.concurrency}`;
      // One iteration per round → 2 iterations, each with `concurrency` requests.
      assert.equal(c.iterations, 2, label);
      assertStats(`${label} TPOT`, c.tpotMs, 2 * c.concurrency);
      assertStats(`${label} TTFT`, c.ttftMs, 2 * c.concurrency);
      assertStats(`${label} prefill`, c.prefillMs, 2 * c.concurrency);
      assertStats(`${label} tok/s`, c.outputTokensPerSecond, 2);
      assertStats(`${label} req/s`, c.requestsPerSecond, 2);
      assert.equal(c.itlMs!.n, 2 * c.concurrency * (OUTPUT - 1));
      assert.equal(c.tpotMsByRound.length, 2);
      assert.deepEqual([c.outputLength.min, c.outputLength.max, c.outputLength.drift], [OUTPUT, OUTPUT, false], label);
      // GQA fixture: 3 layers, 2 kv heads of 16, float32 cache.
      assert.equal(c.kvCacheBytes, kvCacheBytes({ layers: 3, kvHeads: 2, headDim: 16 }, 12 + OUTPUT, c.batchSize * c.concurrency, 4), label);
      assert.ok(c.peakRssBytes! > 10e6, `${label}: peak RSS ${c.peakRssBytes}`);
      assert.match(c.gpuMemory!.reason!, /runs on cpu/);
      assert.ok(c.roofline && c.roofline.achievedBytesPerSecond > 0 && c.roofline.flopsPerToken > 0, label);
      if (v.isBaseline) assert.equal(c.vsBaseline, undefined);
      else assert.ok(c.vsBaseline && Number.isFinite(c.vsBaseline.tpotRatio), label);
      // Throughput under load counts every row: Σ tokens / wall ≥ one request's rows × tokens / its own E2E is not guaranteed, but both are positive.
      assert.ok(c.outputTokensPerSecond.mean > 0 && c.requestsPerSecond.mean > 0);
    }
    assert.ok(perf.machine && perf.machine.copyBandwidthBytesPerSecond > 1e8 && perf.machine.matmulFlopsPerSecond! > 1e8, JSON.stringify(perf.machine));
    assert.ok(v.rooflineExplanation && v.rooflineExplanation.startsWith(v.id), v.rooflineExplanation);
    // The headline figures are the first cell's.
    assert.deepEqual(perf.tpotMs, perf.cells![0]!.tpotMs);
  }
  assert.match(report.variants[1]!.rooflineExplanation!, /^q4 reads [\d.]+× fewer bytes per step than fp32/);
  assert.match(stdout, /Performance cells/);
  assert.match(stdout, /TPOT ± 95% CI/);
  assert.equal(stdout.split('\n').filter((l) => /^(fp32 \(baseline\)|q4) +12 +4 +[13] +[12] /.test(l)).length, 8, stdout);
  assert.match(stdout, /^machine: streaming copy [\d.]+ GB\/s/m);
  assert.match(stdout, /^roofline: q4 reads/m);
});

test('quantlens env prints the run card\'s environment and every execution provider with its state', async () => {
  const cli = await runCli(['env']);
  assert.equal(cli.code, 0, cli.stderr);
  for (const key of ['QuantLens', 'OS', 'CPU', 'RAM', 'GPU', 'CUDA (driver)', 'Node', 'onnxruntime-node', 'transformers.js', 'default threads']) assert.match(cli.stdout, new RegExp(`^${key.replace(/[()]/g, '\\$&')} +\\S`, 'm'), key);
  assert.match(cli.stdout, /^ {2}cpu +usable$/m);
  assert.match(cli.stdout, /^ {2}webgpu +(usable|unavailable: .+)$/m);
  assert.match(cli.stdout, /auto tries: .*cpu$/m);
  const json = await runCli(['env', '--json']);
  const parsed = JSON.parse(json.stdout) as { environment: { node: string }; executionProviders: { detected: unknown[] } };
  assert.equal(parsed.environment.node, process.version);
  assert.equal(parsed.executionProviders.detected.length, 6);
});

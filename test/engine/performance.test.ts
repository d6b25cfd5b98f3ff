import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { readRun } from '../../src/node/runFolder/reader';
import type { PerformanceUnitResult, RunReport } from '../../src/shared/report/schema';
import type { DistributionSummary } from '../../src/shared/stats/summary';
import { runWorker, testRequest, withTempDir } from '../helpers/engineRun';
import { TINY_LLAMA } from '../helpers/fixtures';

const WARMUPS = 1;
const REPETITIONS = 2;
const OUTPUT_TOKENS = 6;

function assertTimings(name: string, d: DistributionSummary, n: number): void {
  assert.equal(d.n, n, `${name}: n`);
  for (const key of ['mean', 'median', 'std', 'p90', 'p99', 'min', 'max'] as const) assert.ok(Number.isFinite(d[key]), `${name}.${key} = ${d[key]}`);
  assert.ok(d.min > 0 && d.min <= d.mean && d.mean <= d.max, `${name}: 0 < min ≤ mean ≤ max (${d.min}, ${d.mean}, ${d.max})`);
  assert.ok(d.ci95[0] <= d.mean && d.mean <= d.ci95[1], `${name}: CI around the mean`);
}

test('performance: each variant measured in a fresh process with finite latency, throughput and memory figures', async () => {
  const report = await withTempDir('ql-perf-', async (out) => {
    const request = testRequest(TINY_LLAMA, {
      measures: ['performance'],
      variants: ['q8'],
      performance: { promptTokens: 16, outputTokens: OUTPUT_TOKENS, warmups: WARMUPS, repetitions: REPETITIONS },
    });
    const run = await runWorker(request, out);
    assert.equal(run.outcome.done?.status, 'completed', JSON.stringify(run.messages.filter((m) => m.type === 'error')));
    // The phase runs inside the baseline's unit; each probe step's progress names the variant it measures.
    const probeSteps = run.messages.flatMap((m) => (m.type === 'progress' && m.stage === 'performance' && m.done < m.total - 1 ? [m.variantId] : []));
    assert.deepEqual(probeSteps, ['fp32', 'q8', 'fp32', 'q8'], 'two rounds, the variants interleaved');
    return readRun(run.outcome.runFolder!).report as RunReport;
  });
  assert.deepEqual(report.variants.map((v) => v.id), ['fp32', 'q8']);
  for (const v of report.variants) {
    assert.equal(v.kld, undefined, 'no fidelity measured');
    const perf = v.performance as PerformanceUnitResult;
    assert.ok(perf, `${v.id} has performance figures`);
    assert.equal(perf.executionProvider, 'cpu');
    assert.equal(perf.promptTokens, 16);
    assert.equal(perf.outputTokens, OUTPUT_TOKENS);
    assert.ok(perf.loadMs! > 0 && Number.isFinite(perf.loadMs), `${v.id} loadMs ${perf.loadMs}`);
    assert.ok(perf.peakRssBytes! > 0 && Number.isFinite(perf.peakRssBytes), `${v.id} peak RSS ${perf.peakRssBytes}`);
    assert.ok(perf.highWaterRssBytes! >= perf.peakRssBytes! * 0.5, `${v.id} OS high-water mark ${perf.highWaterRssBytes} vs sampled ${perf.peakRssBytes}`);
    assert.ok(Number.isFinite(perf.sessionRssBytes), `${v.id} session RSS ${perf.sessionRssBytes}`);
    assertTimings(`${v.id} TTFT`, perf.ttftMs, REPETITIONS);
    assertTimings(`${v.id} TPOT`, perf.tpotMs!, REPETITIONS);
    assertTimings(`${v.id} E2E`, perf.e2eMs, REPETITIONS);
    assertTimings(`${v.id} ITL`, perf.itlMs!, REPETITIONS * (OUTPUT_TOKENS - 1));
    assertTimings(`${v.id} tok/s`, perf.outputTokensPerSecond, REPETITIONS);
    assert.ok(perf.e2eMs.min >= perf.ttftMs.min, `${v.id}: E2E ≥ TTFT`);
    // The geometry comes from the config.json summary discovery read (NaN without it).
    for (const cell of perf.cells ?? []) assert.ok(cell.kvCacheBytes! > 0 && Number.isFinite(cell.kvCacheBytes), `${v.id} KV cache bytes ${cell.kvCacheBytes}`);
    assert.ok((perf.cells ?? []).length > 0, `${v.id} has performance cells`);
  }
  const q8 = report.variants.find((v) => v.id === 'q8')!;
  assert.ok(q8.speedup && Object.values(q8.speedup).every((x) => typeof x === "number" && Number.isFinite(x) && x > 0), JSON.stringify(q8.speedup));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import reportSchema from '../../docs/schema/report.schema.json';
import { runServedPerformance } from '../../src/worker/load/servedPerformance';
import type { LoadSweep, RunReport, VariantSummary } from '../../src/shared/report/schema';
import { QUANTITIES } from '../../src/shared/report/quantities';
import { RUN_QUANTITIES } from '../../src/shared/report/runQuantities';
import { sweepRows } from '../../src/shared/perf/sweepTable';
import { servedLines, servedRows } from '../../src/shared/perf/servedTable';
import { FakeLoadTarget, VirtualClock } from './fakeLoadTarget';

const source = { prefix: [1], text: Array.from({ length: 3000 }, (_, i) => 2 + (i % 89)) };

async function servedUnit() {
  const clock = new VirtualClock();
  const target = new FakeLoadTarget(['http://a:1/v1', 'http://b:1/v1'], clock, (i) => (i % 5 === 4 ? { ttftMs: 2, gapsMs: [], error: 'HTTP 502' } : { ttftMs: 20 + (i % 3), gapsMs: [4, 5, 4] }));
  // A rate the server keeps up with: no request ever waits for a slot (queue time all 0), and an SLO no request meets.
  const load: LoadSweep = { requestRates: [20, 'inf'], burstiness: 0.5, requestsPerCell: 10, warmupRequests: 2, passes: 2, seed: 3, fixedLength: true, slos: { ttft: 1 } };
  const unit = await runServedPerformance(target, { variantId: 'q4s', sweep: { inputLengths: [6], outputLengths: [4], concurrency: [16], rounds: 2, load }, warmups: 0, seed: 1 }, source, () => {}, () => false, { clock });
  return unit!;
}

test('a served performance unit is valid against the committed JSON schema, with no NaN turned null on the way', async () => {
  const unit = await servedUnit();
  const json = JSON.parse(JSON.stringify(unit));
  assert.equal(unit.cells![0]!.served!.clientQueueMs!.max, 0, 'the rate cell never queues');
  assert.equal(unit.cells![0]!.served!.goodput!.goodRequests, 0);
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addSchema(reportSchema, 'report');
  const validate = ajv.getSchema('report#/definitions/PerformanceUnitResult')!;
  assert.ok(validate(json), JSON.stringify(validate.errors, null, 1));
  assert.deepEqual(json, unit, 'JSON round trip changes nothing (no NaN or Infinity)');
});

test('the tables, quantities and comparisons read a served unit: the speed figures as in-process, memory and load time absent, not 0', async () => {
  const unit = await servedUnit();
  const variant = { id: 'q4s', dtype: 'q4', isBaseline: false, sizeBytes: 0, sizeRatioToBaseline: 0, performance: unit } as unknown as VariantSummary;
  const quantity = (id: string) => QUANTITIES.find((q) => q.id === id)!;
  assert.equal(quantity('ttft').read(variant)!.value, unit.ttftMs.mean);
  assert.equal(quantity('tpot').read(variant)!.value, unit.tpotMs!.mean);
  assert.equal(quantity('throughput').read(variant)!.value, unit.outputTokensPerSecond.mean);
  assert.equal(quantity('peakRss').read(variant), undefined);
  assert.equal(quantity('loadTime').read(variant), undefined);
  const peak = RUN_QUANTITIES.find((q) => q.name === 'peak_rss')!;
  assert.match(String(peak.read(variant, { ...variant, id: 'fp32', isBaseline: true, performance: { ...unit, executionProvider: 'cpu', peakRssBytes: 5e8 } } as VariantSummary)), /no peak RSS for q4s \(a served variant/);
  const rows = sweepRows({ variants: [variant] } as unknown as RunReport);
  assert.equal(rows.length, 2);
  // variant, in, out, batch, conc, n, prefill, TTFT, TPOT, CV, tok/s, req/s, peak RSS, KV cache, vs base, flags
  assert.deepEqual([rows[0]![4], rows[0]![5], rows[0]![6], rows[0]![12], rows[0]![13]], ['16', '32', '—', '—', '—']);
  assert.match(rows[0]![15]!, new RegExp(`${unit.cells![0]!.served!.failed} failed`));
  assert.ok(unit.cells![0]!.served!.failed > 0);
  const served = servedRows({ variants: [variant] } as unknown as RunReport);
  const c0 = unit.cells![0]!.served!;
  // variant, in, out, conc, rate, burstiness, sent, failed, TTFT p99, ITL p99, E2E mean, E2E p99, req/s, out tok/s, goodput, good, queue p99, length
  assert.deepEqual([served[0]![3], served[0]![4], served[0]![5], served[0]![6], served[0]![7], served[0]![14], served[0]![15], served[0]![16], served[0]![17]], ['16', '20/s', '0.5', '32', String(c0.failed), '0', '0%', '0.00 ms', 'fixed']);
  assert.deepEqual([served[1]![4], served[1]![5]], ['inf', '—']);
  const lines = servedLines({ variants: [variant] } as unknown as RunReport).join('\n');
  assert.match(lines, /q4s: served at http:\/\/a:1, http:\/\/b:1; SLOs ttft ≤ 1 ms; 2 passes per cell, 2 warmups/);
  assert.match(lines, /timed requests failed after their retries/);
  assert.match(lines, /definitions: vLLM's `vllm bench serve`/);
});

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { MachineProbe, PerformanceUnitResult } from '../../src/shared/report/schema';
import { summarizeDistribution } from '../../src/shared/stats/summary';
import type { ModelGeometry } from '../../src/shared/perf/kvCache';
import { explainRoofline, flopsPerToken, meanDecodeContext, rooflineFigures, weightBytesPerStep } from '../../src/shared/perf/roofline';
import { assertClose } from '../stats/approx';

// A hand model: vocab 100, hidden 8, 2 layers, 2 heads of 4 (kv heads 2), untied embeddings.
const G: ModelGeometry = { layers: 2, heads: 2, kvHeads: 2, headDim: 4, hiddenSize: 8, vocabSize: 100, tiedEmbeddings: false };
// fp32: embedding 100·8·4 = 3200 B, other weights 1000 floats = 4000 B; int64 shape constants 80 B.
const FP32 = { initializerDtypes: { float32: { count: 10, bytes: 7200 }, int64: { count: 5, bytes: 80 } }, parameterCount: 1800 };
// q4: the same embedding in float32 (3200 B) + 16 B of norms, 1000 weights packed into 500 B.
const Q4 = { initializerDtypes: { float32: { count: 4, bytes: 3216 }, uint8: { count: 6, bytes: 500 }, int64: { count: 5, bytes: 80 } }, parameterCount: 1800 };
const MACHINE: MachineProbe = { copyBandwidthBytesPerSecond: 10e9, copyThreads: 2, copyBytes: 1, matmulFlopsPerSecond: 100e9, matmulSize: 512, provider: 'cpu', lastLevelCacheBytes: null, probeMs: 1 };

test('weight bytes per step: initializers without shape constants, the embedding table replaced by one row', () => {
  // 7200 − 3200 + one row of 8 floats (32 B) = 4032
  assert.deepEqual(weightBytesPerStep(FP32, G), { bytes: 4032, embeddingBytesExcluded: 3168 });
  // 3216 + 500 − 3200 + 32 = 548
  assert.deepEqual(weightBytesPerStep(Q4, G), { bytes: 548, embeddingBytesExcluded: 3168 });
  // Tied embeddings are read whole by lm_head: nothing is left out.
  assert.deepEqual(weightBytesPerStep(FP32, { ...G, tiedEmbeddings: true }), { bytes: 7200, embeddingBytesExcluded: 0 });
});

test('weight bytes per step from the graph: tables only gathers read count one row, whatever the config says', () => {
  // A tied model exported with lm_head as its own copy (SmolLM2's layout): the config says tied, but
  // the Gather's table (3200 B, 100 rows) is read one row a step and lm_head's copy in full.
  const twoCopies = { ...FP32, initializerDtypes: { float32: { count: 11, bytes: 10400 } }, parameterCount: 2600, gatherOnlyTables: [{ name: 'embed', bytes: 3200, rows: 100, parameters: 800 }] };
  // 10400 − (3200 − 32) = 7232
  assert.deepEqual(weightBytesPerStep(twoCopies, { ...G, tiedEmbeddings: true }), { bytes: 7232, embeddingBytesExcluded: 3168 });
  // One shared table that lm_head also reads: the graph lists no gather-only table, all is read.
  assert.deepEqual(weightBytesPerStep({ ...FP32, gatherOnlyTables: [] }, { ...G, tiedEmbeddings: true }), { bytes: 7200, embeddingBytesExcluded: 0 });
  // FLOPs leave out exactly the gathered parameters: 2 · (2600 − 800) + 1280 = 4880.
  const figures = rooflineFigures({ signature: twoCopies, geometry: { ...G, tiedEmbeddings: true }, kvElementBytes: 4, workload: { inputTokens: 16, outputTokens: 8, batchSize: 1, concurrency: 1 }, tpotMs: 1, machine: undefined });
  assert.equal(figures.flopsPerToken, 4880);
  assert.equal(figures.weightBytesPerStep, 7232);
});

test('FLOPs per token: 2 × (parameters − embedding) + 4 × layers × heads × head dim × context', () => {
  // 2 · (1800 − 800) + 4 · 2 · 2 · 4 · 20 = 2000 + 1280 = 3280
  assert.equal(flopsPerToken(1800, G, 20), 3280);
  assert.equal(meanDecodeContext({ inputTokens: 16, outputTokens: 8 }), 20);
  assert.equal(meanDecodeContext({ inputTokens: 16, outputTokens: 1 }), 16);
});

test('roofline arithmetic on a hand case: achieved bytes/s and FLOP/s and their fractions of the measured peaks', () => {
  // Input 16, output 8 → context 20; batch 2, concurrency 1; TPOT 0.5 ms → 2000 steps/s.
  // KV read per step: 2 · 2 · 2 · 4 · 20 · 2 rows · 4 B = 5120 B. Bytes/step 4032 + 5120 = 9152 → 18.304 MB/s.
  // FLOP/s: 2000 steps · 2 rows · 3280 = 13.12 MFLOP/s.
  const r = rooflineFigures({ signature: FP32, geometry: G, kvElementBytes: 4, workload: { inputTokens: 16, outputTokens: 8, batchSize: 2, concurrency: 1 }, tpotMs: 0.5, machine: MACHINE });
  assert.equal(r.kvBytesPerStep, 5120);
  assert.equal(r.meanContext, 20);
  assertClose(r.achievedBytesPerSecond, 18_304_000, 1e-6, 'bytes/s');
  assertClose(r.achievedFlopsPerSecond, 13_120_000, 1e-6, 'FLOP/s');
  assertClose(r.bandwidthFraction!, 18_304_000 / 10e9, 1e-15, 'bandwidth fraction');
  assertClose(r.flopsFraction!, 13_120_000 / 100e9, 1e-15, 'FLOP fraction');
  // Two requests in flight each at TPOT 1 ms: still 2000 steps/s.
  const c = rooflineFigures({ signature: FP32, geometry: G, kvElementBytes: 4, workload: { inputTokens: 16, outputTokens: 8, batchSize: 2, concurrency: 2 }, tpotMs: 1, machine: MACHINE });
  assertClose(c.achievedBytesPerSecond, r.achievedBytesPerSecond, 1e-6, 'concurrency: same step rate');
  // On a GPU the host copy probe is no ceiling.
  assert.equal(rooflineFigures({ signature: FP32, geometry: G, kvElementBytes: 4, workload: { inputTokens: 16, outputTokens: 8, batchSize: 1, concurrency: 1 }, tpotMs: 1, machine: { ...MACHINE, provider: 'cuda' } }).bandwidthFraction, null);
});

function perf(tpot: number, bandwidthFraction: number, signature: typeof FP32): PerformanceUnitResult {
  const roofline = rooflineFigures({ signature, geometry: G, kvElementBytes: 4, workload: { inputTokens: 16, outputTokens: 8, batchSize: 1, concurrency: 1 }, tpotMs: tpot, machine: MACHINE });
  return { tpotMs: { ...summarizeDistribution([tpot]) }, roofline: { ...roofline, bandwidthFraction, flopsFraction: 0.01 } } as unknown as PerformanceUnitResult;
}

test('the roofline sentence says which way the bytes and the speed went, and why', () => {
  const base = perf(1, 0.6, FP32);
  assert.match(explainRoofline('fp32', base, 'fp32', base, undefined)!, /^fp32 reaches 60\.0% of the measured copy bandwidth .*memory-bandwidth-bound/);
  // Bytes per step fp32 4032 + 2560 = 6592; q4 548 + 2560 = 3108 → 2.1× fewer.
  assert.match(explainRoofline('q4', perf(0.5, 0.6, Q4), 'fp32', base, true)!, /^q4 reads 2\.1× fewer bytes per step than fp32 and runs 2\.0× faster: speed follows bytes/);
  assert.match(explainRoofline('q4', perf(0.8, 0.3, Q4), 'fp32', base, true)!, /but runs 1\.3× faster: dequantisation-bound/);
  assert.match(explainRoofline('q4', perf(1.2, 0.02, Q4), 'fp32', perf(1, 0.05, FP32), false)!, /but runs 1\.2× slower \(the speed difference is within the noise at 95%\): at 2\.0% .* overhead-bound/);
  // Bytes that fit in the last-level cache: the sentence says the traffic is cache traffic, not DRAM.
  const cached = { ...perf(0.5, 0.6, Q4), machine: { ...MACHINE, lastLevelCacheBytes: 1024 * 1024 } } as PerformanceUnitResult;
  assert.match(explainRoofline('q4', cached, 'fp32', base, true)!, /speed follows bytes, so decoding is bound by memory traffic — cache traffic, not DRAM, on this machine \(its 3\.0 KiB per step fit in the 1\.0 MiB last-level cache\)\.$/);
  assert.match(explainRoofline('fp32', { ...base, machine: cached.machine } as PerformanceUnitResult, 'fp32', base, undefined)!, /fit in the 1\.0 MiB last-level cache\)\.$/);
});

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { latencyFigures } from '../../src/worker/passes/performancePass';
import { assertClose } from './approx';

// Timestamps in ms. vLLM's definitions (vllm/benchmarks/serve.py; docs/metrics.md, "Latency and throughput"):
// TTFT = first token − start; E2E = last token − start; TPOT = (E2E − TTFT)/(N − 1) only when N > 1;
// ITL = every gap between consecutive tokens, pooled across requests.
const REQUESTS = [
  // TTFT 100, E2E 170, TPOT 70/3, gaps 20 30 20, 4 tokens / 0.170 s
  { startedAtMs: 0, tokenTimesMs: [100, 120, 150, 170] },
  // TTFT 50, E2E 50, one token: no TPOT, no gap; 1 / 0.050 s
  { startedAtMs: 1000, tokenTimesMs: [1050] },
  // TTFT 80, E2E 100, TPOT 20, gap 20; 2 / 0.100 s
  { startedAtMs: 2000, tokenTimesMs: [2080, 2100] },
  // No token at all: left out of every figure.
  { startedAtMs: 3000, tokenTimesMs: [] },
];

test('latencyFigures: TTFT, E2E and TPOT per request by the vLLM definitions', () => {
  const f = latencyFigures(REQUESTS);
  assert.equal(f.ttftMs.n, 3);
  assertClose(f.ttftMs.mean, (100 + 50 + 80) / 3, 1e-12, 'TTFT mean');
  assert.equal(f.ttftMs.median, 80);
  assert.equal(f.ttftMs.min, 50);
  assert.equal(f.ttftMs.max, 100);

  assert.equal(f.e2eMs.n, 3);
  assertClose(f.e2eMs.mean, (170 + 50 + 100) / 3, 1e-12, 'E2E mean');
  assert.equal(f.e2eMs.max, 170);

  // Only the two requests with more than one token have a TPOT.
  assert.equal(f.tpotMs!.n, 2);
  assertClose(f.tpotMs!.min, 20, 1e-12, 'TPOT of request 3');
  assertClose(f.tpotMs!.max, 70 / 3, 1e-12, 'TPOT of request 1');
  assertClose(f.tpotMs!.mean, (70 / 3 + 20) / 2, 1e-12, 'TPOT mean');
});

test('latencyFigures: ITL pools every inter-token gap across requests', () => {
  const f = latencyFigures(REQUESTS);
  // gaps 20 30 20 (request 1) and 20 (request 3): sorted 20 20 20 30
  assert.equal(f.itlMs!.n, 4);
  assertClose(f.itlMs!.mean, 22.5, 1e-12, 'ITL mean');
  assert.equal(f.itlMs!.median, 20);
  // p90 at 0.9·3 = 2.7 → 20 + 0.7·10
  assertClose(f.itlMs!.p90, 27, 1e-12, 'ITL p90');
  // sample std: deviations −2.5 −2.5 −2.5 7.5 → Σ = 75, /3 = 25 → 5
  assertClose(f.itlMs!.std, 5, 1e-12, 'ITL std');
  // ITL is not TPOT: TPOT averages per request, ITL weights every gap equally.
  assert.notEqual(f.itlMs!.mean, f.tpotMs!.mean);
});

test('latencyFigures: output tokens per second per request = N / E2E', () => {
  const f = latencyFigures(REQUESTS);
  assert.equal(f.outputTokensPerSecond.n, 3);
  assertClose(f.outputTokensPerSecond.max, 4 / 0.17, 1e-9, 'request 1');
  assertClose(f.outputTokensPerSecond.min, 20, 1e-9, 'requests 2 and 3');
  assertClose(f.outputTokensPerSecond.mean, (4 / 0.17 + 20 + 20) / 3, 1e-9, 'mean');
});


test('latencyFigures: requests of one token (prefill only) have no TPOT or ITL: null, not NaN', () => {
  const f = latencyFigures([{ startedAtMs: 0, tokenTimesMs: [12] }, { startedAtMs: 100, tokenTimesMs: [110] }]);
  assert.equal(f.ttftMs.n, 2);
  assertClose(f.ttftMs.mean, 11, 1e-12, 'TTFT mean');
  assert.equal(f.tpotMs, null);
  assert.equal(f.itlMs, null);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runServedPerformance, ServedPerformanceSpec } from '../../src/worker/load/servedPerformance';
import type { LoadSweep } from '../../src/shared/report/schema';
import { cellFlags } from '../../src/shared/perf/sweepTable';
import { FakeAnswer, FakeLoadTarget, VirtualClock } from './fakeLoadTarget';

const source = { prefix: [1], text: Array.from({ length: 5000 }, (_, i) => 2 + (i % 97)) };
const close = (actual: number, expected: number, what: string, tol = 1e-9): void => assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${what}: ${actual} ≠ ${expected}`);

function spec(load: Partial<LoadSweep>, sweep: Partial<ServedPerformanceSpec['sweep']> = {}): ServedPerformanceSpec {
  return {
    variantId: 'q4s',
    sweep: { inputLengths: [8], outputLengths: [4], concurrency: [1], rounds: 1, ...sweep, load: { warmupRequests: 0, passes: 1, ...load } as LoadSweep },
    warmups: 0,
    seed: 7,
  };
}

async function run(target: FakeLoadTarget, clock: VirtualClock, s: ServedPerformanceSpec) {
  const result = await runServedPerformance(target, s, source, () => {}, () => false, { clock });
  assert.ok(result, 'not stopped');
  return result;
}

test('TTFT, TPOT, ITL, E2E, throughput and goodput equal the hand-computed values (vLLM definitions)', async () => {
  const clock = new VirtualClock();
  // Request i: first token after 10·(i+1) ms, then chunks 1, 2, 3 ms apart (4 tokens).
  const target = new FakeLoadTarget(['http://127.0.0.1:9/v1'], clock, (i) => ({ ttftMs: 10 * (i + 1), gapsMs: [1, 2, 3] }));
  const result = await run(target, clock, spec({ requestsPerCell: 3, slos: { ttft: 25, tpot: 2 } }));
  const cell = result.cells![0]!;
  // Concurrency 1, all arrive at 0: sent at 0, 16, 42; done at 16, 42, 78.
  assert.deepEqual([cell.ttftMs.n, cell.ttftMs.mean, cell.ttftMs.median, cell.ttftMs.std], [3, 20, 20, 10]);
  close(cell.ttftMs.p90, 28, 'TTFT p90');
  close(cell.ttftMs.p99, 29.8, 'TTFT p99');
  close(cell.ttftMs.ci95[1] - 20, 4.303 * 10 / Math.sqrt(3), 'TTFT CI half-width');
  assert.deepEqual([cell.e2eMs.mean, cell.e2eMs.min, cell.e2eMs.max], [26, 16, 36]);
  assert.deepEqual([cell.tpotMs!.n, cell.tpotMs!.mean, cell.tpotMs!.std], [3, 2, 0]); // (16 − 10)/3, (26 − 20)/3, (36 − 30)/3
  assert.deepEqual([cell.itlMs!.n, cell.itlMs!.mean, cell.itlMs!.median, cell.itlMs!.max], [9, 2, 2, 3]);
  const served = cell.served!;
  close(cell.seconds, 0.078, 'duration');
  close(served.requestThroughput, 3 / 0.078, 'request throughput');
  close(served.outputThroughput, 12 / 0.078, 'output throughput');
  close(served.totalTokenThroughput, (12 + 24) / 0.078, 'total token throughput');
  close(cell.outputTokensPerSecond.mean, 12 / 0.078, 'tok/s of the one pass');
  assert.deepEqual(served.clientQueueMs && [served.clientQueueMs.min, served.clientQueueMs.median, served.clientQueueMs.max], [0, 16, 42]);
  // ttft ≤ 25 and tpot ≤ 2: requests 0 and 1.
  assert.equal(served.goodput!.goodRequests, 2);
  close(served.goodput!.requestGoodput, 2 / 0.078, 'goodput');
  close(served.goodput!.goodShare, 2 / 3, 'good share');
  assert.deepEqual([served.requests, served.completed, served.failed, served.peakInFlight], [3, 3, 0, 1]);
  assert.deepEqual(cell.outputLength, { expected: 4, min: 4, max: 4, drift: false, eosBeforeEnd: null, medianEosIndex: null });
  // What a server cannot give is null, never 0.
  assert.deepEqual([result.loadMs, result.peakRssBytes, result.sessionRssBytes, cell.peakRssBytes, cell.kvCacheBytes, cell.prefillMs], [null, null, null, null, null, null]);
  assert.equal(result.executionProvider, 'served');
  assert.match(result.served!.definitions.tpot, /\(E2E − TTFT\) \/ \(output tokens − 1\)/);
  // Every request had exactly 8 prompt tokens, each its own slice.
  assert.ok(target.requests.every((r) => r.promptTokens.length === 8 && r.outputTokens === 4 && r.fixedLength));
  assert.equal(new Set(target.requests.map((r) => r.promptTokens.join())).size, 3);
});

test('a chunk carrying several tokens is one ITL gap; TPOT divides by the output tokens; e2el SLO and a one-token request count as vLLM does', async () => {
  const clock = new VirtualClock();
  const answers: FakeAnswer[] = [
    { ttftMs: 5, gapsMs: [6], chunkTokens: [1, 3] }, // TTFT 5, E2E 11, TPOT 6/3 = 2, ITL [6]
    { ttftMs: 40, gapsMs: [], chunkTokens: [1], fixedLengthHonoured: true, outputTokens: 1 }, // one token: no TPOT, TPOT 0 for goodput
  ];
  const target = new FakeLoadTarget(['http://h:1/v1'], clock, (i) => answers[i]!);
  const result = await run(target, clock, spec({ requestsPerCell: 2, fixedLength: false, slos: { e2el: 20, tpot: 1.5 } }, { outputLengths: [4] }));
  const cell = result.cells![0]!;
  assert.deepEqual([cell.ttftMs.min, cell.ttftMs.max], [5, 40]);
  assert.deepEqual([cell.tpotMs!.n, cell.tpotMs!.mean], [1, 2]);
  assert.deepEqual([cell.itlMs!.n, cell.itlMs!.mean], [1, 6]);
  assert.deepEqual([cell.e2eMs.min, cell.e2eMs.max], [11, 40]);
  // Request 0 misses tpot ≤ 1.5; request 1 has TPOT 0 but misses e2el ≤ 20.
  assert.equal(cell.served!.goodput!.goodRequests, 0);
  // Not asked for a fixed length: nothing flagged, but the lengths drift.
  assert.deepEqual(cell.served!.fixedLength, { asked: false, honoured: true, notHonouredRequests: 0 });
  assert.equal(cell.outputLength.drift, true);
  assert.deepEqual([cell.outputLength.min, cell.outputLength.max], [1, 4]);
});

test('failed requests (error or throw or no token) are counted, listed, left out of every latency figure and of goodput', async () => {
  const clock = new VirtualClock();
  const target = new FakeLoadTarget(['http://a:1/v1', 'http://b:2/v1'], clock, (i) =>
    i === 1 ? { ttftMs: 3, gapsMs: [], error: 'HTTP 500 from http://b:2/v1/completions: boom' }
    : i === 2 ? { ttftMs: 3, gapsMs: [], throws: 'socket hang up' }
    : i === 3 ? { ttftMs: 3, gapsMs: [], chunkTokens: [], outputTokens: 0 }
    : { ttftMs: 10, gapsMs: [1, 1, 1] });
  // The fake's "no token" answer still stamps one chunk; make request 3 carry none by overriding below.
  const original = target.streamRequest.bind(target);
  target.streamRequest = async (req, signal) => {
    const index = target.requests.length;
    const r = await original(req, signal);
    return index === 3 ? { ...r, chunkTimesMs: [], chunkTokens: [] } : r;
  };
  const result = await run(target, clock, spec({ requestsPerCell: 6, slos: { ttft: 1000 } }, { concurrency: [2] }));
  const served = result.cells![0]!.served!;
  assert.deepEqual([served.requests, served.completed, served.failed], [6, 3, 3]);
  assert.equal(result.cells![0]!.ttftMs.n, 3);
  assert.equal(served.goodput!.goodRequests, 3);
  close(served.goodput!.goodShare, 0.5, 'good share counts failed requests as not good');
  assert.deepEqual(served.errors.map((e) => e.message).sort(), ['HTTP 500 from http://b:2/v1/completions: boom', 'socket hang up', 'the stream ended without a token-carrying chunk']);
  // Requests alternate a, b, a, b, …: request 1 and 3 went to b, request 2 to a.
  assert.deepEqual(served.replicas, [{ host: 'http://a:1', requests: 3, failed: 1 }, { host: 'http://b:2', requests: 3, failed: 2 }]);
  assert.equal(result.served!.failed, 3);
  assert.ok(result.served!.notes.some((n) => /3 of 6 timed requests failed/.test(n)));
  assert.match(cellFlags(result.cells![0]!), /3 failed/);
});

test('a cell whose every request failed is an error naming the variant, its host and the server error', async () => {
  const clock = new VirtualClock();
  const target = new FakeLoadTarget(['http://user:secret@gpu-1:8000/v1'], clock, () => ({ ttftMs: 1, gapsMs: [], error: 'HTTP 503: overloaded' }));
  await assert.rejects(runServedPerformance(target, spec({ requestsPerCell: 2 }), source, () => {}, () => false, { clock }), (e: Error) => {
    assert.match(e.message, /^q4s \(http:\/\/gpu-1:8000\): every one of the 2 requests at in 8 · out 4 · conc 1 · rate inf failed \(HTTP 503: overloaded\)/);
    assert.doesNotMatch(e.message, /secret/);
    return true;
  });
});

test('warmups are untimed and spread over the replicas; every warmup failing stops the unit with the server error', async () => {
  const clock = new VirtualClock();
  const target = new FakeLoadTarget(['http://a:1/v1', 'http://b:1/v1'], clock, () => ({ ttftMs: 2, gapsMs: [1, 1, 1] }));
  const result = await run(target, clock, spec({ requestsPerCell: 3, warmupRequests: 4 }));
  assert.equal(target.requests.length, 7);
  assert.deepEqual(target.requests.slice(0, 4).map((r) => r.replica), [0, 1, 0, 1]);
  assert.equal(result.cells![0]!.served!.requests, 3);
  assert.equal(result.cells![0]!.ttftMs.n, 3);
  const dead = new FakeLoadTarget(['http://a:1/v1'], clock, () => ({ ttftMs: 1, gapsMs: [], throws: 'connect ECONNREFUSED 127.0.0.1:1' }));
  await assert.rejects(runServedPerformance(dead, spec({ requestsPerCell: 3, warmupRequests: 2 }), source, () => {}, () => false, { clock }), /every warmup request failed \(connect ECONNREFUSED/);
});

test('a server that does not honour the fixed length is flagged in the cell, the unit and the table', async () => {
  const clock = new VirtualClock();
  const target = new FakeLoadTarget(['http://h:1/v1'], clock, (i) => (i === 0 ? { ttftMs: 2, gapsMs: [1, 1, 1], fixedLengthHonoured: false } : { ttftMs: 2, gapsMs: [1, 1] }));
  const result = await run(target, clock, spec({ requestsPerCell: 2 }));
  const cell = result.cells![0]!;
  assert.deepEqual(cell.served!.fixedLength, { asked: true, honoured: false, notHonouredRequests: 2 });
  assert.equal(result.served!.fixedLengthHonoured, false);
  assert.ok(result.served!.notes.some((n) => /did not honour the fixed output length/.test(n)));
  assert.match(cellFlags(cell), /fixed length not honoured/);
  assert.equal(cell.outputLength.drift, true);
});

test('the concurrency cap is never exceeded, and reached; queued requests wait for a slot', async () => {
  for (const concurrency of [1, 4, 16]) {
    const clock = new VirtualClock();
    const target = new FakeLoadTarget(['http://h:1/v1'], clock, (i) => ({ ttftMs: 3 + (i * 7) % 11, gapsMs: [1 + (i % 3), 2, 1] }));
    const result = await run(target, clock, spec({ requestsPerCell: 40 }, { concurrency: [concurrency] }));
    const served = result.cells![0]!.served!;
    assert.equal(target.maxInFlight, concurrency, `at most ${concurrency} in flight at the target`);
    assert.equal(served.peakInFlight, concurrency);
    assert.equal(result.cells![0]!.concurrency, concurrency);
    assert.equal(served.completed, 40);
    // With everything arriving at once, the first `concurrency` requests wait for nothing.
    assert.equal(served.clientQueueMs!.min, 0);
  }
  // With a request rate too, the cap still holds: 10 req/s evenly, each request 250 ms, cap 2.
  const clock = new VirtualClock();
  const target = new FakeLoadTarget(['http://h:1/v1'], clock, () => ({ ttftMs: 100, gapsMs: [50, 50, 50] }));
  const result = await run(target, clock, spec({ requestsPerCell: 10, requestRates: [10], burstiness: Infinity }, { concurrency: [2] }));
  assert.equal(target.maxInFlight, 2);
  // Arrivals at 100, 200, …, 1000 ms; two slots of 250 ms: sent at 100, 200, 350, 450, 600, 700, 850, 950, 1100, 1200.
  const served = result.cells![0]!.served!;
  close(result.cells![0]!.seconds, 1.45, 'duration: last request done at 1450 ms');
  assert.equal(served.clientQueueMs!.max, 200);
  assert.equal(served.requestRate, 10);
});

test('passes give throughput one value each; cells are input × output × concurrency × rate; progress reaches the total', async () => {
  const clock = new VirtualClock();
  const target = new FakeLoadTarget(['http://h:1/v1'], clock, () => ({ ttftMs: 4, gapsMs: [2, 2, 2] }));
  const seen: Array<[number, number]> = [];
  const result = await runServedPerformance(target, spec({ requestsPerCell: 4, passes: 3, requestRates: ['inf', 50] }, { concurrency: [1, 2] }), source, (d, t) => seen.push([d, t]), () => false, { clock });
  const cells = result!.cells!;
  assert.deepEqual(cells.map((c) => [c.concurrency, c.served!.requestRate]), [[1, 'inf'], [1, 50], [2, 'inf'], [2, 50]]);
  for (const c of cells) {
    assert.equal(c.outputTokensPerSecond.n, 3);
    assert.equal(c.requestsPerSecond.n, 3);
    assert.equal(c.tpotMsByRound.length, 3);
    assert.equal(c.ttftMs.n, 12);
  }
  // Concurrency 1, all at once: each pass is 4 requests of 10 ms → 16 tokens / 40 ms.
  close(cells[0]!.outputTokensPerSecond.mean, 400, 'tok/s');
  assert.equal(cells[0]!.outputTokensPerSecond.std, 0);
  assert.deepEqual(seen.at(-1), [48, 48]);
  assert.equal(result!.rounds, 3);
  assert.equal(result!.promptTokens, 8);
});

test('shouldStop ends the unit with null after the pass in progress', async () => {
  const clock = new VirtualClock();
  const target = new FakeLoadTarget(['http://h:1/v1'], clock, () => ({ ttftMs: 4, gapsMs: [2, 2, 2] }));
  let stop = false;
  const result = await runServedPerformance(target, spec({ requestsPerCell: 4, passes: 5 }), source, (done) => { if (done >= 1) stop = true; }, () => stop, { clock });
  assert.equal(result, null);
  assert.ok(target.requests.length < 20, `${target.requests.length} requests sent before stopping`);
});

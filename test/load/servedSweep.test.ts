import { test } from 'node:test';
import assert from 'node:assert/strict';
import trainingText from '../../src/modelmaker/data/train.txt';
import { discoverEndpoint } from '../../src/node/endpoint/discover';
import { startServe } from '../../src/serve/startServe';
import { EndpointBackend } from '../../src/worker/backend/endpointBackend';
import { loadTokenizer } from '../../src/worker/backend/tokenizer';
import { promptSource } from '../../src/worker/inputs/exactLengthPrompts';
import { runServedPerformance } from '../../src/worker/load/servedPerformance';
import { TINY_LLAMA } from '../helpers/fixtures';

interface Timing { endpoint: string; stream: boolean; promptTokens: number; outputTokens: number; status: string }

async function log(baseUrl: string): Promise<Timing[]> {
  const response = await fetch(new URL('/quantlens/requests?limit=1000', baseUrl));
  return ((await response.json()) as { requests: Timing[] }).requests.filter((t) => t.stream && t.endpoint.includes('completions'));
}

test('the sweep over real sockets: two quantlens serve replicas share the load round-robin, every request has the exact lengths, the cap holds', async () => {
  const replicas = [await startServe({ modelFolder: TINY_LLAMA, variantId: 'q4', threads: 1 }), await startServe({ modelFolder: TINY_LLAMA, variantId: 'q4', threads: 1 })];
  try {
    const tokenizer = await loadTokenizer(TINY_LLAMA, undefined);
    const variant = await discoverEndpoint({ name: 'q4s', baseUrls: replicas.map((r) => r.baseUrl) }, {});
    const backend = await EndpointBackend.load({ variant, tokenizer, eosTokenIds: tokenizer.eosTokenIds, agreementTexts: [trainingText.slice(0, 200)], warn: () => {}, env: {} });
    const before = await Promise.all(replicas.map((r) => log(r.baseUrl)));
    const unit = await runServedPerformance(backend, {
      variantId: 'q4s',
      sweep: { inputLengths: [12], outputLengths: [6], concurrency: [1, 4], rounds: 1, load: { requestRates: ['inf'], burstiness: 1, requestsPerCell: 8, warmupRequests: 2, passes: 1, seed: 1, fixedLength: true, slos: { ttft: 60_000 } } },
      warmups: 0,
      seed: 1,
    }, promptSource(tokenizer, trainingText, 12), () => {}, () => false);
    assert.ok(unit);
    assert.deepEqual(unit.served!.hosts, replicas.map((r) => new URL(r.baseUrl).origin));
    for (const cell of unit.cells!) {
      const s = cell.served!;
      assert.deepEqual([s.requests, s.completed, s.failed], [8, 8, 0], JSON.stringify(s.errors));
      assert.deepEqual(s.replicas.map((r) => r.requests), [4, 4]);
      assert.ok(s.peakInFlight <= cell.concurrency && s.peakInFlight >= 1);
      assert.deepEqual(s.fixedLength, { asked: true, honoured: true, notHonouredRequests: 0 });
      assert.deepEqual([cell.outputLength.min, cell.outputLength.max], [6, 6]);
      assert.equal(cell.tpotMs!.n, 8);
      assert.ok(cell.ttftMs.min > 0 && cell.e2eMs.min >= cell.ttftMs.min, 'E2E ≥ TTFT');
      assert.equal(s.goodput!.goodRequests, 8);
    }
    assert.equal(unit.cells![1]!.served!.peakInFlight, 4);
    // Each server saw its half of the 2 × (2 warmups + 8 timed) requests, each of exactly 12 prompt and 6 output tokens.
    const after = await Promise.all(replicas.map((r) => log(r.baseUrl)));
    for (const [i, entries] of after.entries()) {
      const fresh = entries.slice(before[i]!.length);
      assert.equal(fresh.length, 10, `replica ${i}`);
      assert.ok(fresh.every((t) => t.status === 'ok' && t.promptTokens === 12 && t.outputTokens === 6), JSON.stringify(fresh[0]));
    }
  } finally {
    await Promise.all(replicas.map((r) => r.close()));
  }
});

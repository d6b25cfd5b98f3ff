import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { inspectModelFolder } from '../../src/node/discovery';
import { discoverEndpoint } from '../../src/node/endpoint/discover';
import { startServe } from '../../src/serve/startServe';
import { negativeLogLikelihood } from '../../src/shared/stats/tokenComparison';
import { EndpointBackend } from '../../src/worker/backend/endpointBackend';
import { OnnxDecoderBackend } from '../../src/worker/backend/onnxBackend';
import { loadTokenizer } from '../../src/worker/backend/tokenizer';
import { TINY_GQA, TINY_LLAMA } from '../helpers/fixtures';

/**
 * The endpoint backend against `quantlens serve` over real sockets, compared with the in-process
 * ONNX backend on the same fixture model: the served log-probabilities must give the same NLL
 * (rel ≤ 1e-9), a capped server must come back as top-k with the same target log-probabilities,
 * and greedy generation must give the same tokens.
 */
const TEXT = 'The river runs through the old town, past the mill and under the stone bridge.';
const THREADS = 1;

async function setUp(variantId: string) {
  const folder = await inspectModelFolder(TINY_LLAMA);
  const local = folder.variants.find((v) => v.id === variantId)!;
  const tokenizer = await loadTokenizer(folder.path, folder.config.eos_token_id);
  const onnx = await OnnxDecoderBackend.load({ modelFolder: folder.path, variant: local, executionProvider: 'cpu', threads: { intraOp: THREADS, interOp: 1 }, eosTokenIds: tokenizer.eosTokenIds });
  return { folder, tokenizer, onnx };
}

function totalNll(rows: ArrayLike<number>, tokens: readonly number[], V: number): number {
  let sum = 0;
  for (let i = 0; i + 1 < tokens.length; i++) sum += negativeLogLikelihood(rows, i * V, V, tokens[i + 1]!).nll;
  return sum;
}

for (const variantId of ['fp32', 'q4']) test(`quantlens serve ${variantId}, whole vocabulary: forward gives the in-process NLL (rel ≤ 1e-9) and the same greedy tokens`, async () => {
  const { tokenizer, onnx } = await setUp(variantId);
  const serve = await startServe({ modelFolder: TINY_LLAMA, variantId, threads: THREADS, maxLogprobs: -1 });
  try {
    const warnings: string[] = [];
    const variant = await discoverEndpoint({ name: `${variantId}s`, baseUrls: [serve.baseUrl] }, {});
    assert.equal(variant.id, `${variantId}s`);
    assert.equal(variant.served?.dialect, 'quantlens');
    const backend = await EndpointBackend.load({ variant, tokenizer, eosTokenIds: tokenizer.eosTokenIds, agreementTexts: [TEXT, 'Hello world'], warn: (m) => warnings.push(m), env: {} });
    assert.deepEqual(backend.distributions, { kind: 'full' });
    assert.equal(backend.vocabSize, onnx.vocabSize);
    const tokens = tokenizer.encode(TEXT, true);
    const served = await backend.forward(tokens);
    const local = await onnx.forward(tokens);
    const V = onnx.vocabSize;
    assert.equal(served.length, local.length);
    const a = totalNll(served, tokens, V);
    const b = totalNll(local, tokens, V);
    assert.ok(Math.abs(a - b) / Math.abs(b) <= 1e-9, `served NLL ${a} vs in-process ${b}`);
    // The last row (after the whole sequence) too: its NLL for an arbitrary next token.
    const lastServed = negativeLogLikelihood(served, (tokens.length - 1) * V, V, 5).nll;
    const lastLocal = negativeLogLikelihood(local, (tokens.length - 1) * V, V, 5).nll;
    assert.ok(Math.abs(lastServed - lastLocal) <= 1e-9 * Math.abs(lastLocal));

    const prompt = tokens.slice(0, 6);
    const servedGen = await backend.generateGreedy(prompt, { maxNewTokens: 8, stopOnEos: false });
    const localGen = await onnx.generateGreedy(prompt, { maxNewTokens: 8, stopOnEos: false });
    assert.deepEqual(servedGen.tokens, localGen.tokens);
    assert.equal(servedGen.tokenTimesMs.length, 8);
    assert.deepEqual(warnings, []);

    const load = await backend.streamRequest({ promptTokens: prompt, outputTokens: 8, fixedLength: true, replica: 0 }, new AbortController().signal);
    assert.equal(load.error, undefined);
    assert.equal(load.outputTokens, 8);
    assert.equal(load.fixedLengthHonoured, true);
    assert.ok(load.chunkTimesMs.length >= 1 && load.chunkTimesMs[0]! > load.sentAtMs);
  } finally {
    await serve.close();
    await onnx.dispose();
  }
});

test('quantlens serve capped at 5 logprobs: top-k 5, exact target log-probabilities', async () => {
  const { tokenizer, onnx } = await setUp('fp32');
  const serve = await startServe({ modelFolder: TINY_LLAMA, variantId: 'fp32', threads: THREADS, maxLogprobs: 5 });
  try {
    const variant = await discoverEndpoint({ baseUrls: [serve.baseUrl] }, {});
    const backend = await EndpointBackend.load({ variant, tokenizer, eosTokenIds: tokenizer.eosTokenIds, agreementTexts: [TEXT], warn: () => undefined, env: {} });
    assert.deepEqual(backend.distributions, { kind: 'top-k', k: 5 });
    const tokens = tokenizer.encode(TEXT, true);
    const top = await backend.promptTopK!(tokens);
    const local = await onnx.forward(tokens);
    const V = onnx.vocabSize;
    const servedNll = -top.targetLogprobs.reduce((s, v) => s + v, 0);
    const localNll = totalNll(local, tokens, V);
    assert.ok(Math.abs(servedNll - localNll) / localNll <= 1e-9, `served NLL ${servedNll} vs in-process ${localNll}`);
    for (const row of top.rows) assert.ok(row.ids.length >= 5 && row.ids.length <= 6);
  } finally {
    await serve.close();
    await onnx.dispose();
  }
});

test('a server whose tokenizer is not the local one: PPL/KLD refused with where they differ; generation still runs', async () => {
  const { tokenizer } = await setUp('fp32');
  // The GQA fixture has its own BPE vocabulary: served with the tiny Llama's tokenizer on this side.
  const serve = await startServe({ modelFolder: TINY_GQA, variantId: 'fp32', threads: THREADS });
  try {
    const variant = await discoverEndpoint({ baseUrls: [serve.baseUrl] }, {});
    const backend = await EndpointBackend.load({ variant, tokenizer, eosTokenIds: tokenizer.eosTokenIds, agreementTexts: [TEXT], warn: () => undefined, env: {} });
    assert.equal(backend.distributions.kind, 'none');
    assert.match((backend.distributions as { reason: string }).reason, new RegExp(`^${serve.baseUrl.replace(/[.]/g, '\\.')} \\(quantlens, model [^)]+\\): the server's tokenizer disagrees with the local one at text 1, token \\d+: the local tokenizer gives id \\d+, the server gives id \\d+ \\(near ".*"; \\d+ vs \\d+ tokens\\) — perplexity and KLD are not computed for this variant; generation, tasks and performance still run\\.$`));
    const generated = await backend.generateGreedy(tokenizer.encode('The river', true), { maxNewTokens: 4, stopOnEos: false });
    assert.equal(generated.tokens.length, 4);
  } finally {
    await serve.close();
  }
});

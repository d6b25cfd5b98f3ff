import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { discoverEndpoint } from '../../src/node/endpoint/discover';
import type { RequestPolicy } from '../../src/node/endpoint/requestPolicy';
import { EndpointBackend } from '../../src/worker/backend/endpointBackend';
import { argmax, rejectsWithMessage, sendJson, sleep, sseHead, startFake, toyLogprobs, toyTokenizer, toyVllm, TOY_VOCAB, ToyVllmOptions } from './fakeServer';

const FAST: RequestPolicy = { timeoutMs: 3000, idleTimeoutMs: 1000, maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 50 };
const TEXTS = ['abc', 'hello nice day'];

async function loadToy(options: ToyVllmOptions = {}, texts = TEXTS) {
  const server = await startFake(toyVllm(options));
  const warnings: string[] = [];
  const variant = await discoverEndpoint({ baseUrls: [server.baseUrl] }, {}, { policy: FAST });
  const backend = await EndpointBackend.load({ variant, tokenizer: toyTokenizer, eosTokenIds: [0], agreementTexts: texts, warn: (m) => warnings.push(m), env: {}, vocabSize: TOY_VOCAB, policy: FAST });
  return { server, backend, warnings };
}

function localGreedy(prompt: number[], steps: number, stopOnEos: boolean): number[] {
  const context = [...prompt];
  const out: number[] = [];
  for (let s = 0; s < steps; s++) {
    const next = argmax(toyLogprobs(context));
    out.push(next);
    context.push(next);
    if (stopOnEos && next === 0) break;
  }
  return out;
}

test('full vocabulary served: distributions full, forward gives every row exactly (last row included), prompts sent as ids', async () => {
  const { server, backend } = await loadToy();
  try {
    assert.deepEqual(backend.distributions, { kind: 'full' });
    assert.equal(backend.vocabSize, TOY_VOCAB);
    assert.equal(backend.executionProvider, 'served');
    const tokens = [1, 4, 9, 2, 7, 7, 3];
    const rows = await backend.forward(tokens);
    assert.ok(rows instanceof Float64Array);
    assert.equal(rows.length, tokens.length * TOY_VOCAB);
    for (let i = 0; i < tokens.length; i++) {
      assert.deepEqual(Array.from(rows.subarray(i * TOY_VOCAB, (i + 1) * TOY_VOCAB)), Array.from(toyLogprobs(tokens.slice(0, i + 1))), `row ${i}`);
    }
    const sent = server.seen.filter((r) => r.path === '/v1/completions').at(-1)!.body as { prompt: number[]; prompt_logprobs: number };
    assert.equal(sent.prompt_logprobs, -1);
    assert.deepEqual(sent.prompt.slice(0, tokens.length), tokens);
  } finally {
    await server.close();
  }
});

test('max-logprobs capped at 5: the 400 names the cap, distributions are top-5, promptTopK gives exact targets', async () => {
  const { server, backend } = await loadToy({ maxLogprobs: 5 });
  try {
    assert.deepEqual(backend.distributions, { kind: 'top-k', k: 5 });
    await assert.rejects(backend.forward([1, 2, 3]), /forward needs the whole distribution/);
    const tokens = [1, 4, 9, 2, 7];
    const result = await backend.promptTopK!(tokens, tokens.slice(1).map(() => [3]));
    assert.equal(result.targetLogprobs.length, tokens.length - 1);
    for (let i = 0; i < tokens.length - 1; i++) {
      const exact = toyLogprobs(tokens.slice(0, i + 1));
      assert.equal(result.targetLogprobs[i], exact[tokens[i + 1]!]);
      const row = result.rows[i]!;
      const order = [...exact.keys()].sort((a, b) => exact[b]! - exact[a]!).slice(0, 5);
      for (const id of order) assert.equal(row.logprobs[Array.from(row.ids).indexOf(id)], exact[id], `row ${i} id ${id}`);
    }
    // vLLM's HTTP API cannot ask for named ids over the prompt: only rows that happen to hold id 3 have it.
    const allHave3 = result.rows.every((r) => Array.from(r.ids).includes(3));
    assert.equal(result.askedIdsReturned, allHave3);
  } finally {
    await server.close();
  }
});

test('tokenizer disagreement: PPL/KLD refused with where it differs; generation still works', async () => {
  const { server, backend } = await loadToy({ tokenize: (text) => (text === 'hello nice day' ? [1, 9, 6, 12, 13, 15] : toyTokenizer.encode(text, true)) });
  try {
    assert.equal(backend.distributions.kind, 'none');
    assert.equal(
      (backend.distributions as { reason: string }).reason,
      `${server.baseUrl} (vllm, model toy): the server's tokenizer disagrees with the local one at text 2, token 3: the local tokenizer gives id 13, the server gives id 12 (near "hello nice day"; 15 vs 6 tokens) — perplexity and KLD are not computed for this variant; generation, tasks and performance still run.`,
    );
    assert.equal(server.seen.filter((r) => r.path === '/v1/completions').length, 0, 'no logprob probe once the tokenizers disagree');
    const generated = await backend.generateGreedy([1, 2, 3], { maxNewTokens: 4, stopOnEos: false });
    assert.deepEqual(generated.tokens, localGreedy([1, 2, 3], 4, false));
  } finally {
    await server.close();
  }
});

test('llama.cpp server: no prompt distributions, the reason names the endpoint and the server; /tokenize gets content', async () => {
  const { server, backend } = await loadToy({ ownedBy: 'llamacpp' });
  try {
    assert.equal(backend.distributions.kind, 'none');
    assert.match((backend.distributions as { reason: string }).reason, new RegExp(`^${server.baseUrl.replace(/\./g, '\\.')} \\(llama\\.cpp, model toy\\): the server gives no prompt-token distributions \\(none: llama\\.cpp server gives logprobs of generated tokens only and rejects echo`));
    const tokenize = server.seen.find((r) => r.path === '/tokenize')!.body as Record<string, unknown>;
    assert.deepEqual(tokenize, { content: 'abc', add_special: true, parse_special: true });
    assert.equal(server.seen.filter((r) => r.path === '/v1/completions').length, 0, 'no logprob probe against llama.cpp');
  } finally {
    await server.close();
  }
});

test('generateGreedy streams temperature-0 completions: ids from the server, one arrival time per token, ignore_eos when fixed', async () => {
  const { server, backend } = await loadToy();
  try {
    const prompt = [1, 5, 6];
    const before = performance.now();
    const result = await backend.generateGreedy(prompt, { maxNewTokens: 6, stopOnEos: false });
    assert.deepEqual(result.tokens, localGreedy(prompt, 6, false));
    assert.equal(result.stoppedBy, 'max-new-tokens');
    assert.equal(result.tokenTimesMs.length, 6);
    assert.ok(result.startedAtMs >= before && result.tokenTimesMs[0]! > result.startedAtMs);
    for (let i = 1; i < 6; i++) assert.ok(result.tokenTimesMs[i]! >= result.tokenTimesMs[i - 1]!);
    const body = server.seen.at(-1)!.body as Record<string, unknown>;
    assert.deepEqual(
      { prompt: body.prompt, max_tokens: body.max_tokens, temperature: body.temperature, seed: body.seed, stream: body.stream, ignore_eos: body.ignore_eos, return_tokens_as_token_ids: body.return_tokens_as_token_ids, model: body.model },
      { prompt, max_tokens: 6, temperature: 0, seed: 0, stream: true, ignore_eos: true, return_tokens_as_token_ids: true, model: 'toy' },
    );
  } finally {
    await server.close();
  }
});

test('a server now serving another model: a clear error naming the endpoint and both models', async () => {
  const { server, backend } = await loadToy({ answerModel: 'llama-70b' });
  try {
    await rejectsWithMessage(backend.forward([1, 2, 3]), new RegExp(`^${server.baseUrl.replace(/\./g, '\\.')}: answered for model "llama-70b" although "toy" was asked`));
    await rejectsWithMessage(backend.generateGreedy([1, 2], { maxNewTokens: 2, stopOnEos: true }), /answered for model "llama-70b" although "toy" was asked/);
  } finally {
    await server.close();
  }
});

test('streamRequest: round-robin over replicas, arrival time per chunk, usage tokens, fixed length honoured', async () => {
  const a = await startFake(toyVllm());
  const b = await startFake(toyVllm());
  try {
    const variant = await discoverEndpoint({ baseUrls: [a.baseUrl, b.baseUrl] }, {}, { policy: FAST });
    const backend = await EndpointBackend.load({ variant, tokenizer: toyTokenizer, eosTokenIds: [0], agreementTexts: TEXTS, warn: () => undefined, env: {}, vocabSize: TOY_VOCAB, policy: FAST });
    const signal = new AbortController().signal;
    const r0 = await backend.streamRequest({ promptTokens: [1, 2, 3], outputTokens: 5, fixedLength: true, replica: 0 }, signal);
    const r1 = await backend.streamRequest({ promptTokens: [1, 2, 3], outputTokens: 5, fixedLength: true, replica: 1 }, signal);
    for (const r of [r0, r1]) {
      assert.equal(r.error, undefined);
      assert.equal(r.outputTokens, 5);
      assert.deepEqual(r.chunkTokens, [1, 1, 1, 1, 1]);
      assert.equal(r.chunkTimesMs.length, 5);
      assert.ok(r.chunkTimesMs[0]! > r.sentAtMs);
      assert.equal(r.fixedLengthHonoured, true);
    }
    const completionsTo = (s: typeof a) => s.seen.filter((r) => r.path === '/v1/completions' && (r.body as { stream?: boolean }).stream);
    assert.equal(completionsTo(a).length, 1);
    assert.equal(completionsTo(b).length, 1);
    const body = completionsTo(b)[0]!.body as Record<string, unknown>;
    assert.equal(body.ignore_eos, true);
    assert.equal(body.min_tokens, 5);
    assert.deepEqual(body.stream_options, { include_usage: true });
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('streamRequest: a server killed mid-stream gives an error on the request, nothing thrown', async () => {
  const base = toyVllm();
  const server = await startFake(async (req, res) => {
    if (req.path === '/v1/completions' && (req.body as { stream?: boolean }).stream) {
      sseHead(res);
      res.write(`data: ${JSON.stringify({ model: 'toy', choices: [{ index: 0, text: 'a', finish_reason: null, token_ids: [2] }] })}\n\n`);
      await sleep(20);
      return void res.socket?.destroy();
    }
    return base(req, res);
  });
  try {
    const variant = await discoverEndpoint({ baseUrls: [server.baseUrl] }, {}, { policy: FAST });
    const backend = await EndpointBackend.load({ variant, tokenizer: toyTokenizer, eosTokenIds: [0], agreementTexts: TEXTS, warn: () => undefined, env: {}, vocabSize: TOY_VOCAB, policy: FAST });
    const r = await backend.streamRequest({ promptTokens: [1, 2], outputTokens: 8, fixedLength: true, replica: 0 }, new AbortController().signal);
    assert.match(r.error ?? '', /the connection broke after 1 stream events/);
    assert.equal(r.chunkTimesMs.length, 1);
    assert.equal(r.fixedLengthHonoured, false);
  } finally {
    await server.close();
  }
});

test('a server without prompt logprobs (openai-compatible that ignores the field): none, with its reason', async () => {
  const server = await startFake((req, res) => {
    if (req.path === '/v1/models') return sendJson(res, 200, { data: [{ id: 'gpt-x', owned_by: 'acme' }] });
    if (req.path === '/tokenize') return sendJson(res, 200, { tokens: toyTokenizer.encode((req.body as { prompt: string }).prompt, true) });
    if (req.path === '/v1/completions') return sendJson(res, 200, { model: 'gpt-x', choices: [{ index: 0, text: 'a', finish_reason: 'length' }] });
    sendJson(res, 404, {});
  });
  try {
    const variant = await discoverEndpoint({ baseUrls: [server.baseUrl] }, {}, { policy: FAST });
    const backend = await EndpointBackend.load({ variant, tokenizer: toyTokenizer, eosTokenIds: [0], agreementTexts: TEXTS, warn: () => undefined, env: {}, vocabSize: TOY_VOCAB, policy: FAST });
    assert.equal(backend.distributions.kind, 'none');
    assert.match((backend.distributions as { reason: string }).reason, /\(openai-compatible, model gpt-x\): the server gives no prompt logprobs \(prompt_logprobs -1: .*has no prompt_logprobs list/);
  } finally {
    await server.close();
  }
});

test('generateGreedy: a stream that breaks mid-way is started again; the tokens are complete and the restart is reported', async () => {
  const base = toyVllm();
  let streams = 0;
  const server = await startFake(async (req, res) => {
    if (req.path === '/v1/completions' && (req.body as { stream?: boolean }).stream && ++streams === 1) {
      sseHead(res);
      res.write(`data: ${JSON.stringify({ model: 'toy', choices: [{ index: 0, text: 'a', finish_reason: null, token_ids: [2] }] })}\n\n`);
      await sleep(20);
      return void res.socket?.destroy();
    }
    return base(req, res);
  });
  try {
    const warnings: string[] = [];
    const variant = await discoverEndpoint({ baseUrls: [server.baseUrl] }, {}, { policy: FAST });
    const backend = await EndpointBackend.load({ variant, tokenizer: toyTokenizer, eosTokenIds: [0], agreementTexts: TEXTS, warn: (m) => warnings.push(m), env: {}, vocabSize: TOY_VOCAB, policy: FAST });
    const result = await backend.generateGreedy([1, 2, 3], { maxNewTokens: 5, stopOnEos: false });
    assert.deepEqual(result.tokens, localGreedy([1, 2, 3], 5, false));
    assert.equal(streams, 2);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /the connection broke after 1 stream events .* Starting the generation again \(attempt 2 of 3\)\.$/);
  } finally {
    await server.close();
  }
});

test('SGLang without /tokenize: its ids come from /generate\'s input_token_logprobs; native prompt logprobs give the whole vocabulary when asked for it', async () => {
  const server = await startFake((req, res) => {
    if (req.path === '/v1/models') return sendJson(res, 200, { object: 'list', data: [{ id: 'toy', owned_by: 'sglang', max_model_len: 64 }] });
    if (req.path === '/generate') {
      const body = req.body as { text?: string; input_ids?: number[]; top_logprobs_num?: number };
      const ids = body.input_ids ?? toyTokenizer.encode(body.text!, true);
      const k = body.top_logprobs_num ?? 0;
      const input_token_logprobs = ids.map((id, j) => [j === 0 ? null : toyLogprobs(ids.slice(0, j))[id]!, id, null]);
      const input_top_logprobs = ids.map((_id, j) => {
        if (j === 0 || k === 0) return null;
        const row = toyLogprobs(ids.slice(0, j));
        return [...row.keys()].sort((a, b) => row[b]! - row[a]!).slice(0, k).map((id) => [row[id]!, id, null]);
      });
      return sendJson(res, 200, { text: 'a', meta_info: { input_token_logprobs, input_top_logprobs } });
    }
    sendJson(res, 404, { detail: 'Not Found' });
  });
  try {
    const variant = await discoverEndpoint({ baseUrls: [server.baseUrl] }, {}, { policy: FAST });
    const backend = await EndpointBackend.load({ variant, tokenizer: toyTokenizer, eosTokenIds: [0], agreementTexts: TEXTS, warn: () => undefined, env: {}, vocabSize: TOY_VOCAB, policy: FAST });
    // Asked for top_logprobs_num = the whole vocabulary (16): every row has 16 entries → full.
    assert.deepEqual(backend.distributions, { kind: 'full' });
    const tokens = [1, 4, 9, 2];
    const rows = await backend.forward(tokens);
    for (let i = 0; i < tokens.length; i++) assert.deepEqual(Array.from(rows.subarray(i * TOY_VOCAB, (i + 1) * TOY_VOCAB)), Array.from(toyLogprobs(tokens.slice(0, i + 1))));
  } finally {
    await server.close();
  }
});

test('API key from the named variable: sent on every request, never in the variant, reasons or errors', async () => {
  const key = 'sk-live-0123456789';
  const base = toyVllm();
  let refuse = false;
  const server = await startFake(async (req, res) => {
    if (req.headers.authorization !== `Bearer ${key}`) return sendJson(res, 401, { error: { message: `invalid key ${req.headers.authorization}` } });
    if (refuse) return sendJson(res, 403, { error: { message: `key ${key} has no quota left` } });
    return base(req, res);
  });
  try {
    const env = { QL_KEY: key };
    const variant = await discoverEndpoint({ baseUrls: [server.baseUrl], apiKeyEnv: 'QL_KEY' }, env, { policy: FAST });
    const backend = await EndpointBackend.load({ variant, tokenizer: toyTokenizer, eosTokenIds: [0], agreementTexts: TEXTS, warn: () => undefined, env, vocabSize: TOY_VOCAB, policy: FAST });
    assert.deepEqual(backend.distributions, { kind: 'full' });
    assert.ok(server.seen.every((r) => r.headers.authorization === `Bearer ${key}`));
    assert.ok(!JSON.stringify(variant).includes(key));
    refuse = true;
    await assert.rejects(backend.forward([1, 2, 3]), (e: Error) => !e.message.includes(key) && /HTTP 403: key \*\*\* has no quota left$/.test(e.message));
    const r = await backend.streamRequest({ promptTokens: [1, 2], outputTokens: 4, fixedLength: false, replica: 0 }, new AbortController().signal);
    assert.match(r.error ?? '', /HTTP 403: key \*\*\* has no quota left$/);
    await rejectsWithMessage(EndpointBackend.load({ variant, tokenizer: toyTokenizer, eosTokenIds: [0], agreementTexts: TEXTS, warn: () => undefined, env: {}, policy: FAST }), /API key variable QL_KEY is not set/);
  } finally {
    await server.close();
  }
});

test('streamRequest cancelled by its signal: the stream closes and the request says cancelled', async () => {
  const base = toyVllm();
  let closed = false;
  const server = await startFake(async (req, res) => {
    if (req.path === '/v1/completions' && (req.body as { stream?: boolean }).stream) {
      sseHead(res);
      res.on('close', () => (closed = true));
      for (let i = 0; i < 500 && !closed; i++) {
        res.write(`data: ${JSON.stringify({ model: 'toy', choices: [{ index: 0, text: 'a', finish_reason: null, token_ids: [2] }] })}\n\n`);
        await sleep(5);
      }
      return void res.end();
    }
    return base(req, res);
  });
  try {
    const variant = await discoverEndpoint({ baseUrls: [server.baseUrl] }, {}, { policy: FAST });
    const backend = await EndpointBackend.load({ variant, tokenizer: toyTokenizer, eosTokenIds: [0], agreementTexts: TEXTS, warn: () => undefined, env: {}, vocabSize: TOY_VOCAB, policy: FAST });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('sweep cancelled')), 60);
    const r = await backend.streamRequest({ promptTokens: [1, 2], outputTokens: 400, fixedLength: true, replica: 0 }, controller.signal);
    assert.equal(r.error, 'cancelled');
    assert.ok(r.chunkTimesMs.length > 0);
    await sleep(50);
    assert.ok(closed, 'the server saw the stream close');
  } finally {
    await server.close();
  }
});

test('garbage in a logprobs answer: forward fails naming the endpoint and what came', async () => {
  const base = toyVllm();
  let mode: 'ok' | 'string' | 'short' = 'ok';
  const server = await startFake(async (req, res) => {
    const body = req.body as { prompt_logprobs?: number; prompt?: number[] };
    if (mode !== 'ok' && req.path === '/v1/completions' && body.prompt_logprobs !== undefined) {
      const rows = body.prompt!.map((_t, j) => (j === 0 ? null : { '3': { logprob: mode === 'string' ? 'NaN-ish' : -1, rank: 1 } }));
      return sendJson(res, 200, { model: 'toy', choices: [{ index: 0, text: '', prompt_logprobs: mode === 'short' ? rows.slice(1) : rows }] });
    }
    return base(req, res);
  });
  try {
    const variant = await discoverEndpoint({ baseUrls: [server.baseUrl] }, {}, { policy: FAST });
    const backend = await EndpointBackend.load({ variant, tokenizer: toyTokenizer, eosTokenIds: [0], agreementTexts: TEXTS, warn: () => undefined, env: {}, vocabSize: TOY_VOCAB, policy: FAST });
    mode = 'string';
    await rejectsWithMessage(backend.forward([1, 2, 3]), new RegExp(`^${server.baseUrl.replace(/\./g, '\\.')}: POST /completions: prompt_logprobs\\[1\\]\\["3"\\] has logprob string NaN-ish$`));
    mode = 'short';
    await rejectsWithMessage(backend.forward([1, 2, 3]), /POST \/completions: prompt_logprobs has 3 entries for a prompt of 4 tokens$/);
  } finally {
    await server.close();
  }
});

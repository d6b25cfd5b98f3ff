import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { negativeLogLikelihood } from '../../src/shared/stats/tokenComparison';
import type { OnnxDecoderBackend } from '../../src/worker/backend/onnxBackend';
import type { TextTokenizer } from '../../src/worker/backend/modelBackend';
import { ServeHandle, startServe } from '../../src/serve/startServe';
import { TINY_LLAMA } from '../helpers/fixtures';
import { corpusTokens, get, inProcess, post } from './helpers';

const VARIANT = 'q4';
let full: ServeHandle;
let capped: ServeHandle;
let tokenizer: TextTokenizer;
let backend: OnnxDecoderBackend;
let tokens: number[];

before(async () => {
  [full, capped, { tokenizer, backend }] = await Promise.all([
    startServe({ modelFolder: TINY_LLAMA, variantId: VARIANT, threads: 1 }),
    startServe({ modelFolder: TINY_LLAMA, variantId: VARIANT, threads: 1, maxLogprobs: 20, port: 0 }),
    inProcess(TINY_LLAMA, VARIANT),
  ]);
  tokens = corpusTokens(tokenizer, 160);
});

after(async () => {
  await Promise.all([full?.close(), capped?.close(), backend?.dispose()]);
});

/** Σ −ln P(token i | tokens before) over i ≥ 1, as the perplexity pass sums it in-process. */
async function inProcessNll(ids: number[]): Promise<{ sum: number; perToken: number[] }> {
  const logits = await backend.forward(ids);
  const V = backend.vocabSize;
  const perToken = ids.slice(1).map((target, row) => negativeLogLikelihood(logits, row * V, V, target).nll);
  return { sum: perToken.reduce((a, b) => a + b, 0), perToken };
}

/** The same sum from served prompt_logprobs (the actual token's entry at each position). */
function servedNll(promptLogprobs: Array<Record<string, { logprob: number; rank: number }> | null>, ids: number[]): { sum: number; perToken: number[] } {
  assert.equal(promptLogprobs.length, ids.length);
  assert.equal(promptLogprobs[0], null, 'the first prompt token has no logprob');
  const perToken = ids.slice(1).map((id, i) => {
    const entry = promptLogprobs[i + 1]![String(id)];
    assert.ok(entry, `position ${i + 1} carries the actual token ${id}`);
    return -entry.logprob;
  });
  return { sum: perToken.reduce((a, b) => a + b, 0), perToken };
}

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

test('perplexity from served prompt_logprobs equals the in-process one (rel ≤ 1e-9), full vocabulary (K = −1) and top-20 on a server capped at 20', async () => {
  const expected = await inProcessNll(tokens);
  const wholeVocab = await post(`${full.baseUrl}/completions`, { prompt: tokens, max_tokens: 0, prompt_logprobs: -1, temperature: 0 });
  assert.equal(wholeVocab.status, 200, wholeVocab.text);
  const rows = wholeVocab.json.choices[0].prompt_logprobs;
  const served = servedNll(rows, tokens);
  assert.ok(rel(served.sum, expected.sum) <= 1e-9, `served ${served.sum} vs in-process ${expected.sum}`);
  // Not merely close: the same doubles, token by token.
  assert.deepEqual(served.perToken, expected.perToken);
  assert.ok(Math.exp(served.sum / (tokens.length - 1)) > 1, 'a perplexity above 1');
  // Every row is the whole distribution: V entries whose probabilities sum to 1.
  for (const row of rows.slice(1)) {
    const values = Object.values(row as Record<string, { logprob: number }>);
    assert.equal(values.length, backend.vocabSize);
    const mass = values.reduce((s, e) => s + Math.exp(e.logprob), 0);
    assert.ok(Math.abs(mass - 1) < 1e-9, `row mass ${mass}`);
  }

  const top20 = await post(`${capped.baseUrl}/completions`, { prompt: tokens, max_tokens: 0, prompt_logprobs: 20 });
  assert.equal(top20.status, 200, top20.text);
  const cappedRows = top20.json.choices[0].prompt_logprobs;
  const servedTop = servedNll(cappedRows, tokens);
  assert.ok(rel(servedTop.sum, expected.sum) <= 1e-9, `served top-20 ${servedTop.sum} vs in-process ${expected.sum}`);
  assert.deepEqual(servedTop.perToken, expected.perToken);
  cappedRows.slice(1).forEach((row: Record<string, { rank: number }>, i: number) => {
    const entries = Object.entries(row);
    const actual = row[String(tokens[i + 1])]!;
    // 20 most likely, plus the actual token when it is not among them (its true rank).
    assert.equal(entries.length, actual.rank <= 20 ? 20 : 21);
    assert.deepEqual(entries.filter(([id]) => id !== String(tokens[i + 1]) || actual.rank <= 20).map(([, e]) => e.rank).sort((a, b) => a - b), Array.from({ length: 20 }, (_, j) => j + 1));
  });
});

test('echo + logprobs gives the OpenAI legacy shape over prompt and completion (first token null), the same numbers as prompt_logprobs, and the greedy tokens of generateGreedy', async () => {
  const prompt = tokens.slice(0, 12);
  const r = await post(`${full.baseUrl}/completions`, { prompt, max_tokens: 4, echo: true, logprobs: 3, ignore_eos: true, seed: 7 });
  assert.equal(r.status, 200, r.text);
  const choice = r.json.choices[0];
  const lp = choice.logprobs;
  assert.equal(lp.tokens.length, prompt.length + 4);
  assert.equal(lp.token_logprobs[0], null);
  assert.equal(lp.top_logprobs[0], null);
  const expected = await inProcessNll(prompt);
  assert.deepEqual(lp.token_logprobs.slice(1, prompt.length).map((x: number) => -x), expected.perToken);
  // Each dict: the position's own token first, then up to K more (≤ K + 1 entries).
  lp.top_logprobs.slice(1).forEach((top: Record<string, number>, i: number) => {
    assert.equal(Object.keys(top)[0], lp.tokens[i + 1]);
    assert.ok(Object.keys(top).length <= 4 && Object.keys(top).length >= 1);
  });
  let offset = 0;
  lp.tokens.forEach((t: string, i: number) => {
    assert.equal(lp.text_offset[i], offset);
    offset += t.length;
  });
  // echo with logprobs implies prompt_logprobs = logprobs (as vLLM): the choice carries them too.
  assert.equal(choice.prompt_logprobs.length, prompt.length);
  const greedy = await backend.generateGreedy(prompt, { maxNewTokens: 4, stopOnEos: false });
  const ids = await post(`${full.baseUrl}/completions`, { prompt, max_tokens: 4, echo: true, logprobs: 0, ignore_eos: true, return_tokens_as_token_ids: true });
  assert.deepEqual(ids.json.choices[0].logprobs.tokens.slice(prompt.length), greedy.tokens.map((t) => `token_id:${t}`));
  assert.deepEqual(ids.json.choices[0].logprobs.tokens.slice(0, prompt.length), prompt.map((t) => `token_id:${t}`));
  assert.equal(choice.text, tokenizer.decode(prompt) + tokenizer.decode(greedy.tokens));
  assert.deepEqual(r.json.usage, { prompt_tokens: prompt.length, completion_tokens: 4, total_tokens: prompt.length + 4, prompt_tokens_details: null });
  assert.match(r.json.id, /^cmpl-/);
  assert.equal(r.json.object, 'text_completion');
  assert.equal(choice.finish_reason, 'length');
});

test('lm-evaluation-harness local-completions loglikelihood request: sum of token_logprobs[ctxlen:-1] is the continuation log-likelihood', async () => {
  const context = 'The baker opened his shop';
  const continuation = ' and the smell of bread';
  const r = await post(`${full.baseUrl}/completions`, { model: `quantlens-tiny-llama-${VARIANT}`, prompt: context + continuation, max_tokens: 1, logprobs: 1, echo: true, temperature: 0 });
  assert.equal(r.status, 200, r.text);
  const all = tokenizer.encode(context + continuation, true);
  const ctxlen = tokenizer.encode(context, true).length;
  const lp = r.json.choices[0].logprobs.token_logprobs as number[];
  assert.equal(lp.length, all.length + 1);
  const served = lp.slice(ctxlen, -1).reduce((a, b) => a + b, 0);
  const expected = -(await inProcessNll(all)).perToken.slice(ctxlen - 1).reduce((a, b) => a + b, 0);
  assert.equal(served, expected);
});

test('generation endpoints keep per-request server timing at GET /quantlens/requests', async () => {
  const r = await post(`${full.baseUrl}/completions`, { prompt: 'The river', max_tokens: 3, ignore_eos: true });
  const log = await get(full.baseUrl.replace(/\/v1$/, '/quantlens/requests?limit=5'));
  assert.equal(log.status, 200);
  assert.match(log.json.clock, /performance\.now\(\)/);
  const entry = log.json.requests.find((e: { id: string }) => e.id === r.json.id);
  assert.ok(entry, JSON.stringify(log.json.requests));
  assert.equal(entry.status, 'ok');
  assert.equal(entry.outputTokens, 3);
  assert.equal(entry.promptTokens, r.json.usage.prompt_tokens);
  assert.ok(entry.arrivalMs <= entry.firstTokenWrittenMs && entry.firstTokenWrittenMs <= entry.finishedMs, JSON.stringify(entry));
});

test('GET /v1/models, /health, POST /tokenize and /detokenize answer in vLLM shapes; tokenize matches the local tokenizer', async () => {
  const models = await get(`${full.baseUrl}/models`);
  assert.equal(models.status, 200);
  assert.equal(models.json.object, 'list');
  assert.deepEqual({ ...models.json.data[0], created: 0 }, { id: `quantlens-tiny-llama-${VARIANT}`, object: 'model', created: 0, owned_by: 'quantlens', root: `quantlens-tiny-llama-${VARIANT}`, parent: null, max_model_len: 1024, permission: [] });
  const root = full.baseUrl.replace(/\/v1$/, '');
  assert.equal((await get(`${root}/health`)).status, 200);
  const text = 'At the harbour the sailors were working on the ship.';
  const vllm = await post(`${root}/tokenize`, { prompt: text });
  assert.deepEqual(vllm.json, { count: tokenizer.encode(text, true).length, max_model_len: 1024, tokens: tokenizer.encode(text, true), token_strs: null });
  const plain = await post(`${root}/tokenize`, { prompt: text, add_special_tokens: false });
  assert.deepEqual(plain.json.tokens, tokenizer.encode(text, false));
  const llamaCpp = await post(`${root}/tokenize`, { content: text });
  assert.deepEqual(llamaCpp.json.tokens, tokenizer.encode(text, false), 'llama.cpp: add_special defaults to false');
  const back = await post(`${root}/detokenize`, { tokens: tokenizer.encode(text, false) });
  assert.equal(back.json.prompt, text);
});

test('bad requests get 400s (404 for another model) in vLLM error JSON that say what to change', async () => {
  const url = `${capped.baseUrl}/completions`;
  const cases: Array<[unknown, number, RegExp]> = [
    [{ prompt: 'x', temperature: 0.7 }, 400, /greedily only: `temperature` must be 0 or absent \(got 0\.7\)/],
    ['{"prompt": ', 400, /not valid JSON/],
    [{ max_tokens: 3 }, 400, /Either prompt or prompt_embeds must be provided and non-empty/],
    [{ prompt: 'x', logprobs: -2 }, 400, /`logprobs` must be a positive value or -1/],
    [{ prompt: 'x', prompt_logprobs: 21 }, 400, /^Requested prompt logprobs of 21, which is greater than max allowed: 20$/],
    [{ prompt: 'x', logprobs: -1 }, 400, /^Requested sample logprobs of 687, which is greater than max allowed: 20$/],
    [{ prompt: 'x', echo: true, logprobs: 25 }, 400, /^Requested sample logprobs of 25, which is greater than max allowed: 20$/],
    [{ prompt: [1, 5, 99999] }, 400, /out-of-vocab token ids\. Vocabulary size: 687/],
    [{ prompt: 'x', stream: true, prompt_logprobs: 1 }, 400, /`prompt_logprobs` are not available when `stream=True`/],
    [{ prompt: 'x', max_tokens: 5000 }, 400, /maximum context length is 1024 tokens/],
    [{ prompt: 'x', n: 2 }, 400, /`n` must be 1/],
    [{ prompt: 'x', logprob_token_ids: [3, 4] }, 400, /`logprobs` must be set/],
    [{ prompt: 'x', max_tokens: 'ten' }, 400, /`max_tokens` must be an integer \(got "ten"\)/],
    [{ prompt: 'x', model: 'gpt-4' }, 404, /The model `gpt-4` does not exist/],
  ];
  for (const [body, status, message] of cases) {
    const r = await post(url, body);
    assert.equal(r.status, status, `${JSON.stringify(body)} → ${r.text}`);
    assert.match(r.json.error.message, message, JSON.stringify(body));
    assert.equal(r.json.error.code, status);
    assert.equal(r.json.error.type, status === 400 ? 'BadRequestError' : 'NotFoundError');
  }
  assert.equal((await post(`${capped.baseUrl}/completions`, { prompt: 'x', max_tokens: 1, echo: true, logprobs: 20 })).status, 200, 'K at the cap is allowed');
  const unknown = await get(capped.baseUrl.replace(/\/v1$/, '/v1/embeddings'));
  assert.equal(unknown.status, 404);
});

import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import type { TextTokenizer } from '../../src/worker/backend/modelBackend';
import type { OnnxDecoderBackend } from '../../src/worker/backend/onnxBackend';
import { ServeHandle, startServe } from '../../src/serve/startServe';
import { TINY_LLAMA } from '../helpers/fixtures';
import { get, inProcess, post, sseEvents } from './helpers';

let server: ServeHandle;
let tokenizer: TextTokenizer;
let backend: OnnxDecoderBackend;

before(async () => {
  [server, { tokenizer, backend }] = await Promise.all([startServe({ modelFolder: TINY_LLAMA, variantId: 'fp32', threads: 1 }), inProcess(TINY_LLAMA, 'fp32')]);
});

after(async () => {
  await Promise.all([server?.close(), backend?.dispose()]);
});

const PROMPT = 'The captain wanted to sail before the autumn storms. He walked through the market';

async function stream(body: object, signal?: AbortSignal): Promise<Response> {
  return fetch(`${server.baseUrl}/completions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ...body, stream: true }), signal });
}

async function requestLog(): Promise<Array<{ id: string; status: string; outputTokens: number; arrivalMs: number; firstTokenWrittenMs: number | null; finishedMs: number | null; stream: boolean }>> {
  return (await get(server.baseUrl.replace(/\/v1$/, '/quantlens/requests'))).json.requests;
}

test('a streamed completion: one well-formed chunk per token, the last with finish_reason, then usage and data: [DONE]; its text and logprobs equal the unstreamed answer', async () => {
  const body = { prompt: PROMPT, max_tokens: 12, ignore_eos: true, logprobs: 2, echo: true };
  const whole = await post(`${server.baseUrl}/completions`, body);
  const res = await stream({ ...body, stream_options: { include_usage: true } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  const events = await sseEvents(res);
  assert.equal(events.at(-1), '[DONE]');
  const chunks = events.slice(0, -1).map((e) => JSON.parse(e));
  const usage = chunks.at(-1);
  assert.deepEqual(usage.choices, []);
  assert.deepEqual(usage.usage, whole.json.usage);
  const tokenChunks = chunks.slice(0, -1);
  assert.equal(tokenChunks.length, 12);
  for (const c of tokenChunks) {
    assert.equal(c.object, 'text_completion');
    assert.equal(c.id, usage.id);
  }
  assert.deepEqual(tokenChunks.map((c) => c.choices[0].finish_reason), [...Array(11).fill(null), 'length']);
  assert.equal(tokenChunks.map((c) => c.choices[0].text).join(''), whole.json.choices[0].text);
  assert.ok(tokenChunks[0].choices[0].text.startsWith(PROMPT), 'echo: the first chunk carries the prompt');
  const joined = { tokens: [] as string[], token_logprobs: [] as Array<number | null>, top_logprobs: [] as unknown[], text_offset: [] as number[] };
  for (const c of tokenChunks) for (const key of Object.keys(joined) as Array<keyof typeof joined>) (joined[key] as unknown[]).push(...c.choices[0].logprobs[key]);
  assert.deepEqual(joined, whole.json.choices[0].logprobs);
});

test('without stream_options there is no usage chunk', async () => {
  const events = await sseEvents(await stream({ prompt: PROMPT, max_tokens: 3, ignore_eos: true }));
  assert.equal(events.length, 4);
  assert.ok(events.slice(0, 3).every((e) => JSON.parse(e).choices.length === 1));
});

test('stop strings end the text before the match (streamed alike, nothing of the stop string sent); min_tokens and ignore_eos shape the length', async () => {
  const free = await post(`${server.baseUrl}/completions`, { prompt: PROMPT, max_tokens: 24, ignore_eos: true });
  const text: string = free.json.choices[0].text;
  const stop = text.slice(6, 9);
  assert.ok(stop.length === 3 && text.indexOf(stop) === 6, `a stop string found first at 6 in ${JSON.stringify(text)}`);
  const stopped = await post(`${server.baseUrl}/completions`, { prompt: PROMPT, max_tokens: 24, ignore_eos: true, stop: [stop, 'never-there'] });
  assert.equal(stopped.json.choices[0].text, text.slice(0, 6));
  assert.equal(stopped.json.choices[0].finish_reason, 'stop');
  assert.equal(stopped.json.choices[0].stop_reason, stop);
  const kept = await post(`${server.baseUrl}/completions`, { prompt: PROMPT, max_tokens: 24, ignore_eos: true, stop, include_stop_str_in_output: true });
  assert.equal(kept.json.choices[0].text, text.slice(0, 9));
  const streamed = (await sseEvents(await stream({ prompt: PROMPT, max_tokens: 24, ignore_eos: true, stop: [stop] }))).slice(0, -1).map((e) => JSON.parse(e));
  assert.equal(streamed.map((c) => c.choices[0].text).join(''), text.slice(0, 6));
  assert.equal(streamed.at(-1).choices[0].finish_reason, 'stop');

  // The greedy continuation in-process, with and without EOS, decides what min_tokens must change.
  const prompt = tokenizer.encode(PROMPT, true);
  const greedy = await backend.generateGreedy(prompt, { maxNewTokens: 40, stopOnEos: false });
  const eosAt = greedy.tokens.findIndex((t) => tokenizer.eosTokenIds.includes(t));
  const natural = await post(`${server.baseUrl}/completions`, { prompt, max_tokens: 40 });
  if (eosAt >= 0) {
    assert.equal(natural.json.usage.completion_tokens, eosAt + 1, 'the EOS token ends the choice and is counted');
    assert.equal(natural.json.choices[0].finish_reason, 'stop');
    assert.equal(natural.json.choices[0].stop_reason, null);
  } else {
    assert.equal(natural.json.usage.completion_tokens, 40);
  }
  const long = await post(`${server.baseUrl}/completions`, { prompt, max_tokens: 40, min_tokens: 40 });
  assert.equal(long.json.usage.completion_tokens, 40, 'min_tokens keeps EOS out until then');
  const stopId = greedy.tokens[3]!;
  const byId = await post(`${server.baseUrl}/completions`, { prompt, max_tokens: 40, ignore_eos: true, stop_token_ids: [stopId], logprobs: 0, return_tokens_as_token_ids: true });
  const firstStop = greedy.tokens.indexOf(stopId);
  assert.deepEqual(byId.json.choices[0].logprobs.tokens, greedy.tokens.slice(0, firstStop + 1).map((t) => `token_id:${t}`));
  assert.equal(byId.json.choices[0].stop_reason, stopId);
});

test('logprob_token_ids: at each generated position exactly those ids (with the chosen token), with the same values as a full-vocabulary row', async () => {
  const prompt = tokenizer.encode(PROMPT, true);
  const asked = [5, 17, 300];
  const r = await post(`${server.baseUrl}/completions`, { prompt, max_tokens: 3, ignore_eos: true, logprobs: 3, logprob_token_ids: asked, return_tokens_as_token_ids: true });
  assert.equal(r.status, 200, r.text);
  const fullRow = await post(`${server.baseUrl}/completions`, { prompt, max_tokens: 1, logprobs: -1, return_tokens_as_token_ids: true });
  const top0 = r.json.choices[0].logprobs.top_logprobs[0];
  const chosen = r.json.choices[0].logprobs.tokens[0];
  assert.deepEqual(Object.keys(top0).sort(), [chosen, ...asked.map((id) => `token_id:${id}`)].sort());
  for (const [key, value] of Object.entries(top0)) assert.equal(value, fullRow.json.choices[0].logprobs.top_logprobs[0][key]);
  assert.equal(Object.keys(fullRow.json.choices[0].logprobs.top_logprobs[0]).length, backend.vocabSize);
});

test('a client that closes the connection stops its generation (streamed and not); concurrent requests interleave', async () => {
  const controller = new AbortController();
  const res = await stream({ prompt: PROMPT, max_tokens: 900, ignore_eos: true }, controller.signal);
  const reader = res.body!.getReader();
  await reader.read();
  controller.abort();
  await reader.cancel().catch(() => undefined);
  const streamedId = await waitForStatus('cancelled', (e) => e.stream);
  assert.ok(streamedId.outputTokens < 900, `stopped after ${streamedId.outputTokens} tokens`);

  const quiet = new AbortController();
  const unstreamed = fetch(`${server.baseUrl}/completions`, { method: 'POST', body: JSON.stringify({ prompt: PROMPT, max_tokens: 900, ignore_eos: true }), signal: quiet.signal }).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 150));
  quiet.abort();
  await unstreamed;
  const cancelled = await waitForStatus('cancelled', (e) => !e.stream);
  assert.ok(cancelled.outputTokens < 900);

  // Two requests at once: the second's first token is written before the first finishes (round-robin steps).
  const [a, b] = await Promise.all([stream({ prompt: PROMPT, max_tokens: 150, ignore_eos: true }), stream({ prompt: 'The river', max_tokens: 150, ignore_eos: true })]);
  await Promise.all([a.text(), b.text()]);
  const [first, second] = (await requestLog()).slice(-2);
  assert.ok(first!.status === 'ok' && second!.status === 'ok');
  assert.ok(second!.firstTokenWrittenMs! < first!.finishedMs! && first!.firstTokenWrittenMs! < second!.finishedMs!, JSON.stringify([first, second]));
});

async function waitForStatus(status: string, which: (e: { stream: boolean }) => boolean): Promise<{ outputTokens: number }> {
  for (let i = 0; i < 100; i++) {
    const entry = (await requestLog()).filter(which).find((e) => e.status === status);
    if (entry) return entry;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no ${status} request in ${JSON.stringify(await requestLog())}`);
}

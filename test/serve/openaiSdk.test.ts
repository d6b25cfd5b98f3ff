import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import type { TextTokenizer } from '../../src/worker/backend/modelBackend';
import type { OnnxDecoderBackend } from '../../src/worker/backend/onnxBackend';
import { ServeHandle, startServe } from '../../src/serve/startServe';
import { TINY_LLAMA } from '../helpers/fixtures';
import { copyModel } from '../helpers/engineRun';
import { inProcess, post, sseEvents } from './helpers';

/** A chat template like the engine tests' (tiny fixture models ship none). */
const TEMPLATE = "{{ bos_token }}{% for m in messages %}<|{{ m['role'] }}|> {{ m['content'] }}\n{% endfor %}{% if add_generation_prompt %}<|assistant|> {% endif %}";

let scratch: string;
let chatModel: string;
let server: ServeHandle;
let plain: ServeHandle;
let client: OpenAI;
let tokenizer: TextTokenizer;
let backend: OnnxDecoderBackend;
const MODEL = 'tiny-chat';

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'ql-serve-sdk-'));
  chatModel = copyModel(TINY_LLAMA, scratch, 'chat-llama');
  writeFileSync(join(chatModel, 'chat_template.jinja'), TEMPLATE);
  [server, plain, { tokenizer, backend }] = await Promise.all([
    startServe({ modelFolder: chatModel, variantId: 'q8', threads: 1, servedModelName: MODEL }),
    startServe({ modelFolder: TINY_LLAMA, variantId: 'q8', threads: 1 }),
    inProcess(chatModel, 'q8'),
  ]);
  client = new OpenAI({ baseURL: server.baseUrl, apiKey: 'not-needed', maxRetries: 0 });
});

after(async () => {
  await Promise.all([server?.close(), plain?.close(), backend?.dispose()]);
  rmSync(scratch, { recursive: true, force: true });
});

test('the openai SDK lists the model and gets completions, plain and streamed, equal to the in-process greedy decode', async () => {
  const models = await client.models.list();
  assert.deepEqual(models.data.map((m) => m.id), [MODEL]);
  const prompt = 'The old man walked to his bench by the bridge';
  const greedy = await backend.generateGreedy(tokenizer.encode(prompt, true), { maxNewTokens: 10, stopOnEos: false });
  const completion = await client.completions.create({ model: MODEL, prompt, max_tokens: 10, temperature: 0, seed: 1, logprobs: 2, ignore_eos: true } as OpenAI.CompletionCreateParamsNonStreaming);
  assert.equal(completion.choices[0]!.text, tokenizer.decode(greedy.tokens));
  assert.equal(completion.choices[0]!.logprobs!.tokens!.length, 10);
  assert.equal(completion.usage!.completion_tokens, 10);

  const streamed = await client.completions.create({ model: MODEL, prompt, max_tokens: 10, temperature: 0, stream: true, stream_options: { include_usage: true }, ignore_eos: true } as OpenAI.CompletionCreateParamsStreaming);
  let text = '';
  let usage: OpenAI.CompletionUsage | undefined;
  let finish: string | null = null;
  for await (const chunk of streamed) {
    text += chunk.choices[0]?.text ?? '';
    finish = chunk.choices[0]?.finish_reason ?? finish;
    usage = chunk.usage ?? usage;
  }
  assert.equal(text, completion.choices[0]!.text);
  assert.equal(finish, 'length');
  assert.equal(usage!.completion_tokens, 10);
});

test('chat completions through the model\'s chat template, plain and streamed, with chat-shaped logprobs; the SDK surfaces our 400s', async () => {
  const messages = [{ role: 'system' as const, content: 'You are brief.' }, { role: 'user' as const, content: 'Where did the boat come from?' }];
  const rendered = tokenizer.applyChatTemplate!(messages);
  const greedy = await backend.generateGreedy(tokenizer.encode(rendered, false), { maxNewTokens: 8, stopOnEos: false });
  const chat = await client.chat.completions.create({ model: MODEL, messages, max_completion_tokens: 8, temperature: 0, logprobs: true, top_logprobs: 2, ignore_eos: true } as OpenAI.ChatCompletionCreateParamsNonStreaming);
  assert.equal(chat.object, 'chat.completion');
  assert.equal(chat.choices[0]!.message.role, 'assistant');
  assert.equal(chat.choices[0]!.message.content, tokenizer.decode(greedy.tokens));
  assert.equal(chat.usage!.prompt_tokens, tokenizer.encode(rendered, false).length);
  const content = chat.choices[0]!.logprobs!.content!;
  assert.equal(content.length, 8);
  for (const entry of content) {
    assert.equal(entry.top_logprobs.length, 2);
    assert.ok(entry.logprob <= 0 && entry.top_logprobs[0]!.logprob >= entry.top_logprobs[1]!.logprob);
    assert.deepEqual(entry.bytes, [...Buffer.from(entry.token, 'utf8')]);
  }

  const stream = await client.chat.completions.create({ model: MODEL, messages, max_tokens: 8, temperature: 0, stream: true, ignore_eos: true } as OpenAI.ChatCompletionCreateParamsStreaming);
  const deltas: string[] = [];
  let role: string | undefined;
  for await (const chunk of stream) {
    role ??= chunk.choices[0]?.delta.role;
    deltas.push(chunk.choices[0]?.delta.content ?? '');
  }
  assert.equal(role, 'assistant');
  assert.equal(deltas.join(''), chat.choices[0]!.message.content);
  assert.equal(deltas.length, 9, 'the role chunk, then one per token');

  await assert.rejects(client.chat.completions.create({ model: MODEL, messages, temperature: 1 }), (error: unknown) => {
    assert.ok(error instanceof OpenAI.BadRequestError, String(error));
    assert.match(error.message, /greedily only/);
    return true;
  });
  await assert.rejects(client.completions.create({ model: 'other', prompt: 'x' }), (error: unknown) => error instanceof OpenAI.NotFoundError);
});

test('chat on a model without a chat template is a 400 that says so; vLLM prompt_logprobs come at the chat response\'s top level', async () => {
  const r = await post(`${plain.baseUrl}/chat/completions`, { messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /this model has no chat template/);
  const withRows = await post(`${server.baseUrl}/chat/completions`, { messages: [{ role: 'user', content: [{ type: 'text', text: 'hi there' }] }], max_tokens: 1, prompt_logprobs: 0 });
  assert.equal(withRows.status, 200, withRows.text);
  assert.equal(withRows.json.prompt_logprobs.length, withRows.json.usage.prompt_tokens);
  assert.equal(withRows.json.prompt_logprobs[0], null);
  const streamedChat = await fetch(`${server.baseUrl}/chat/completions`, { method: 'POST', body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], max_tokens: 2, ignore_eos: true, stream: true, stream_options: { include_usage: true } }) });
  const events = await sseEvents(streamedChat);
  const chunks = events.slice(0, -1).map((e) => JSON.parse(e));
  assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk'));
  assert.equal(chunks.at(-1).usage.completion_tokens, 2);
  assert.equal(chunks.at(-2).choices[0].finish_reason, 'length');
});

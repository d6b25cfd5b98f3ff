import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { discoverEndpoint, hostOf, parseEndpointArgument } from '../../src/node/endpoint/discover';
import type { RequestPolicy } from '../../src/node/endpoint/requestPolicy';
import { rejectsWithMessage, sendJson, startFake } from './fakeServer';

const FAST: RequestPolicy = { timeoutMs: 2000, idleTimeoutMs: 500, maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 50 };

function modelsServer(data: object[], headers: Record<string, string> = {}, extra: Record<string, object> = {}) {
  return startFake((req, res) => {
    if (req.path === '/v1/models') return sendJson(res, 200, { object: 'list', data }, headers);
    if (extra[req.path]) return sendJson(res, 200, extra[req.path]);
    sendJson(res, 404, { error: 'Not Found' });
  });
}

test('parseEndpointArgument: [name=]URL[,URL…], trailing slash dropped, clear errors', () => {
  assert.deepEqual(parseEndpointArgument('http://127.0.0.1:8000/v1'), { baseUrls: ['http://127.0.0.1:8000/v1'] });
  assert.deepEqual(parseEndpointArgument('q4s=http://127.0.0.1:8000/v1/'), { name: 'q4s', baseUrls: ['http://127.0.0.1:8000/v1'] });
  assert.deepEqual(parseEndpointArgument('awq=http://a:1/v1,http://b:2/v1'), { name: 'awq', baseUrls: ['http://a:1/v1', 'http://b:2/v1'] });
  assert.deepEqual(parseEndpointArgument('https://gw.example.com/llm/v1'), { baseUrls: ['https://gw.example.com/llm/v1'] });
  assert.throws(() => parseEndpointArgument('q4=http://127.0.0.1:8000'), /must end in \/v1, the base OpenAI-compatible clients use \(e\.g\. http:\/\/127\.0\.0\.1:8000\/v1\)/);
  assert.throws(() => parseEndpointArgument('ftp://x/v1'), /must start with http:\/\/ or https:\/\//);
  assert.throws(() => parseEndpointArgument('=http://x/v1'), /the name before "=" is empty/);
  assert.throws(() => parseEndpointArgument('q4=not a url'), /"not a url" is not a URL/);
  assert.equal(hostOf('http://user:pw@10.0.0.5:8000/v1'), '10.0.0.5:8000');
  assert.equal(hostOf('http://[::1]:9/v1'), '[::1]:9');
});

test('discoverEndpoint: the only model, vLLM from owned_by, host:port, max_model_len, key variable name only', async () => {
  const server = await modelsServer([{ id: 'Qwen/Qwen2.5-7B-AWQ', object: 'model', owned_by: 'vllm', max_model_len: 32768 }]);
  try {
    const variant = await discoverEndpoint({ baseUrls: [server.baseUrl + '/'], apiKeyEnv: 'QL_TEST_KEY' }, { QL_TEST_KEY: 'sk-secret' }, { policy: FAST });
    assert.deepEqual(variant, {
      id: 'Qwen/Qwen2.5-7B-AWQ',
      dtype: 'unknown',
      file: server.baseUrl,
      externalDataFiles: [],
      sizeBytes: 0,
      served: { baseUrls: [server.baseUrl], model: 'Qwen/Qwen2.5-7B-AWQ', dialect: 'vllm', hosts: [`127.0.0.1:${server.port}`], maxModelLength: 32768, apiKeyEnv: 'QL_TEST_KEY' },
    });
    assert.equal(server.seen[0]!.headers.authorization, 'Bearer sk-secret');
    assert.ok(!JSON.stringify(variant).includes('sk-secret'));
  } finally {
    await server.close();
  }
});

test('discoverEndpoint: several models need --endpoint-model, and the error lists them', async () => {
  const server = await modelsServer([{ id: 'a', owned_by: 'sglang' }, { id: 'b', owned_by: 'sglang' }]);
  try {
    await rejectsWithMessage(discoverEndpoint({ baseUrls: [server.baseUrl] }, {}, { policy: FAST }), new RegExp(`^${server.baseUrl.replace(/\./g, '\\.')}: serves 2 models \\(a, b\\); pick one with --endpoint-model ID\\.$`));
    const picked = await discoverEndpoint({ name: 'mine', baseUrls: [server.baseUrl], model: 'b' }, {}, { policy: FAST });
    assert.equal(picked.id, 'mine');
    assert.equal(picked.served?.model, 'b');
    assert.equal(picked.served?.dialect, 'sglang');
    await rejectsWithMessage(discoverEndpoint({ baseUrls: [server.baseUrl], model: 'c' }, {}, { policy: FAST }), /does not serve model "c" \(it serves: a, b\)\. Pick one with --endpoint-model ID\.$/);
  } finally {
    await server.close();
  }
});

test('discoverEndpoint: replicas must all serve the model; hosts list each', async () => {
  const one = await modelsServer([{ id: 'm', owned_by: 'vllm' }]);
  const two = await modelsServer([{ id: 'm', owned_by: 'vllm' }]);
  const other = await modelsServer([{ id: 'x', owned_by: 'vllm' }]);
  try {
    const variant = await discoverEndpoint({ baseUrls: [one.baseUrl, two.baseUrl] }, {}, { policy: FAST });
    assert.deepEqual(variant.served?.hosts, [`127.0.0.1:${one.port}`, `127.0.0.1:${two.port}`]);
    await rejectsWithMessage(discoverEndpoint({ baseUrls: [one.baseUrl, other.baseUrl] }, {}, { policy: FAST }), /does not serve model "m" \(it serves: x\)\. Replicas of one variant must serve the same model\.$/);
  } finally {
    await Promise.all([one.close(), two.close(), other.close()]);
  }
});

test('discoverEndpoint: dialects from owned_by, the Server header and the servers\' info routes', async () => {
  const cases: Array<[string, Promise<Awaited<ReturnType<typeof modelsServer>>>]> = [
    ['llama.cpp', modelsServer([{ id: 'g.gguf', owned_by: 'llamacpp' }])],
    ['quantlens', modelsServer([{ id: 'q4', owned_by: 'quantlens' }])],
    ['llama.cpp', modelsServer([{ id: 'g', owned_by: 'someone' }], { server: 'llama.cpp' })],
    ['tgi', modelsServer([{ id: 'meta/llama', owned_by: 'meta/llama' }], {}, { '/info': { model_id: 'meta/llama', max_top_n_tokens: 5, router: 'text-generation-router', version: '3.3.0' } })],
    ['ollama', modelsServer([{ id: 'llama3:8b', owned_by: 'library' }])],
    ['openai-compatible', modelsServer([{ id: 'x', owned_by: 'acme' }])],
  ];
  for (const [dialect, started] of cases) {
    const server = await started;
    try {
      assert.equal((await discoverEndpoint({ baseUrls: [server.baseUrl] }, {}, { policy: FAST })).served?.dialect, dialect);
    } finally {
      await server.close();
    }
  }
});

test('discoverEndpoint: an unset key variable, a non-list answer and a dead server are clear errors', async () => {
  await rejectsWithMessage(discoverEndpoint({ baseUrls: ['http://127.0.0.1:9/v1'], apiKeyEnv: 'QL_NOPE' }, {}, { policy: FAST }), /^The endpoint's API key variable QL_NOPE is not set \(or empty\)\./);
  const server = await startFake((_req, res) => sendJson(res, 200, { models: ['m'] }));
  try {
    await rejectsWithMessage(discoverEndpoint({ baseUrls: [server.baseUrl] }, {}, { policy: FAST }), /GET \/models did not answer an OpenAI model list/);
  } finally {
    await server.close();
  }
  await rejectsWithMessage(discoverEndpoint({ baseUrls: [server.baseUrl] }, {}, { policy: FAST }), /GET \/models failed after 2 attempts: .*ECONNREFUSED/);
});

import { strict as assert } from 'node:assert';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { streamCompletion } from '../../src/node/endpoint/completionStream';
import { EndpointClient, isEndpointError } from '../../src/node/endpoint/httpClient';
import { backoffDelayMs, DEFAULT_POLICY, RequestPolicy, retryAfterMs } from '../../src/node/endpoint/requestPolicy';
import { rejectsWithMessage, sendJson, sleep, sseHead, startFake } from './fakeServer';

const FAST: RequestPolicy = { timeoutMs: 2000, idleTimeoutMs: 500, maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 2000, random: () => 0.5 };

test('500s then success: the request is retried with backoff, the retries are counted and reported', async () => {
  let calls = 0;
  const server = await startFake((_req, res) => (++calls <= 2 ? sendJson(res, 500, { object: 'error', message: 'engine busy' }) : sendJson(res, 200, { ok: true })));
  try {
    const retries: string[] = [];
    const client = new EndpointClient({ baseUrl: server.baseUrl, policy: FAST, onRetry: (i) => retries.push(`${i.attempt}:${i.delayMs}:${i.reason}`) });
    const { body } = await client.postJson('/completions', { prompt: [1] });
    assert.deepEqual(body, { ok: true });
    assert.equal(calls, 3);
    assert.equal(client.retries, 2);
    // Full jitter with random() = 0.5: half of base·2^attempt.
    assert.deepEqual(retries, ['1:5:HTTP 500: engine busy', '2:10:HTTP 500: engine busy']);
  } finally {
    await server.close();
  }
});

test('500 every time: the error says the status, the attempts and the server\'s own text', async () => {
  const server = await startFake((_req, res) => sendJson(res, 503, { error: { message: 'CUDA out of memory', type: 'ServiceUnavailable' } }));
  try {
    const client = new EndpointClient({ baseUrl: server.baseUrl, policy: { ...FAST, maxAttempts: 3 } });
    await assert.rejects(client.postJson('/completions', {}), (e: Error) => {
      assert.ok(isEndpointError(e));
      assert.equal(e.message, `${server.baseUrl}: POST /completions failed with HTTP 503 after 3 attempts: CUDA out of memory`);
      return true;
    });
    assert.equal(server.seen.length, 3);
  } finally {
    await server.close();
  }
});

test('429 with Retry-After: the client waits as long as the server asks, then succeeds', async () => {
  const times: number[] = [];
  const server = await startFake((_req, res) => {
    times.push(Date.now());
    if (times.length === 1) return sendJson(res, 429, { object: 'error', message: 'rate limited' }, { 'retry-after': '1' });
    sendJson(res, 200, { ok: 1 });
  });
  try {
    const client = new EndpointClient({ baseUrl: server.baseUrl, policy: FAST });
    await client.getJson('/models');
    assert.equal(times.length, 2);
    assert.ok(times[1]! - times[0]! >= 950, `waited ${times[1]! - times[0]!} ms`);
    assert.equal(client.retries, 1);
  } finally {
    await server.close();
  }
});

test('a 400 is not retried and shows the server\'s message', async () => {
  const server = await startFake((_req, res) => sendJson(res, 400, { object: 'error', message: 'Requested prompt logprobs of 32000, which is greater than max allowed: 20', code: 400 }));
  try {
    const client = new EndpointClient({ baseUrl: server.baseUrl, policy: FAST });
    await rejectsWithMessage(client.postJson('/completions', {}), /HTTP 400: Requested prompt logprobs of 32000, which is greater than max allowed: 20$/);
    assert.equal(server.seen.length, 1);
  } finally {
    await server.close();
  }
});

test('a slow server: the request times out, is retried, and the error says so with the endpoint', async () => {
  const server = await startFake(async (_req, res) => {
    await sleep(600);
    sendJson(res, 200, {});
  });
  try {
    const client = new EndpointClient({ baseUrl: server.baseUrl, policy: { ...FAST, timeoutMs: 150, maxAttempts: 2 } });
    await assert.rejects(client.getJson('/models'), (e: Error) => {
      assert.equal(e.message, `${server.baseUrl}: GET /models: no response in 150 ms after 2 attempts; the server is slow or unreachable (raise the timeout if it is only slow).`);
      return true;
    });
    assert.equal(server.seen.length, 2);
  } finally {
    await server.close();
  }
});

test('connection refused is retried, then named with the endpoint', async () => {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const retries: string[] = [];
  const client = new EndpointClient({ baseUrl: `http://127.0.0.1:${port}/v1`, policy: { ...FAST, maxAttempts: 3 }, onRetry: (i) => retries.push(i.reason) });
  await assert.rejects(client.getJson('/models'), (e: Error) => {
    assert.match(e.message, new RegExp(`^http://127\\.0\\.0\\.1:${port}/v1: GET /models failed after 3 attempts: .*ECONNREFUSED.*Is the server running at http://127\\.0\\.0\\.1:${port}/v1\\?$`));
    return true;
  });
  assert.equal(retries.length, 2);
  assert.match(retries[0]!, /ECONNREFUSED/);
});

test('a connection reset before the answer is retried; the second attempt succeeds', async () => {
  let calls = 0;
  const server = await startFake((_req, res) => {
    if (++calls === 1) return void res.socket?.destroy();
    sendJson(res, 200, { fine: true });
  });
  try {
    const client = new EndpointClient({ baseUrl: server.baseUrl, policy: FAST });
    assert.deepEqual((await client.getJson('/models')).body, { fine: true });
    assert.equal(client.retries, 1);
  } finally {
    await server.close();
  }
});

test('the API key is sent as Bearer and never appears in an error, even when the server echoes it', async () => {
  const key = 'sk-test-secret-4242';
  const server = await startFake((req, res) => sendJson(res, 401, { object: 'error', message: `bad key: ${req.headers.authorization}` }));
  try {
    const client = new EndpointClient({ baseUrl: server.baseUrl, apiKey: key, policy: FAST });
    await assert.rejects(client.postJson('/completions', {}), (e: Error) => {
      assert.ok(!e.message.includes(key), e.message);
      assert.ok(!String((e as { serverText?: string }).serverText).includes(key));
      assert.match(e.message, /HTTP 401: bad key: Bearer \*\*\*$/);
      return true;
    });
    assert.equal(server.seen[0]!.headers.authorization, `Bearer ${key}`);
  } finally {
    await server.close();
  }
});

test('an answer that is not JSON is an error naming the endpoint and what came', async () => {
  const server = await startFake((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<html>proxy login</html>');
  });
  try {
    const client = new EndpointClient({ baseUrl: server.baseUrl, policy: FAST });
    await rejectsWithMessage(client.getJson('/models'), new RegExp(`^${server.baseUrl.replace(/\./g, '\\.')}: GET /models answered HTTP 200 with a body that is not JSON: <html>proxy login</html>$`));
  } finally {
    await server.close();
  }
});

function chunk(text: string, finish: string | null = null): string {
  return `data: ${JSON.stringify({ id: 'c', object: 'text_completion', model: 'm', choices: [{ index: 0, text, finish_reason: finish, token_ids: [text.length] }] })}\n\n`;
}

async function collect(baseUrl: string, policy = FAST, signal?: AbortSignal): Promise<string[]> {
  const client = new EndpointClient({ baseUrl, policy });
  const stream = await streamCompletion(client, '/completions', { prompt: [1] }, signal);
  const texts: string[] = [];
  for await (const c of stream.chunks) texts.push(c.text);
  return texts;
}

test('SSE: events split at any byte, CRLF line ends, comments and keep-alives, then [DONE]', async () => {
  const wire = `: ping\r\n\r\n${chunk('ab').replace(/\n/g, '\r\n')}${chunk('cé')}: keep-alive\n\n${chunk('d', 'length')}data: [DONE]\n\n`;
  const bytes = Buffer.from(wire, 'utf8');
  const server = await startFake(async (_req, res) => {
    sseHead(res);
    // One byte at a time: splits every line, every CRLF pair and the two bytes of "é".
    for (let i = 0; i < bytes.length; i++) {
      res.write(bytes.subarray(i, i + 1));
      if (i % 40 === 0) await sleep(1);
    }
    res.end();
  });
  try {
    assert.deepEqual(await collect(server.baseUrl), ['ab', 'cé', 'd']);
  } finally {
    await server.close();
  }
});

test('SSE: a malformed chunk is an error naming the endpoint and quoting what came', async () => {
  const server = await startFake((_req, res) => {
    sseHead(res);
    res.end(`${chunk('a')}data: {"choices": [{"text": "b"\n\ndata: [DONE]\n\n`);
  });
  try {
    await rejectsWithMessage(collect(server.baseUrl), new RegExp(`^${server.baseUrl.replace(/\./g, '\\.')}: POST /completions: stream event 2 is not JSON: \\{"choices": \\[\\{"text": "b"$`));
  } finally {
    await server.close();
  }
});

test('SSE: a stream that stops without finish_reason or [DONE] is an error (truncated)', async () => {
  const server = await startFake((_req, res) => {
    sseHead(res);
    res.end(chunk('a') + chunk('b'));
  });
  try {
    await rejectsWithMessage(collect(server.baseUrl), /POST \/completions: the stream ended after 2 events without a finish_reason or \[DONE\]; it was cut off/);
  } finally {
    await server.close();
  }
});

test('SSE: the server killed mid-stream is an error naming the endpoint', async () => {
  const server = await startFake(async (_req, res) => {
    sseHead(res);
    res.write(chunk('a'));
    await sleep(30);
    res.socket?.destroy();
  });
  try {
    await rejectsWithMessage(collect(server.baseUrl), new RegExp(`^${server.baseUrl.replace(/\./g, '\\.')}: POST /completions: the connection broke after 1 stream events \\(.+\\); the server may have stopped or restarted\\.$`));
  } finally {
    await server.close();
  }
});

test('SSE: an error event mid-stream carries the server\'s message', async () => {
  const server = await startFake((_req, res) => {
    sseHead(res);
    res.end(`${chunk('a')}data: {"object":"error","message":"KV cache exhausted","type":"InternalServerError","code":500}\n\ndata: [DONE]\n\n`);
  });
  try {
    await rejectsWithMessage(collect(server.baseUrl), /the server reported an error mid-stream: KV cache exhausted$/);
  } finally {
    await server.close();
  }
});

test('SSE: a stream that goes silent hits the idle timeout and its socket is closed', async () => {
  let closed = false;
  const server = await startFake((req, res) => {
    sseHead(res);
    res.write(chunk('a'));
    res.on('close', () => (closed = true));
    void req;
  });
  try {
    const started = Date.now();
    await rejectsWithMessage(collect(server.baseUrl, { ...FAST, idleTimeoutMs: 200 }), /the stream sent nothing for 200 ms/);
    assert.ok(Date.now() - started < 1500);
    await sleep(50);
    assert.ok(closed, 'the client closed the stream');
  } finally {
    await server.close();
  }
});

test('an AbortSignal closes the stream: the server sees the connection close', async () => {
  let closed = false;
  const server = await startFake(async (_req, res) => {
    sseHead(res);
    res.on('close', () => (closed = true));
    for (let i = 0; i < 200 && !closed; i++) {
      res.write(chunk('x'));
      await sleep(10);
    }
    res.end();
  });
  try {
    const controller = new AbortController();
    const client = new EndpointClient({ baseUrl: server.baseUrl, policy: FAST });
    const stream = await streamCompletion(client, '/completions', {}, controller.signal);
    let seen = 0;
    await assert.rejects(
      (async () => {
        for await (const _ of stream.chunks) if (++seen === 3) controller.abort(new Error('user cancelled'));
      })(),
      /user cancelled/,
    );
    await sleep(50);
    assert.ok(closed);
  } finally {
    await server.close();
  }
});

test('policy arithmetic: Retry-After as seconds or a date; backoff doubles under its cap', () => {
  assert.equal(retryAfterMs('3'), 3000);
  assert.equal(retryAfterMs(new Date(10_000).toUTCString(), 4_000), 6000);
  assert.equal(retryAfterMs('soon'), undefined);
  assert.equal(retryAfterMs(null), undefined);
  const p = { ...DEFAULT_POLICY, baseDelayMs: 100, maxDelayMs: 500, random: () => 0.999 };
  assert.deepEqual([0, 1, 2, 3].map((a) => backoffDelayMs(p, a)), [99, 199, 399, 499]);
});

test('a user:password@ URL is sent as Basic auth, and neither part appears in the endpoint name or errors', async () => {
  const server = await startFake((_req, res) => sendJson(res, 500, { message: 'nope' }));
  try {
    const url = server.baseUrl.replace('http://', 'http://alice:s3cret-pw@');
    const client = new EndpointClient({ baseUrl: url, policy: { ...FAST, maxAttempts: 1 } });
    assert.equal(client.endpoint, server.baseUrl);
    await assert.rejects(client.getJson('/models'), (e: Error) => !e.message.includes('s3cret') && !e.message.includes('alice'));
    assert.equal(server.seen[0]!.headers.authorization, `Basic ${Buffer.from('alice:s3cret-pw').toString('base64')}`);
  } finally {
    await server.close();
  }
});

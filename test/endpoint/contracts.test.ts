import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ServerDialect } from '../../src/shared/endpoints';
import { streamCompletion } from '../../src/node/endpoint/completionStream';
import { discoverEndpoint } from '../../src/node/endpoint/discover';
import { EndpointClient, isEndpointError } from '../../src/node/endpoint/httpClient';
import type { RequestPolicy } from '../../src/node/endpoint/requestPolicy';
import { CompletionOptions, promptLogprobsRequest, streamedCompletionRequest, tokenizeRequest } from '../../src/node/endpoint/requests';
import { LogprobRow, parsePromptLogprobs, parseSglangInputLogprobs, parseTgiPrefill, parseTokenizeResponse } from '../../src/node/endpoint/responses';
import { sendJson, startFake } from './fakeServer';

/**
 * Replays every contract fixture (test/contracts/<dialect>/*.json) over a real socket: the fake
 * server answers with the recorded response only when QuantLens's request carries every field
 * the fixture names, with the same value; the parsers must then give the fixture's `expect`.
 */
const ROOT = join(process.cwd(), 'test/contracts');
const POLICY: RequestPolicy = { timeoutMs: 3000, idleTimeoutMs: 2000, maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 };

interface Exchange {
  request: { method: string; path: string; body?: unknown };
  response: { status: number; headers?: Record<string, string>; body?: unknown; sse?: string[] };
}
interface Fixture {
  dialect: ServerDialect;
  source: unknown[];
  exchanges: Exchange[];
  check: Record<string, unknown> & { kind: string; expect: Record<string, unknown> };
}

/** Where `expected` (the fixture's request) is not contained in `actual` (what QuantLens sent), or null. */
function notContained(expected: unknown, actual: unknown, path = 'body'): string | null {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    if (!actual || typeof actual !== 'object') return `${path}: expected an object, QuantLens sent ${JSON.stringify(actual)}`;
    for (const [key, value] of Object.entries(expected)) {
      const miss = notContained(value, (actual as Record<string, unknown>)[key], `${path}.${key}`);
      if (miss) return miss;
    }
    return null;
  }
  return JSON.stringify(expected) === JSON.stringify(actual) ? null : `${path}: the fixture has ${JSON.stringify(expected)}, QuantLens sent ${JSON.stringify(actual)}`;
}

function rowsAsObjects(rows: Array<LogprobRow | null>): Array<Record<string, number> | null> {
  return rows.map((row) => (row ? Object.fromEntries([...row].map(([id, lp]) => [String(id), lp])) : null));
}

const files = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(join(ROOT, d.name)).filter((f) => f.endsWith('.json')).map((f) => join(d.name, f)));

test('every server dialect has contract fixtures, each naming its source', () => {
  const dialects = new Set(files.map((f) => f.split('/')[0]));
  for (const d of ['vllm', 'sglang', 'tgi', 'llamacpp', 'openai']) assert.ok(dialects.has(d), `test/contracts/${d}/ has fixtures`);
  for (const file of files) {
    const fixture = JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as Fixture;
    assert.ok(Array.isArray(fixture.source) && fixture.source.length > 0, `${file} names its source`);
  }
});

for (const file of files) {
  test(`contract ${file}`, async () => {
    const fixture = JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as Fixture;
    const mismatches: string[] = [];
    const server = await startFake((req, res) => {
      const exchange = fixture.exchanges.find((e) => e.request.method === req.method && e.request.path === req.path);
      if (!exchange) return sendJson(res, 404, { error: `no exchange for ${req.method} ${req.path}` });
      const miss = exchange.request.body === undefined ? null : notContained(exchange.request.body, req.body);
      if (miss) {
        mismatches.push(miss);
        return sendJson(res, 418, { error: miss });
      }
      const { status, headers, body, sse } = exchange.response;
      if (sse) {
        res.writeHead(status, { 'content-type': 'text/event-stream', ...headers });
        return void res.end(sse.map((line) => `${line}\n\n`).join(''));
      }
      sendJson(res, status, body, headers);
    });
    try {
      const client = new EndpointClient({ baseUrl: server.baseUrl, policy: POLICY });
      const check = fixture.check;
      const model = String(check.model ?? 'm');
      switch (check.kind) {
        case 'models': {
          const variant = await discoverEndpoint({ baseUrls: [server.baseUrl] }, {}, { policy: POLICY });
          const got = { model: variant.served!.model, dialect: variant.served!.dialect, ...(variant.served!.maxModelLength !== undefined ? { maxModelLength: variant.served!.maxModelLength } : {}) };
          assert.deepEqual(got, check.expect);
          break;
        }
        case 'tokenize': {
          const request = tokenizeRequest(fixture.dialect, model, String(check.text));
          const { body } = await client.postJson(request.path, request.body, { root: request.root });
          assert.deepEqual(parseTokenizeResponse(body), (check.expect as { tokens: number[] }).tokens);
          break;
        }
        case 'promptLogprobs': {
          const prompt = check.prompt as number[];
          const request = promptLogprobsRequest(fixture.dialect, model, prompt, Number(check.k));
          const { body } = await client.postJson(request.path, request.body, { root: request.root });
          const rows = fixture.dialect === 'sglang' ? parseSglangInputLogprobs(body, prompt.length) : parsePromptLogprobs(body, prompt.length);
          assert.deepEqual(rowsAsObjects(rows), check.expect.rows);
          break;
        }
        case 'tgiPrefill': {
          // TGI is not used for distributions (no top-n over the prompt); the request is the documented one.
          const { body } = await client.postJson('/generate', { inputs: check.text, parameters: { details: true, decoder_input_details: true, max_new_tokens: 1 } }, { root: true });
          assert.deepEqual(rowsAsObjects(parseTgiPrefill(body, Number(check.promptLength))), check.expect.rows);
          break;
        }
        case 'stream': {
          const request = streamedCompletionRequest(fixture.dialect, model, check.prompt as number[], check.options as CompletionOptions);
          const stream = await streamCompletion(client, request.path, request.body);
          const chunks: unknown[] = [];
          for await (const chunk of stream.chunks) {
            const { arrivedAtMs, ...rest } = chunk;
            assert.equal(typeof arrivedAtMs, 'number');
            chunks.push(rest);
          }
          assert.deepEqual(chunks, check.expect.chunks);
          break;
        }
        case 'error': {
          const body = (check.body as Record<string, unknown>) ?? promptLogprobsRequest(fixture.dialect, model, check.prompt as number[], Number(check.k)).body;
          const path = fixture.exchanges[0]!.request.path.replace(/^\/v1/, '');
          await assert.rejects(client.postJson(path, body), (e: unknown) => {
            assert.ok(isEndpointError(e));
            assert.equal(e.status, check.expect.status);
            assert.equal(e.serverText, check.expect.serverText);
            assert.ok(e.message.startsWith(`${server.baseUrl}: POST ${path} failed with HTTP ${check.expect.status}`), e.message);
            return true;
          });
          break;
        }
        default:
          assert.fail(`${file}: unknown check kind ${check.kind}`);
      }
      assert.deepEqual(mismatches, [], 'QuantLens sent every field the contract names');
    } finally {
      await server.close();
    }
  });
}

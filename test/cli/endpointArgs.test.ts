import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { parseEvalArgs } from '../../src/cli/args';
import { UsageError } from '../../src/cli/usage';
import { normalizeBaseUrl, parseEndpointFlags } from '../../src/node/endpointSpecs';
import { parseRequestRates } from '../../src/shared/servedLoad';

const DEFAULTS = { corpus: '/c.txt', prompts: '/p.txt', cores: 4 };
const parse = (...args: string[]) => parseEvalArgs(['/models/m', ...args], DEFAULTS);

/** The UsageError message `args` give (fails when they parse). */
function usageError(...args: string[]): string {
  try {
    parse(...args);
  } catch (error) {
    assert.ok(error instanceof UsageError, String(error));
    return error.message;
  }
  assert.fail(`${args.join(' ')} parsed`);
}

test('--endpoint: a named URL, replicas under one name, unnamed URLs each their own variant, in the order given', () => {
  const { request } = parse(
    '--variants', 'fp32',
    '--endpoint', 'q4s=http://127.0.0.1:8000/v1',
    '--endpoint', 'http://gpu-box:9000/v1/',
    '--endpoint', 'q4s=https://replica.example:8443/v1',
  );
  assert.deepEqual(request.variants, ['fp32']);
  assert.deepEqual(request.endpoints, [
    { name: 'q4s', baseUrls: ['http://127.0.0.1:8000/v1', 'https://replica.example:8443/v1'] },
    { baseUrls: ['http://gpu-box:9000/v1'] },
  ]);
  assert.equal(request.servedLoad, undefined, 'no load flags: the worker defaults apply');
  assert.equal(parse().request.endpoints, undefined, 'no --endpoint: no endpoints key at all');
});

test('--endpoint-model and --endpoint-key-env: one value for every endpoint, or NAME=value per endpoint', () => {
  const all = parse('--endpoint', 'a=http://h:1/v1', '--endpoint', 'b=http://h:2/v1', '--endpoint-model', 'meta-llama/Llama-3.2-1B', '--endpoint-key-env', 'QL_KEY');
  assert.deepEqual(all.request.endpoints, [
    { name: 'a', baseUrls: ['http://h:1/v1'], model: 'meta-llama/Llama-3.2-1B', apiKeyEnv: 'QL_KEY' },
    { name: 'b', baseUrls: ['http://h:2/v1'], model: 'meta-llama/Llama-3.2-1B', apiKeyEnv: 'QL_KEY' },
  ]);
  const each = parse('--endpoint', 'a=http://h:1/v1', '--endpoint', 'b=http://h:2/v1', '--endpoint-model', 'b=q4', '--endpoint-key-env', 'a=KEY_A');
  assert.deepEqual(each.request.endpoints, [
    { name: 'a', baseUrls: ['http://h:1/v1'], apiKeyEnv: 'KEY_A' },
    { name: 'b', baseUrls: ['http://h:2/v1'], model: 'q4' },
  ]);
  assert.match(usageError('--endpoint', 'a=http://h:1/v1', '--endpoint-model', 'x', '--endpoint-model', 'a=y'), /^--endpoint-model a=y: a already has --endpoint-model x;/);
  assert.match(usageError('--endpoint-model', 'x'), /^--endpoint-model needs an endpoint: give --endpoint/);
});

test('--endpoint-key-env takes a variable name, never the key: a key-looking value is refused without being echoed', () => {
  const key = 'sk-live-0123456789abcdef';
  const message = usageError('--endpoint', 'http://h:1/v1', '--endpoint-key-env', key);
  assert.match(message, /^--endpoint-key-env: "sk…" is not an environment variable name; .* never the key itself/);
  assert.ok(!message.includes(key) && !message.includes('0123456789'), message);
  assert.throws(() => parse('--endpoint-key', key), /Unknown option '--endpoint-key'/, 'there is no flag that takes a key');
});

test('malformed endpoint URLs: a clear error naming the flag, the value and the fix', () => {
  const cases: Array<[string, RegExp]> = [
    ['not a url', /^--endpoint not a url: not a URL; give the server's OpenAI-compatible base URL, e\.g\. http:\/\/127\.0\.0\.1:8000\/v1$/],
    ['q4s=', /^--endpoint q4s=: no URL after the name/],
    ['ftp://h:21/v1', /^--endpoint ftp:\/\/h:21\/v1: the URL must start with http:\/\/ or https:\/\//],
    ['http://127.0.0.1:8000', /^--endpoint http:\/\/127\.0\.0\.1:8000: the base URL must end in \/v1 .* e\.g\. http:\/\/127\.0\.0\.1:8000\/v1$/],
    ['http://h:1/v1?x=1', /no query or fragment/],
    ['bad name!=http://h:1/v1', /the name "bad name!" must be letters, digits/],
  ];
  for (const [value, expected] of cases) assert.match(usageError('--endpoint', value), expected, value);
  const credentials = usageError('--endpoint', 'http://user:hunter2@h:1/v1');
  assert.match(credentials, /credentials in the URL would be written to the run card; .* --endpoint-key-env VAR/);
  assert.ok(!credentials.includes('hunter2'), credentials);
  assert.match(usageError('--endpoint', 'a=http://h:1/v1', '--endpoint', 'b=http://h:1/v1/'), /http:\/\/h:1\/v1 is already given \(for a\); a replica must be another server/);
});

test('served load flags: --perf-rates, --perf-burstiness, --perf-requests, --slo; they need an endpoint', () => {
  const { request } = parse('--endpoint', 'http://h:1/v1', '--perf-rates', '1, 4.5,inf', '--perf-burstiness', '0.5', '--perf-requests', '32', '--slo', 'ttft:500,tpot:50', '--concurrency', '1,4,16');
  assert.deepEqual(request.servedLoad, { requestRates: [1, 4.5, 'inf'], burstiness: 0.5, requestsPerCell: 32, slos: { ttft: 500, tpot: 50 } });
  assert.deepEqual(request.performance.sweep?.concurrency, [1, 4, 16], 'concurrency is the sweep list every variant shares');
  assert.deepEqual(parse('--endpoint', 'http://h:1/v1', '--slo', 'e2el:2000').request.servedLoad, { slos: { e2el: 2000 } }, 'only what was given: the load generator has the defaults');
  assert.match(usageError('--slo', 'ttft:500'), /^--slo applies to served variants only; add --endpoint/);
  assert.match(usageError('--endpoint', 'http://h:1/v1', '--slo', 'ttfb:5'), /^--slo "ttfb:5": unknown SLO "ttfb"\. Write name:milliseconds pairs separated by commas, names ttft, tpot, e2el/);
  assert.match(usageError('--endpoint', 'http://h:1/v1', '--slo', 'ttft:-1'), /^--slo "ttft:-1": "-1" \(ttft\) is not a non-negative number of milliseconds/);
  assert.match(usageError('--endpoint', 'http://h:1/v1', '--perf-rates', '0'), /^--perf-rates 0: "0" is not a positive number of requests per second \(or inf\)/);
  assert.match(usageError('--endpoint', 'http://h:1/v1', '--perf-requests', '2.5'), /^--perf-requests 2\.5: must be a positive integer/);
});

test('the parsers on their own: normalized base URLs, rates', () => {
  assert.equal(normalizeBaseUrl('HTTP://Example.COM:80/api/v1//', '--endpoint'), 'http://example.com/api/v1');
  assert.deepEqual(parseRequestRates('INF,2'), ['inf', 2]);
  assert.deepEqual(parseEndpointFlags({}), []);
});

import { strict as assert } from 'node:assert';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { TINY_LLAMA } from '../helpers/fixtures';
import { runCli, withTempDir } from '../helpers/engineRun';

const KEY = 'sk-quantlens-test-9f8e7d6c5b4a39281706';
const KEY_ENV = 'QL_TEST_ENDPOINT_KEY';

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

test('an API key from --endpoint-key-env is sent to the server and written nowhere: run.json, report.json, events.jsonl, samples, every export, the CLI output', { timeout: 240_000 }, async () => {
  const authorizations: string[] = [];
  // A real server over a real socket that refuses requests without the key: it lists one model, and
  // answers every other route with a 400 (so the served variant's units fail fast, with a message).
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    authorizations.push(String(request.headers.authorization));
    const send = (status: number, body: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.headers.authorization !== `Bearer ${KEY}`) return send(401, { error: { message: 'missing or wrong API key' } });
    if (request.method === 'GET' && request.url === '/v1/models') return send(200, { object: 'list', data: [{ id: 'tiny-q4', object: 'model', owned_by: 'vllm', max_model_len: 128 }] });
    send(400, { error: { message: `this test server does not serve ${request.url}` } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  process.env[KEY_ENV] = KEY; // the CLI (and its worker) inherit it
  try {
    await withTempDir('ql-keys-', async (out) => {
      const run = await runCli(['eval', TINY_LLAMA, '--variants', 'fp32', '--endpoint', `q4s=http://127.0.0.1:${port}/v1`, '--endpoint-key-env', KEY_ENV,
        '--measure', 'fidelity,generation', '--context', '64', '--stride', '32', '--max-new-tokens', '4', '--threads', '2', '--out', out], undefined, 200_000);
      assert.ok(authorizations.includes(`Bearer ${KEY}`), `the key reached the server: ${authorizations.join(', ')}`);
      assert.ok(!authorizations.some((a) => a !== `Bearer ${KEY}`), 'every request carried it');
      const runsRoot = join(out, '.quantlens', 'runs');
      const [runName] = readdirSync(runsRoot);
      assert.ok(runName, `a run folder: ${run.stderr}`);
      const runFolder = join(runsRoot, runName);
      const card = JSON.parse(readFileSync(join(runFolder, 'run.json'), 'utf8')) as { variants: Array<{ id: string; served?: unknown }> };
      assert.deepEqual(card.variants.find((v) => v.id === 'q4s')?.served, { dialect: 'vllm', hosts: [`127.0.0.1:${port}`], model: 'tiny-q4', baseUrls: 1, maxModelLength: 128 });
      const outputs: Array<[string, string]> = [['eval stdout', run.stdout], ['eval stderr', run.stderr]];
      for (const format of ['md', 'csv', 'html', 'json', 'samples-jsonl', 'samples-csv', 'svg', 'png']) {
        const file = join(out, `export.${format}`);
        const exported = await runCli(['export', runFolder, '--format', format, '--out', file]);
        assert.equal(exported.code, 0, `${format}: ${exported.stderr}`);
        outputs.push([`export ${format} output`, exported.stdout + exported.stderr]);
      }
      for (const file of filesUnder(out)) outputs.push([file, readFileSync(file).toString('latin1')]);
      const names = outputs.map(([name]) => name);
      for (const expected of ['run.json', 'report.json', 'events.jsonl']) assert.ok(names.some((n) => n.endsWith(expected)), `${expected} was checked`);
      for (const [name, text] of outputs) {
        assert.ok(!text.includes(KEY), `${name} holds the API key`);
        assert.ok(!text.includes(KEY.slice(0, 16)), `${name} holds part of the API key`);
      }
    });
  } finally {
    delete process.env[KEY_ENV];
    server.close();
  }
});

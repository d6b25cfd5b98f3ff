import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { TINY_LLAMA } from '../helpers/fixtures';
import { get, post } from './helpers';

const CLI = resolve('dist/cli.js');

test('quantlens serve prints its loopback base URL on stdout, answers there, and exits 0 on SIGTERM', async () => {
  const child = spawn(process.execPath, [CLI, 'serve', TINY_LLAMA, '--variant', 'q4', '--port', '0', '--max-logprobs', '5', '--threads', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  try {
    const url = await new Promise<string>((done, fail) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('\n')) done(out.split('\n')[0]!);
      });
      child.on('exit', () => fail(new Error(`serve exited before listening: ${stderr}`)));
    });
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    assert.equal((await get(`${url}/models`)).json.data[0].id, 'quantlens-tiny-llama-q4');
    const capped = await post(`${url}/completions`, { prompt: 'x', logprobs: 6 });
    assert.equal(capped.json.error.message, 'Requested sample logprobs of 6, which is greater than max allowed: 5');
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0, stderr);
});

test('quantlens serve without --variant, or with an unknown one, exits 2 saying what to pass', () => {
  const noVariant = spawnSync(process.execPath, [CLI, 'serve', TINY_LLAMA], { encoding: 'utf8' });
  assert.equal(noVariant.status, 2);
  assert.match(noVariant.stderr, /serve needs --variant ID/);
  const unknown = spawnSync(process.execPath, [CLI, 'serve', TINY_LLAMA, '--variant', 'int3'], { encoding: 'utf8' });
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /has no variant named "int3"\. Variants here: fp32, fp16, q8, q4/);
  const badPort = spawnSync(process.execPath, [CLI, 'serve', TINY_LLAMA, '--variant', 'q4', '--port', 'x'], { encoding: 'utf8' });
  assert.equal(badPort.status, 2);
  assert.match(badPort.stderr, /--port must be an integer from 0 to 65535/);
});

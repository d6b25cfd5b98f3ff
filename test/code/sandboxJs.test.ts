/** Hostile JavaScript completions in the real sandbox (a real node process), as for Python. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { nodePermissionFlag, runProgram } from '../../src/node/sandbox/runSample';
import { countingListener, leftovers, sandboxTempFolders } from './leftovers';

const FAST = { wallMs: 2000, cpuSeconds: 2 };

async function run(program: string, options: Parameters<typeof runProgram>[2] = {}) {
  const before = sandboxTempFolders();
  const marker = `quantlens_marker_${Math.random().toString(36).slice(2)}`;
  const result = await runProgram('javascript', `const ${marker} = 1;\n${program}`, { limits: FAST, ...options });
  assert.deepEqual(leftovers(marker), [], 'no process of the run is left');
  assert.deepEqual(sandboxTempFolders().filter((f) => !before.includes(f)), [], 'the temp folder is removed');
  return result;
}

test("Node's permission flag by version: --permission from 22.13 and 23.5 (Node 24 refuses the old name), the experimental one before; this Node accepts its own", () => {
  assert.deepEqual(['20.20.2', '22.12.0', '23.4.0'].map(nodePermissionFlag), Array(3).fill('--experimental-permission'));
  assert.deepEqual(['v22.13.0', '23.5.0', '24.22.3', '25.0.0'].map(nodePermissionFlag), Array(4).fill('--permission'));
  const r = spawnSync(process.execPath, [nodePermissionFlag(process.versions.node), '-e', '0'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('a passing program passes, a failing assertion is named with its line', async () => {
  const ok = await run("const assert = require('node:assert');\nfunction add(a, b) { return a + b; }\nassert.strictEqual(add(1, 2), 3);\n");
  assert.equal(ok.status, 'passed', ok.detail);
  const bad = await run("const assert = require('node:assert');\nfunction add(a, b) { return a - b; }\nfunction check(f) {\n  assert.strictEqual(f(1, 2), 3);\n}\ncheck(add);\n");
  assert.equal(bad.status, 'failed');
  assert.equal(bad.line, 5);
  assert.match(bad.detail ?? '', /^assert\.strictEqual\(f\(1, 2\), 3\);/);
});

test('an infinite loop is killed at the time limit', async () => {
  const r = await run('while (true) {}\n');
  assert.equal(r.status, 'timeout');
  assert.ok(r.durationMs < 4000, `stopped in ${r.durationMs} ms`);
});

test('a socket to the host reaches nothing', async () => {
  const listener = await countingListener();
  const port = listener.port;
  try {
    const r = await run(`const net = require('node:net');\nawait new Promise((resolve, reject) => { const s = net.connect(${port}, '127.0.0.1', resolve); s.on('error', reject); });\n`);
    assert.equal(r.status, 'failed');
    assert.match(r.detail ?? '', /ECONNREFUSED|ENETUNREACH|EPERM|connect/);
    assert.equal(listener.connections(), 0);
  } finally {
    listener.close();
  }
});

test('child processes and files outside are refused', async () => {
  const spawn = await run("require('node:child_process').execSync('sleep 10');\n");
  assert.equal(spawn.status, 'failed');
  assert.match(spawn.detail ?? '', /ERR_ACCESS_DENIED|Access to this API has been restricted/);
  const outside = mkdtempSync(join(tmpdir(), 'quantlens-outside-'));
  try {
    writeFileSync(join(outside, 'secret.txt'), 'hunter2');
    const read = await run(`require('node:fs').readFileSync(${JSON.stringify(join(outside, 'secret.txt'))}, 'utf8');\n`);
    assert.equal(read.status, 'failed');
    const write = await run(`require('node:fs').writeFileSync(${JSON.stringify(join(outside, 'escaped.txt'))}, 'x');\n`);
    assert.equal(write.status, 'failed');
    assert.equal(existsSync(join(outside, 'escaped.txt')), false);
  } finally {
    rmSync(outside, { recursive: true, force: true });
  }
});

test('a huge allocation hits the memory limit', async () => {
  const r = await run('const parts = [];\nwhile (true) parts.push(new Array(1e6).fill(1.5));\n', { limits: { ...FAST, memoryBytes: 256 * 1024 * 1024 } });
  assert.equal(r.status, 'memory', `${r.status} ${r.detail}`);
});

/**
 * Hostile Python completions, each in the real sandbox (a real python3 process): stopped or
 * contained, scored as a failure, and nothing left behind — no process carrying the run's marker,
 * no sandbox temp folder, no file outside it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProgram, TEMP_PREFIX, launchPlanFor } from '../../src/node/sandbox/runSample';
import { countingListener, leftovers, sandboxTempFolders } from './leftovers';

const FAST = { wallMs: 2000, cpuSeconds: 2 };

async function run(program: string, options: Parameters<typeof runProgram>[2] = {}) {
  const before = sandboxTempFolders();
  const marker = `quantlens_marker_${Math.random().toString(36).slice(2)}`;
  const result = await runProgram('python', `${marker} = 1\n${program}`, { limits: FAST, ...options });
  assert.deepEqual(leftovers(marker), [], 'no process of the run is left');
  assert.deepEqual(sandboxTempFolders().filter((f) => !before.includes(f)), [], 'the temp folder is removed');
  return result;
}

test('a passing program passes, a failing assertion is named with its line', async () => {
  const ok = await run('def add(a, b):\n    return a + b\nassert add(1, 2) == 3\n');
  assert.equal(ok.status, 'passed');
  const bad = await run('def add(a, b):\n    return a - b\n\ndef check(f):\n    assert f(1, 2) == 3, "one plus two"\n\ncheck(add)\n');
  assert.equal(bad.status, 'failed');
  assert.equal(bad.detail, 'assert f(1, 2) == 3, "one plus two" (one plus two)');
  assert.equal(bad.line, 6);
});

test('the isolation in force is recorded (namespaces on this machine)', () => {
  const { plan } = launchPlanFor('python');
  const record = plan.record(['/x']);
  // The CI machine has unshare; a machine without it would say 'none' here, and the run card says so.
  assert.equal(record.network, plan.level === 'namespaces' ? 'namespace' : 'none');
  assert.ok(record.notes.length > 0);
});

test('an infinite loop is killed at the time limit', async () => {
  const r = await run('while True:\n    pass\n');
  assert.equal(r.status, 'timeout');
  assert.ok(r.durationMs < 4000, `stopped in ${r.durationMs} ms`);
});

test('a fork bomb is stopped and its children die with it', async () => {
  // os.fork is turned off by the guard; through posix fork via ctypes too, RLIMIT_NPROC or the PID namespace stops it.
  const plain = await run('import os\nwhile True:\n    os.fork()\n');
  assert.equal(plain.status, 'failed');
  assert.match(plain.detail ?? '', /TypeError/);
  const viaLibc = await run('import ctypes, time\nlibc = ctypes.CDLL(None)\nfor _ in range(200):\n    libc.fork()\ntime.sleep(30)\n');
  assert.notEqual(viaLibc.status, 'passed');
});

test('a 10 GB allocation hits the memory limit', async () => {
  const r = await run('x = bytearray(10 * 1024 ** 3)\nassert len(x) > 0\n');
  assert.equal(r.status, 'memory');
});

test('writing outside its temp folder is refused and leaves no file', async () => {
  const outside = mkdtempSync(join(tmpdir(), 'quantlens-outside-'));
  try {
    const target = join(outside, 'escaped.txt');
    const r = await run(`open(${JSON.stringify(target)}, "w").write("x")\n`);
    assert.equal(r.status, 'failed');
    assert.match(r.detail ?? '', /OSError|Read-only|PermissionError/);
    assert.equal(existsSync(target), false);
    // Its own folder is writable.
    assert.equal((await run('open("scratch.txt", "w").write("ok")\nassert open("scratch.txt").read() == "ok"\n')).status, 'passed');
  } finally {
    rmSync(outside, { recursive: true, force: true });
  }
});

test('the workspace is hidden and HOME is the temp folder', async () => {
  const workspace = mkdtempSync(join(tmpdir(), 'quantlens-workspace-'));
  try {
    mkdirSync(join(workspace, 'secret'));
    writeFileSync(join(workspace, 'secret', 'key.txt'), 'hunter2');
    const path = join(workspace, 'secret', 'key.txt');
    const r = await run(`data = open(${JSON.stringify(path)}).read()\nassert data != "hunter2"\n`, { hidden: [workspace] });
    assert.equal(r.status, 'failed');
    assert.match(r.detail ?? '', /FileNotFoundError|PermissionError/);
    const home = await run(`import os\nassert os.environ["HOME"] == os.getcwd(), os.environ["HOME"]\nassert os.getcwd().startswith(${JSON.stringify(join(tmpdir(), TEMP_PREFIX))})\nassert "QUANTLENS_SECRET" not in os.environ\n`);
    assert.equal(home.status, 'passed', home.detail);
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
});

test('a socket to the host reaches nothing', async () => {
  const listener = await countingListener();
  const port = listener.port;
  try {
    const r = await run(`import socket\ns = socket.create_connection(("127.0.0.1", ${port}), timeout=1)\ns.sendall(b"hi")\n`);
    assert.equal(r.status, 'failed');
    assert.match(r.detail ?? '', /ConnectionRefused|OSError|unreachable/i);
    assert.equal(listener.connections(), 0);
  } finally {
    listener.close();
  }
});

test('output beyond the limit is cut, the run still scored', async () => {
  const r = await run('import sys\nsys.stdout.write("x" * 1000000)\nassert False, "after output"\n', { limits: { ...FAST, outputBytes: 1000 } });
  assert.equal(r.status, 'failed');
  assert.equal(r.stdout.length, 1000);
  assert.equal(r.outputTruncated, true);
});

test('exiting before the tests ran is a failure, not a pass', async () => {
  const r = await run('import os\nos._exit(0)\nassert False\n');
  assert.equal(r.status, 'failed');
  assert.match(r.detail ?? '', /exited before/);
});

test('no sandbox folders stay in the temp dir', () => {
  assert.deepEqual(readdirSync(tmpdir()).filter((f) => f.startsWith('quantlens-probe-')), []);
});

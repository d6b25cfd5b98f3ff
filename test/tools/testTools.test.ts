import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { readTestToolsRecord, recordedChromium, testToolsRecordFile } from '../helpers/testTools';

const SCRIPT = resolve('scripts/test-tools.sh');
const scratch = mkdtempSync(join(tmpdir(), 'ql-test-tools-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A stand-in browser: an executable that answers --version like Chromium does. */
function fakeChromium(name: string, version: string): string {
  const file = join(scratch, name);
  writeFileSync(file, `#!/bin/sh\necho "${version}"\n`);
  chmodSync(file, 0o755);
  return file;
}

function runScript(args: string[], env: Record<string, string>) {
  return spawnSync('bash', [SCRIPT, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

test('a nested npm does not inherit the outer npm run\'s user agent, prefix or PATH entries', () => {
  // Under `npm test` these come from Node 20's npm; code-server's postinstall read the Node major
  // from npm_config_user_agent and refused ("requires node v24").
  // $0 is not the script, so sourcing it only defines its functions (nothing installs).
  const probe = 'source "$1"; clean_npm env';
  const result = spawnSync('bash', ['-c', probe, 'bash', SCRIPT], {
    encoding: 'utf8',
    env: {
      ...process.env,
      npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64',
      npm_config_local_prefix: '/somewhere/else',
      npm_package_name: 'quantlens',
      npm_lifecycle_event: 'test',
      NODE: '/usr/bin/node',
      INIT_CWD: '/work',
      PATH: `/work/main/node_modules/.bin:/usr/lib/node_modules/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin:${process.env.PATH}`,
    },
  });
  assert.equal(result.status, 0, result.stderr);
  const env = result.stdout;
  assert.doesNotMatch(env, /^npm_/m);
  assert.doesNotMatch(env, /^(NODE|INIT_CWD)=/m);
  const path = /^PATH=(.*)$/m.exec(env)?.[1] ?? '';
  assert.ok(path.length > 0, 'PATH kept');
  assert.doesNotMatch(path, /node_modules\/\.bin|node-gyp-bin/);
});

test('a package apt-get removed (its config files left, dpkg -s still exits 0) counts as not installed', () => {
  // A stand-in dpkg-query that answers as dpkg does for each state.
  const bin = join(scratch, 'fake-dpkg-bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'dpkg-query'), '#!/bin/sh\ncase "$3" in removed) printf "deinstall ok config-files";; present) printf "install ok installed";; *) exit 1;; esac\n');
  chmodSync(join(bin, 'dpkg-query'), 0o755);
  const installed = (name: string): number | null =>
    spawnSync('bash', ['-c', 'source "$1"; deb_installed "$2"', 'bash', SCRIPT, name], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } }).status;
  assert.equal(installed('present'), 0);
  assert.equal(installed('removed'), 1);
  assert.equal(installed('never-installed'), 1);
});

test('the browser step checks the Chromium it is given and records it; tests read only the record', () => {
  const home = join(scratch, 'home-ok');
  const chromium = fakeChromium('chromium-ok', 'Chromium 150.0.7871.100 built on Debian');
  const result = runScript(['browser'], { E2E_HOME: home, CHROMIUM_PATH: chromium });
  assert.equal(result.status, 0, result.stderr);
  const file = testToolsRecordFile({ E2E_HOME: home });
  const record = readTestToolsRecord(file);
  assert.equal(record.chromium.path, chromium);
  assert.equal(record.chromium.version, 'Chromium 150.0.7871.100 built on Debian');
  assert.equal(recordedChromium(file), chromium);
  // Idempotent: a second run re-records the same browser.
  assert.equal(runScript(['browser'], { E2E_HOME: home, CHROMIUM_PATH: chromium }).status, 0);
  assert.equal(JSON.parse(readFileSync(file, 'utf8')).chromium.path, chromium);
});

test('a Chromium that is missing or cannot run fails the install step with a clear message', () => {
  const missing = runScript(['browser'], { E2E_HOME: join(scratch, 'home-missing'), CHROMIUM_PATH: join(scratch, 'no-such-chromium') });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /no Chromium at .*no-such-chromium/);
  const broken = join(scratch, 'chromium-broken');
  writeFileSync(broken, '#!/bin/sh\nexit 127\n');
  chmodSync(broken, 0o755);
  const cannotRun = runScript(['browser'], { E2E_HOME: join(scratch, 'home-broken'), CHROMIUM_PATH: broken });
  assert.equal(cannotRun.status, 1);
  assert.match(cannotRun.stderr, /chromium-broken --version failed: this Chromium cannot run here/);
});

test('without the install step\'s record a browser test fails and says how to install, never skips', () => {
  const file = join(scratch, 'home-none', 'tools.json');
  assert.throws(() => recordedChromium(file), /No test-tools record at .*home-none\/tools\.json: the project's install step has not run on this machine; run `npm run test:tools`/);
  const stale = join(scratch, 'home-stale');
  const chromium = fakeChromium('chromium-stale', 'Chromium 1');
  assert.equal(runScript(['browser'], { E2E_HOME: stale, CHROMIUM_PATH: chromium }).status, 0);
  rmSync(chromium);
  assert.throws(() => recordedChromium(join(stale, 'tools.json')), /names Chromium at .*chromium-stale, which is not there any more/);
});

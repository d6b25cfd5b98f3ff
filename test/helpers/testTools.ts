import { accessSync, constants, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The tools scripts/test-tools.sh installed and checked, read from its record. Tests launch only
 * what the record names: a Chromium that happens to be on the machine but was not checked by the
 * project's own install step is never picked up, so a missing install step fails here, loudly, on
 * every machine — never a silent skip, and never a green run that a hand-installed tool carried.
 */
export interface TestToolsRecord {
  recordedBy: string;
  chromium: { path: string; version: string; checkedAt: string };
  node24?: { path: string; checkedAt: string };
  codeServer?: { path: string; version: string; checkedAt: string };
}

/** Same default as the shell scripts: $E2E_HOME, else ~/.cache/quantlens-e2e. */
export function testToolsHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.E2E_HOME || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'quantlens-e2e');
}

export function testToolsRecordFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(testToolsHome(env), 'tools.json');
}

const INSTALL_HINT = 'run `npm run test:tools` (npm test and npm run test:unit run it first)';

export function readTestToolsRecord(file: string = testToolsRecordFile()): TestToolsRecord {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`No test-tools record at ${file}: the project's install step has not run on this machine; ${INSTALL_HINT}.`);
  }
  const record = JSON.parse(text) as Partial<TestToolsRecord>;
  if (typeof record.chromium?.path !== 'string') throw new Error(`${file} names no Chromium; ${INSTALL_HINT}.`);
  return record as TestToolsRecord;
}

/** The Chromium the install step checked; throws (never skips) when there is none. */
export function recordedChromium(file: string = testToolsRecordFile()): string {
  const { path } = readTestToolsRecord(file).chromium;
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`${file} names Chromium at ${path}, which is not there any more; ${INSTALL_HINT}.`);
  }
  return path;
}

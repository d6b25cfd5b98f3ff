// Reads a signature in a child process, so the memory it reports is the reader's alone.
// The child is the very bundle that asks (test or bench): it sees the environment variable, answers,
// and exits before doing anything else.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { QuantSignature } from '../../../src/shared/modelTypes';
import { readQuantSignature } from '../../../src/node/onnxStream';

const PROBE_ENV = 'QUANTLENS_SIGNATURE_PROBE_FILE';

export interface ProbeResult {
  signature: QuantSignature;
  wallMs: number;
  /** Peak resident set size of the child process. */
  maxRssBytes: number;
}

/** Call first in an entry file: inside a probe child it reads the file, prints the result and exits. */
export function answerSignatureProbe(): void {
  const file = process.env[PROBE_ENV];
  if (!file) return;
  const started = performance.now();
  const signature = readQuantSignature(file);
  const wallMs = performance.now() - started;
  // maxRSS is in kilobytes.
  const result: ProbeResult = { signature, wallMs, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
  process.stdout.write(JSON.stringify(result));
  process.exit(0);
}

/** Runs this bundle again as a probe child on `file`. */
export function probeSignatureInChild(file: string): ProbeResult {
  const env: NodeJS.ProcessEnv = { ...process.env, [PROBE_ENV]: file };
  // The test runner's context would make the child report to it as if it were a test file.
  delete env.NODE_TEST_CONTEXT;
  const child = spawnSync(process.execPath, [__filename], { env, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`signature probe failed (${child.status}): ${child.stderr}`);
  return JSON.parse(child.stdout) as ProbeResult;
}

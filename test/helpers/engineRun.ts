import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { discoverForRun } from '../../src/node/discovery';
import type { ModelFolder } from '../../src/shared/modelTypes';
import type { ResumeMode, RunRequest, WorkerToParent } from '../../src/shared/protocol';
import { WorkerClient, WorkerOutcome } from '../../src/node/workerClient';

/** The built worker and CLI the engine tests drive, as the extension and the terminal do. */
export const WORKER_SCRIPT = resolve('dist/worker.js');
export const CLI_SCRIPT = resolve('dist/cli.js');
export const DEMO_CORPUS = resolve('examples/demo/corpus.txt');
export const DEMO_PROMPTS = resolve('examples/demo/prompts.txt');

/** Engine tests pin threads so that the brute-force sessions compute the very same logits. */
export const TEST_THREADS = 2;

/** A small request on the demo corpus and prompts; override what a test is about. */
export function testRequest(modelFolder: string, overrides: Partial<RunRequest> = {}): RunRequest {
  return {
    modelFolder,
    measures: ['fidelity'],
    corpusFile: DEMO_CORPUS,
    promptsFile: DEMO_PROMPTS,
    contextLength: 64,
    stride: 32,
    maxNewTokens: 12,
    performance: { promptTokens: 16, outputTokens: 8, warmups: 1, repetitions: 2 },
    executionProvider: 'cpu',
    threads: { intraOp: TEST_THREADS, interOp: 1 },
    seed: 0,
    ...overrides,
  };
}

export interface WorkerRun {
  outcome: WorkerOutcome;
  /** The worker was still running after the time limit and was killed. */
  timedOut: boolean;
  messages: WorkerToParent[];
  stderr: string[];
}

/**
 * Runs one evaluation in a real worker process. `onMessage` may act on the client (cancel, kill)
 * as messages arrive. A worker still running after `timeoutMs` is killed, so a hang fails the
 * test (outcome.crashed, timedOut) instead of stalling the suite. The folder is discovered as the
 * host and the CLI do, when the run starts, unless `model` gives the discovery to send.
 */
export async function runWorker(
  request: RunRequest,
  outputFolder: string,
  options: { resume?: boolean | ResumeMode; onMessage?: (message: WorkerToParent, client: WorkerClient) => void; timeoutMs?: number; model?: ModelFolder } = {},
): Promise<WorkerRun> {
  const messages: WorkerToParent[] = [];
  const stderr: string[] = [];
  const model = options.model ?? (await discoverForRun(request));
  // Messages arrive on later turns of the event loop, after `client` is assigned.
  const client: WorkerClient = new WorkerClient(
    { type: 'start-run', request, model, outputFolder, resume: options.resume === true ? 'recompute-changed' : (options.resume ?? false) },
    {
      workerScript: WORKER_SCRIPT,
      onMessage: (message) => {
        messages.push(message);
        options.onMessage?.(message, client);
      },
      onStderr: (line) => stderr.push(line),
    },
  );
  let timedOut = false;
  const guard = setTimeout(() => {
    timedOut = true;
    client.kill();
  }, options.timeoutMs ?? 60_000);
  const outcome = await client.outcome;
  clearTimeout(guard);
  return { outcome, messages, stderr, timedOut };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `node dist/cli.js …args`, to its end. `onStderr` sees stderr as it comes, with the child's pid.
 * A CLI still running after `timeoutMs` is killed (with its worker's group) and the promise
 * rejects, so a hang fails the test instead of stalling the suite.
 */
export function runCli(args: string[], onStderr?: (text: string, pid: number) => void, timeoutMs = 60_000): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI_SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      // The worker leads its own process group (WorkerClient forks it detached).
      for (const pid of childrenOf(child.pid!)) killQuietly(-pid);
      child.kill('SIGKILL');
      reject(new Error(`quantlens ${args.join(' ')} still running after ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      onStderr?.(stderr, child.pid!);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** Direct children of a process (Linux /proc); the CLI's only child is its worker. */
export function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** A temporary folder removed when `use` settles. */
export async function withTempDir<T>(prefix: string, use: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    return await use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A copy of a fixture model folder under `dir`, to damage without touching the shared fixtures. */
export function copyModel(fixture: string, dir: string, name: string): string {
  const copy = join(dir, name);
  cpSync(fixture, copy, { recursive: true });
  return copy;
}

/** Gives a model folder (a copy: see copyModel) a chat template in its tokenizer_config.json, as chat models ship it. */
export function addChatTemplate(modelFolder: string, template: string): void {
  const configFile = join(modelFolder, 'tokenizer_config.json');
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(configFile, JSON.stringify({ ...config, chat_template: template }));
}

/**
 * One program (a completion joined with its tests) run once in the sandbox: a fresh temp folder
 * (HOME and TMPDIR point into it, the environment is scrubbed to PATH and a locale), the launch
 * plan's isolation around the interpreter, a wall-clock timer that kills the whole process group,
 * stdout/stderr kept up to the limit, the temp folder removed whatever happened. The outcome comes
 * from the runner's result on fd 3 when it wrote one, else from how the process ended.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chooseLaunchPlan, IsolationLevel, LaunchPlan, NOBODY, SETUP_FAILED } from './isolation';
import { findInterpreter, Interpreter } from './interpreters';
import { JS_RUNNER } from './jsRunner';
import { PYTHON_RUNNER } from './pythonRunner';
import { classifyExit, RunnerResult } from './outcome';
import { CodeLanguage, DEFAULT_LIMITS, SampleExecution, SandboxLimits } from './types';

export interface RunOptions {
  limits?: Partial<SandboxLimits>;
  /** Folders the program must not see (workspace, model folder, run folder): hidden where the plan can. */
  hidden?: readonly string[];
  /** Force a level (tests of the weaker levels); probed otherwise. */
  level?: IsolationLevel;
}

/** Prefix of every sandbox temp folder, so leftovers can be found (tests look for them). */
export const TEMP_PREFIX = 'quantlens-sandbox-';

function commandFor(interpreter: Interpreter, nonce: string, limits: SandboxLimits, tempDir: string): string[] {
  if (interpreter.language === 'python') return [interpreter.path, '-I', '-B', 'runner.py', nonce, JSON.stringify(limits)];
  const heapMb = Math.max(16, Math.floor(limits.memoryBytes / 2 / 1024 / 1024));
  return [interpreter.path, nodePermissionFlag(interpreter.version), `--allow-fs-read=${tempDir}`, '--no-warnings', `--max-old-space-size=${heapMb}`, 'runner.js', nonce];
}

/**
 * Node's permission model is `--permission` from Node 23.5 and 22.13 on, and only
 * `--experimental-permission` before; Node 24 refuses the old name ("bad option"), which made
 * every sample crash under code-server's Node 24 extension host.
 */
export function nodePermissionFlag(version: string): '--permission' | '--experimental-permission' {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  return major > 23 || (major === 23 && minor >= 5) || (major === 22 && minor >= 13) ? '--permission' : '--experimental-permission';
}

/** Node reserves far more address space than it uses: its RLIMIT_AS is the heap limit plus this. */
const NODE_ADDRESS_SPACE_EXTRA = 4 * 1024 ** 3;

export function launchPlanFor(language: CodeLanguage, level?: IsolationLevel): { interpreter: Interpreter; plan: LaunchPlan } {
  const interpreter = findInterpreter(language);
  return { interpreter, plan: chooseLaunchPlan([interpreter.path, language === 'python' ? '-V' : '--version'], level) };
}

class Capture {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;
  constructor(private readonly limit: number) {}
  add(chunk: Buffer): void {
    const room = this.limit - this.size;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    if (chunk.length > room) this.truncated = true;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(kept);
    this.size += kept.length;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** Runs `program` (the full text: completion and tests) in `language`. Never throws for what the program does. */
export async function runProgram(language: CodeLanguage, program: string, options: RunOptions = {}): Promise<SampleExecution> {
  const limits: SandboxLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const { interpreter, plan } = launchPlanFor(language, options.level);
  const tempDir = mkdtempSync(join(tmpdir(), TEMP_PREFIX));
  // Never hidden: a folder holding the temp folder or the interpreter (the run could not start).
  const holds = (folder: string, path: string): boolean => (path + '/').startsWith(folder.replace(/\/$/, '') + '/');
  const hidden = (options.hidden ?? []).filter((h) => h !== '/' && !holds(h, tempDir) && !holds(h, interpreter.path));
  const started = performance.now();
  try {
    const ext = language === 'python' ? 'py' : 'js';
    writeFileSync(join(tempDir, `program.${ext}`), program);
    writeFileSync(join(tempDir, `runner.${ext}`), language === 'python' ? PYTHON_RUNNER : JS_RUNNER);
    if (plan.dropToNobody) for (const f of ['', `program.${ext}`, `runner.${ext}`]) chownSync(join(tempDir, f), NOBODY, NOBODY);
    const nonce = randomBytes(12).toString('hex');
    const processLimits = language === 'javascript' ? { ...limits, memoryBytes: limits.memoryBytes + NODE_ADDRESS_SPACE_EXTRA } : limits;
    const argv = plan.argv(commandFor(interpreter, nonce, limits, tempDir), tempDir, processLimits, hidden);
    const env: Record<string, string> = {
      PATH: [dirname(interpreter.path), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
      HOME: tempDir,
      TMPDIR: tempDir,
      LANG: 'C.UTF-8',
      PYTHONIOENCODING: 'utf-8',
    };
    const child = spawn(argv[0]!, argv.slice(1), { cwd: tempDir, env, stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
    const stdout = new Capture(limits.outputBytes);
    const stderr = new Capture(limits.outputBytes);
    const result = new Capture(64 * 1024);
    const status = new Capture(64);
    child.stdout!.on('data', (c: Buffer) => stdout.add(c));
    child.stderr!.on('data', (c: Buffer) => stderr.add(c));
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (c: Buffer) => result.add(c));
    (child.stdio[4] as NodeJS.ReadableStream).on('data', (c: Buffer) => status.add(c));
    let timedOut = false;
    const killGroup = (): void => {
      try {
        if (child.pid !== undefined) process.kill(process.platform === 'win32' ? child.pid : -child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, limits.wallMs);
    const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; spawnError?: Error }>((resolve) => {
      child.once('error', (spawnError) => resolve({ code: null, signal: null, spawnError }));
      // 'close' waits for every pipe, so fd 3 and fd 4 are read in full.
      child.once('close', (code, signal) => resolve({ code, signal }));
    });
    clearTimeout(timer);
    // Anything of its process group still alive (a level without a PID namespace) goes now.
    killGroup();
    if (ended.spawnError) throw new Error(`could not start the sandbox (${argv[0]}): ${ended.spawnError.message}`);
    const wrapperStatus = plan.statusOnFd4 ? Number.parseInt(status.text().trim(), 10) : NaN;
    if (plan.statusOnFd4 && ended.code === SETUP_FAILED && Number.isNaN(wrapperStatus)) {
      throw new Error(`the sandbox could not set up its mounts: ${stderr.text().trim().slice(0, 500)}`);
    }
    let runner: RunnerResult | undefined;
    try {
      const parsed = JSON.parse(result.text()) as RunnerResult & { nonce?: string };
      if (parsed.nonce === nonce) runner = parsed;
    } catch {
      /* no result: the process ended before writing one */
    }
    const exit = Number.isNaN(wrapperStatus) ? { code: ended.code, signal: ended.signal } : { code: wrapperStatus >= 128 ? null : wrapperStatus, signal: wrapperStatus >= 128 ? signalName(wrapperStatus - 128) : null };
    const outcome = classifyExit({ runner, timedOut, exit, stderr: stderr.text(), limits });
    return {
      ...outcome,
      stdout: stdout.text(),
      stderr: stderr.text(),
      outputTruncated: stdout.truncated || stderr.truncated,
      durationMs: performance.now() - started,
    };
  } finally {
    rmSync(tempDir, { recursive: true, force: true, maxRetries: 3 });
  }
}

function signalName(n: number): NodeJS.Signals | null {
  const names: Record<number, NodeJS.Signals> = { 6: 'SIGABRT', 9: 'SIGKILL', 11: 'SIGSEGV', 15: 'SIGTERM', 24: 'SIGXCPU', 25: 'SIGXFSZ', 7: 'SIGBUS' };
  return names[n] ?? null;
}

import { ChildProcess, fork } from 'node:child_process';
import type { DoneMessage, ErrorMessage, StartRunMessage, WorkerToParent } from '../shared/protocol';
import { isWorkerToParent } from '../shared/protocol';

export interface WorkerOutcome {
  done: DoneMessage | null;
  /** Exit without a `done` message: killed, out of memory, or a native crash. */
  crashed: boolean;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The last fatal error the worker reported, if any. */
  fatalError: ErrorMessage | null;
  runFolder: string | null;
  /** The last lines the worker printed to stderr: what a crash said before it died. */
  stderrTail: string[];
}

export interface WorkerClientOptions {
  /** Path of dist/worker.js. */
  workerScript: string;
  /** Extra environment; ELECTRON_RUN_AS_NODE=1 is always set so desktop VS Code's Electron runs it as Node. */
  env?: NodeJS.ProcessEnv;
  /** Node executable; defaults to this process's (Electron in the host, run as Node). */
  execPath?: string;
  onMessage?: (message: WorkerToParent) => void;
  /** Worker stderr lines (native libraries print here). */
  onStderr?: (line: string) => void;
}

/**
 * Parent side of one evaluation worker (used by the extension host and the CLI alike). The worker
 * runs in its own process group so that cancelling can kill the whole tree, performance probes
 * included, after a grace period.
 */
export class WorkerClient {
  readonly outcome: Promise<WorkerOutcome>;
  private readonly child: ChildProcess;
  private killTimer: NodeJS.Timeout | undefined;
  private runFolder: string | null = null;

  constructor(start: StartRunMessage, options: WorkerClientOptions) {
    this.child = fork(options.workerScript, [], {
      execPath: options.execPath,
      env: { ...process.env, ...options.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      detached: process.platform !== 'win32',
    });
    let done: DoneMessage | null = null;
    let fatalError: ErrorMessage | null = null;
    this.child.on('message', (message: unknown) => {
      if (!isWorkerToParent(message)) return;
      if (message.type === 'done') done = message;
      if (message.type === 'run-created') this.runFolder = message.runFolder;
      if (message.type === 'error' && message.fatal) fatalError = message;
      options.onMessage?.(message);
    });
    let partialLine = '';
    const recent: string[] = [];
    const onLine = (line: string): void => {
      if (!line.trim()) return;
      recent.push(line);
      if (recent.length > 8) recent.shift();
      options.onStderr?.(line);
    };
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partialLine + chunk).split('\n');
      partialLine = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    });
    this.outcome = new Promise((resolve) => {
      this.child.on('exit', (exitCode, signal) => {
        if (this.killTimer) clearTimeout(this.killTimer);
        onLine(partialLine);
        resolve({ done, crashed: done === null, exitCode, signal, fatalError, runFolder: done?.runFolder ?? this.runFolder, stderrTail: recent });
      });
      this.child.on('error', (error) => resolve({ done: null, crashed: true, exitCode: null, signal: null, fatalError, runFolder: this.runFolder, stderrTail: [...recent, error.message] }));
    });
    this.child.send(start);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Asks the worker to stop after its current step; kills the process tree if it has not ended after `graceMs`. */
  cancel(graceMs = 5000): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (this.child.connected) this.child.send({ type: 'cancel' });
    this.killTimer ??= setTimeout(() => this.kill(), graceMs);
  }

  /** Kills the worker and everything it started. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    const pid = this.child.pid;
    if (pid === undefined || this.child.exitCode !== null) return;
    try {
      if (process.platform !== 'win32') process.kill(-pid, signal);
      else this.child.kill(signal);
    } catch {
      this.child.kill(signal);
    }
  }
}

/**
 * How a sandboxed process is started on this machine, strongest first, each level probed once by
 * really starting an interpreter through it:
 *  1. 'namespaces': unshare(1) gives the program its own user, network, mount and PID namespaces
 *     (no network at all; every mount read-only but the temp folder; the workspace folders hidden
 *     behind an empty tmpfs; the whole PID namespace dies with its first process); setpriv(1)
 *     empties the capability bounding set so the program cannot undo those mounts; started as root,
 *     it first becomes `nobody` so RLIMIT_NPROC holds; prlimit(1) sets the limits.
 *  2. 'limits': prlimit only, in its own process group (no namespaces on this machine).
 *  3. 'plain': the interpreter in its own process group; the limits are what it sets in-process.
 * The run card states the level's IsolationRecord, so nobody reads more into it than there is.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, chownSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IsolationRecord, SandboxLimits } from './types';

export type IsolationLevel = 'namespaces' | 'limits' | 'plain';

/** The exit code the wrapper script uses when it cannot set up the mounts. */
export const SETUP_FAILED = 97;

/**
 * Runs inside the new namespaces: hide folders, bind the temp folder onto itself (so it stays
 * writable), remount every other mount read-only, then run the command and write its exit status
 * (128 + signal when killed, as sh reports it) to fd 4, which the command itself does not get.
 * Arguments: TEMP MOUNTS(1|0) HIDDEN... -- COMMAND...
 */
const INNER = [
  'T="$1"; RO="$2"; shift 2',
  'while [ "$1" != "--" ]; do',
  '  if [ "$RO" = 1 ] && [ -d "$1" ]; then mount -t tmpfs -o size=4k,mode=000 quantlens-hidden "$1" || exit 97; fi',
  '  shift',
  'done',
  'shift',
  'if [ "$RO" = 1 ]; then',
  '  mount --bind "$T" "$T" || exit 97',
  '  mount -t tmpfs -o size=1m quantlens-shm /dev/shm 2>/dev/null',
  '  for m in $(awk \'{print $5}\' /proc/self/mountinfo); do',
  '    case "$m" in "$T"|/proc|/proc/*|/dev/pts|/dev/pts/*) continue;; esac',
  '    mount -o remount,bind,ro "$m" 2>/dev/null || echo "quantlens sandbox: $m stays writable" >&2',
  '  done',
  'fi',
  'cd "$T" || exit 97',
  '"$@" 4>&-',
  'echo $? >&4',
].join('\n');

function has(command: string): boolean {
  const r = spawnSync(command, ['--version'], { stdio: 'ignore', timeout: 5000 });
  return !r.error && r.status === 0;
}

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

/** The user id a root parent drops to (nobody). */
export const NOBODY = 65534;

export interface LaunchPlan {
  level: IsolationLevel;
  /** Run as nobody (uid/gid NOBODY): the temp folder must be theirs. */
  dropToNobody: boolean;
  /** argv that runs `command` in `tempDir` under `limits`, hiding `hidden`. */
  argv(command: readonly string[], tempDir: string, limits: SandboxLimits, hidden: readonly string[]): string[];
  /** Whether the exit status comes on fd 4 (the wrapper script) rather than from the child itself. */
  statusOnFd4: boolean;
  record(hidden: readonly string[]): IsolationRecord;
}

function prlimitArgs(limits: SandboxLimits, command: readonly string[]): string[] {
  return [
    'prlimit',
    `--as=${limits.memoryBytes}`,
    `--cpu=${limits.cpuSeconds}:${limits.cpuSeconds + 1}`,
    `--fsize=${limits.fileBytes}`,
    `--nproc=${limits.processes}`,
    '--core=0',
    '--',
    ...command,
  ];
}

function plan(level: IsolationLevel, dropToNobody = false): LaunchPlan {
  const root = isRoot();
  return {
    level,
    dropToNobody,
    statusOnFd4: level !== 'plain',
    argv(command, tempDir, limits, hidden) {
      if (level === 'plain') return [...command];
      const limited = prlimitArgs(limits, level === 'namespaces' ? ['setpriv', '--bounding-set=-all', '--no-new-privs', '--', ...command] : command);
      const wrapped = ['/bin/sh', '-c', INNER, 'sh', tempDir, level === 'namespaces' ? '1' : '0', ...hidden, '--', ...limited];
      if (level !== 'namespaces') return wrapped;
      const unshare = ['unshare', '--user', '--map-root-user', '--net', '--mount', '--pid', '--fork', '--kill-child', '--mount-proc', ...wrapped];
      return dropToNobody ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', ...unshare] : unshare;
    },
    record(hidden) {
      const notes: string[] = [];
      if (level === 'namespaces') {
        notes.push('No network: the program had its own empty network namespace.');
        notes.push(`It could read what ${dropToNobody ? 'the user nobody' : 'your user'} can read outside the hidden folders (system files, installed packages); it could write only its temp folder, which was removed afterwards.`);
        if (!dropToNobody && root) notes.push('Started as root and the interpreter is not one the user nobody can run: RLIMIT_NPROC does not bind root, so a fork bomb that gets past the in-process guard is stopped by the wall-clock limit and the PID namespace.');
      } else {
        notes.push('No network namespace on this machine (unshare or setpriv missing, or user namespaces disabled): the program could reach the network.');
        notes.push('No read-only mounts: the program could read and write whatever your user can, the workspace included; only its working folder was a fresh temp folder.');
        if (level === 'plain') notes.push('prlimit is missing: the resource limits were only those the interpreter set in-process (Python); Node ran with its heap limit alone.');
        if (root) notes.push('Running as root: RLIMIT_NPROC does not bind, so a fork bomb is stopped only by the wall-clock limit.');
      }
      return {
        network: level === 'namespaces' ? 'namespace' : 'none',
        filesystem: level === 'namespaces' ? 'read-only' : 'writable',
        processes: level === 'namespaces' ? 'namespace' : 'process-group',
        user: dropToNobody ? 'nobody' : 'self',
        limits: level === 'plain' ? 'in-process' : 'prlimit',
        hidden: level === 'namespaces' ? [...hidden] : [],
        notes,
      };
    },
  };
}

/** Probed once per interpreter: nobody may be able to run one and not the other. */
const chosen = new Map<string, LaunchPlan>();

/** Starts `probeCommand` (an interpreter printing its version) through each level; the first that works is kept. */
export function chooseLaunchPlan(probeCommand: readonly string[], override?: IsolationLevel): LaunchPlan {
  if (override) return plan(override);
  const key = probeCommand[0]!;
  const known = chosen.get(key);
  if (known) return known;
  const candidates: LaunchPlan[] = [];
  if (process.platform === 'linux' && has('unshare') && has('setpriv') && has('prlimit')) {
    // As root, nobody first (RLIMIT_NPROC binds); root's interpreter may not be nobody's to run (pyenv under /root).
    if (isRoot()) candidates.push(plan('namespaces', true));
    candidates.push(plan('namespaces'));
  }
  if (process.platform !== 'win32' && has('prlimit')) candidates.push(plan('limits'));
  const picked = candidates.find((candidate) => works(candidate, probeCommand)) ?? plan('plain');
  chosen.set(key, picked);
  return picked;
}

function works(candidate: LaunchPlan, probeCommand: readonly string[]): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'quantlens-probe-'));
  try {
    if (candidate.dropToNobody) chownSync(dir, NOBODY, NOBODY);
    const argv = candidate.argv(probeCommand, dir, { wallMs: 5000, cpuSeconds: 5, memoryBytes: 2 ** 31, outputBytes: 4096, processes: 16, fileBytes: 2 ** 20 }, []);
    const r = spawnSync(argv[0]!, argv.slice(1), { cwd: dir, stdio: ['ignore', 'pipe', 'pipe', 'ignore', 'pipe'], timeout: 10_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir } });
    const status = r.output[4]?.toString().trim();
    return !r.error && r.status === 0 && status === '0';
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

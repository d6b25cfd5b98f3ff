/**
 * A sandboxed run's status from what is known when it ended: the runner's own result (written
 * only by the trusted runner, after the tests ran), whether the wall clock ran out, and how the
 * process exited. The order matters: a result beats everything, the wall clock beats the exit.
 */
import type { SampleExecution, SampleStatus, SandboxLimits } from './types';

export interface RunnerResult {
  status: 'passed' | 'failed' | 'memory';
  detail: string | null;
  line: number | null;
}

export interface ExitFacts {
  runner: RunnerResult | undefined;
  timedOut: boolean;
  exit: { code: number | null; signal: NodeJS.Signals | null };
  stderr: string;
  limits: SandboxLimits;
}

const MEMORY_TEXT = /MemoryError|JavaScript heap out of memory|Cannot allocate memory|std::bad_alloc|Array buffer allocation failed/;

export function classifyExit(facts: ExitFacts): Pick<SampleExecution, 'status' | 'detail' | 'line'> {
  const { runner, timedOut, exit, stderr, limits } = facts;
  const out = (status: SampleStatus, detail?: string, line?: number | null): Pick<SampleExecution, 'status' | 'detail' | 'line'> => ({
    status,
    ...(detail ? { detail } : {}),
    ...(line ? { line } : {}),
  });
  if (runner) return out(runner.status, runner.detail ?? undefined, runner.line);
  if (timedOut) return out('timeout', `killed after the ${limits.wallMs} ms wall-clock limit`);
  if (exit.signal === 'SIGXCPU') return out('timeout', `killed at the ${limits.cpuSeconds} s CPU-time limit`);
  if (MEMORY_TEXT.test(stderr)) return out('memory', `stopped at the memory limit (${Math.round(limits.memoryBytes / 1024 / 1024)} MiB): ${MEMORY_TEXT.exec(stderr)![0]}`);
  if (exit.signal === 'SIGXFSZ') return out('failed', `wrote a file over the ${limits.fileBytes}-byte limit`);
  if (exit.signal === 'SIGKILL') return out('memory', 'killed (SIGKILL) without reaching a time limit: most likely the kernel out of memory');
  if (exit.code === 0) return out('failed', 'the program exited before its tests finished');
  if (exit.signal) return out('crashed', `the interpreter died with ${exit.signal}`);
  return out('crashed', `the interpreter exited with code ${exit.code}${stderr.trim() ? `: ${lastLine(stderr)}` : ''}`);
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1]!.slice(0, 300);
}

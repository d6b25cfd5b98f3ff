/**
 * Many (problem, completion) programs through the sandbox, a few at a time: one process each, so a
 * hostile sample cannot touch another's run; the pool keeps at most `parallel` alive at once.
 */
import { availableParallelism } from 'node:os';
import { programFor } from '../../shared/code/program';
import type { CodeProblem } from '../../shared/code/types';
import { runProgram, RunOptions } from './runSample';
import type { SampleExecution } from './types';

export interface ExecutionJob {
  problem: CodeProblem;
  completion: string;
}

export async function executeSamples(
  jobs: readonly ExecutionJob[],
  options: RunOptions & { parallel?: number; onDone?: (done: number, total: number) => void; shouldStop?: () => boolean } = {},
): Promise<Array<SampleExecution | null>> {
  const parallel = Math.max(1, options.parallel ?? Math.min(4, Math.max(1, availableParallelism() - 1)));
  const out: Array<SampleExecution | null> = new Array(jobs.length).fill(null);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      if (options.shouldStop?.()) return;
      const i = next++;
      const job = jobs[i]!;
      out[i] = await runProgram(job.problem.language, programFor(job.problem, job.completion), options);
      options.onDone?.(++done, jobs.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, jobs.length) }, worker));
  return out;
}

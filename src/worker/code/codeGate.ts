/**
 * Code tasks run the model's code, which is untrusted: a run with one is refused unless the user
 * opted in (`--allow-code-execution`, or `quantlens.codeExecution.enabled` in a trusted
 * workspace — the host never sends the opt-in from an untrusted one), and it needs the language's
 * interpreter. Both are checked before any model loads; the run card records the interpreters,
 * the limits and the isolation the sandbox has on this machine.
 */
import { dirname } from 'node:path';
import { InputError } from '../../shared/errors';
import type { CodeExecutionRecord, CodeLanguage } from '../../shared/code/types';
import type { RunRequest } from '../../shared/protocol';
import { InterpreterMissingError } from '../../node/sandbox/interpreters';
import { launchPlanFor } from '../../node/sandbox/runSample';
import { DEFAULT_LIMITS } from '../../node/sandbox/types';
import type { PreparedTask } from '../tasks';

export function checkCodeExecution(tasks: readonly PreparedTask[], request: Pick<RunRequest, 'allowCodeExecution'>, modelFolder: string): CodeExecutionRecord | undefined {
  const code = tasks.filter((t) => t.task.type === 'code');
  if (code.length === 0) return undefined;
  const first = code[0]!.task;
  if (!request.allowCodeExecution) {
    throw new InputError(
      first.file,
      `Task "${first.name}" is a code task: it runs the code the model writes${code.length > 1 ? ` (and so do ${code.length - 1} more)` : ''}, and code execution is off.`,
      'Pass --allow-code-execution (CLI), or turn on quantlens.codeExecution.enabled in a trusted workspace, once you accept running model-written code in the sandbox (see the README, "Code tasks").',
      first.line,
    );
  }
  const interpreters: CodeExecutionRecord['interpreters'] = [];
  const languages = new Map<CodeLanguage, PreparedTask>();
  for (const t of code) if (!languages.has(t.task.code!.language)) languages.set(t.task.code!.language, t);
  for (const [language, t] of languages) {
    try {
      const { interpreter, plan } = launchPlanFor(language);
      interpreters.push({ language, path: interpreter.path, version: interpreter.version, isolation: plan.record(hiddenFolders(t.task.file, modelFolder)) });
    } catch (error) {
      if (error instanceof InterpreterMissingError) throw new InputError(t.task.file, `Task "${t.task.name}" is a ${language} code task. ${error.message}`, 'Install the interpreter, or leave this task out of the run.', t.task.line);
      throw error;
    }
  }
  const limits = code[0]!.task.code!;
  return { allowedBy: request.allowCodeExecution, interpreters, limits: { ...DEFAULT_LIMITS, wallMs: limits.timeoutMs, cpuSeconds: Math.max(1, Math.ceil(limits.timeoutMs / 1000)), memoryBytes: limits.memoryBytes } };
}

/** The folders sandboxed code must not see: the task file's, the model folder, the working folder (the workspace). */
export function hiddenFolders(taskFile: string, modelFolder: string): string[] {
  return [...new Set([dirname(taskFile), modelFolder, process.cwd()].filter((f) => f && f !== '/'))];
}

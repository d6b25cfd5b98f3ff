/**
 * Stop sequences a completion is cut at when the task file gives none.
 * - HumanEval, Python: Codex's five (Chen et al. 2021, "Evaluating Large Language Models Trained
 *   on Code", §2.3): "\nclass", "\ndef", "\n#", "\nif", "\nprint" — the body ends where a new
 *   top-level statement starts.
 * - MBPP, Python: bigcode-evaluation-harness tasks/mbpp.py's list.
 * - JavaScript (QuantLens's own problems): the same idea for JS top-level statements.
 */
import type { CodeLanguage, CodeProblemFormat } from './types';

export const HUMANEVAL_STOPS = ['\nclass', '\ndef', '\n#', '\nif', '\nprint'] as const;
export const MBPP_STOPS = ['\nclass', '\nassert', '\n"""', '\nprint', '\nif', '\n<|/', '\n```'] as const;
export const JAVASCRIPT_STOPS = ['\nfunction', '\nclass', '\n//', '\nif', '\nconsole', '\nmodule.exports'] as const;

export function defaultStops(format: CodeProblemFormat, language: CodeLanguage): string[] {
  if (language === 'javascript') return [...JAVASCRIPT_STOPS];
  return format === 'mbpp' ? [...MBPP_STOPS] : [...HUMANEVAL_STOPS];
}

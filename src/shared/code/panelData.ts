/**
 * The code tasks of a run as the panel shows them: per task and problem, every variant's samples
 * (completion, result, failing assertion), read from the task units in events.jsonl, and the
 * filter "passed on the baseline, fails on the variant" (a problem solved by some baseline sample
 * and by no sample of the variant — the flips pass@k's comparison counts).
 */
import type { TaskUnitResult } from '../report/schema';
import type { CodeLanguage, CodeSampleResult } from './types';

export interface CodeProblemView {
  key: string;
  taskId: string;
  prompt: string;
  /** Samples per variant id. */
  samples: Record<string, CodeSampleResult[]>;
}

export interface CodeTaskView {
  task: string;
  language: CodeLanguage;
  problems: CodeProblemView[];
}

export type CodeFilter = 'all' | 'regressed' | 'differs';

export function codeTaskViews(units: readonly TaskUnitResult[]): CodeTaskView[] {
  const byTask = new Map<string, CodeTaskView>();
  for (const unit of units) {
    if (unit.taskType !== 'code' || !unit.codeSamples) continue;
    let view = byTask.get(unit.task);
    if (!view) {
      view = { task: unit.task, language: unit.codeProblems?.[0]?.language ?? 'python', problems: [] };
      byTask.set(unit.task, view);
    }
    unit.itemKeys.forEach((key, i) => {
      let problem = view!.problems.find((p) => p.key === key);
      if (!problem) {
        problem = { key, taskId: unit.codeProblems?.[i]?.taskId ?? key, prompt: unit.codeProblems?.[i]?.prompt ?? '', samples: {} };
        view!.problems.push(problem);
      }
      problem.samples[unit.variantId] = unit.codeSamples![i] ?? [];
    });
  }
  return [...byTask.values()];
}

const solved = (samples: readonly CodeSampleResult[] | undefined): boolean => !!samples?.some((s) => s.status === 'passed');

export function filterProblems(problems: readonly CodeProblemView[], baselineId: string, variantId: string, filter: CodeFilter): CodeProblemView[] {
  return problems.filter((p) => {
    if (filter === 'regressed') return solved(p.samples[baselineId]) && !solved(p.samples[variantId]);
    if (filter === 'differs') return solved(p.samples[baselineId]) !== solved(p.samples[variantId]) || p.samples[baselineId]?.[0]?.completion !== p.samples[variantId]?.[0]?.completion;
    return true;
  });
}

/**
 * HELM's robustness runs as QuantLens tasks: each task gets one perturbed copy per perturbation,
 * named `<task>~<label>` (e.g. `mmlu~typos0.1`), on the same items with each item's own text
 * perturbed (HELM: should_augment_eval_instances, not the train/few-shot instances, references
 * untouched), or, for `fewshot-order`, the item's few-shot examples reordered. The copies are
 * ordinary task units (resume, pairing with the baseline, the task table), and record what they
 * applied; the report sets each against its clean task.
 */
import type { RobustnessSpec, TaskPerturbationRecord } from '../shared/report/robustnessTypes';
import { PERTURBED_TASK_SEPARATOR, perturbationLabel } from '../shared/robustness/parseSpec';
import { fewshotOrder, isTextPerturbation, perturbText, PerturbationSpec } from '../shared/robustness/perturbations';
import { renderPrompts, type PreparedTask, type RenderOptions } from './tasks';

/** The run's perturbations and each task file's own, without repeats (the run's first). */
export function perturbationsFor(run: readonly PerturbationSpec[], task: readonly PerturbationSpec[] = []): PerturbationSpec[] {
  const out: PerturbationSpec[] = [];
  for (const spec of [...run, ...task]) if (!out.some((s) => perturbationLabel(s) === perturbationLabel(spec))) out.push(spec);
  return out;
}

/** The derived task's name: the clean name, "~", the perturbation's label (task names cannot hold "~"). */
export function perturbedTaskName(task: string, spec: PerturbationSpec): string {
  return `${task}${PERTURBED_TASK_SEPARATOR}${perturbationLabel(spec)}`;
}

/** Whether the perturbation means anything for the task: a reordering needs at least two few-shot examples. */
export function perturbationApplies(spec: PerturbationSpec, clean: PreparedTask): boolean {
  // Code tasks are left clean: a typo in a function signature or its tests changes the problem, not its wording.
  if (clean.task.type === 'code') return false;
  return isTextPerturbation(spec) || (clean.task.fewshot?.k ?? 0) >= 2;
}

/** One perturbed copy of a prepared (clean) task. */
export function perturbTask(clean: PreparedTask, spec: PerturbationSpec, seed: number, options: RenderOptions = {}): PreparedTask {
  const task = { ...clean.task, name: perturbedTaskName(clean.task.name, spec), goals: [], robustness: [] };
  delete (task as { runGoals?: unknown }).runGoals;
  const record: TaskPerturbationRecord = { cleanTask: clean.task.name, perturbation: spec, label: perturbationLabel(spec), seed, changed: 0 };
  let prompts;
  if (isTextPerturbation(spec)) {
    const inputs: string[] = [];
    prompts = renderPrompts(task, clean.dataset.items, clean.fewshot?.items ?? [], {
      ...options,
      perturbInput: (text, item) => {
        const out = perturbText(spec, text, seed, item.key);
        inputs.push(out);
        if (out !== text) record.changed++;
        return out;
      },
    });
    record.inputs = inputs;
  } else {
    prompts = renderPrompts(task, clean.dataset.items, clean.fewshot?.items ?? [], {
      ...options,
      reorderFewshot: (examples, item) => {
        const out = fewshotOrder(examples, seed, item.key);
        if (out.some((e, i) => e !== examples[i])) record.changed++;
        return out;
      },
    });
    record.fewshotOrders = prompts.map((p) => p.fewshot);
  }
  return { ...clean, task, prompts, perturbation: record };
}

/** The run's tasks with each one's perturbed copies right after it; the spec region when any applied. */
export function withRobustnessTasks(tasks: readonly PreparedTask[], run: readonly PerturbationSpec[], seed: number, options: RenderOptions = {}): { tasks: PreparedTask[]; spec: RobustnessSpec | null } {
  const out: PreparedTask[] = [];
  const applied: PerturbationSpec[] = [];
  for (const clean of tasks) {
    out.push(clean);
    for (const spec of perturbationsFor(run, clean.task.robustness)) {
      if (!perturbationApplies(spec, clean)) continue;
      out.push(perturbTask(clean, spec, seed, options));
      if (!applied.some((s) => perturbationLabel(s) === perturbationLabel(spec))) applied.push(spec);
    }
  }
  return { tasks: out, spec: applied.length || run.length ? { perturbations: applied, requested: [...run], seed } : null };
}

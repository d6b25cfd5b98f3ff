import { resolve } from 'node:path';
import { InputError } from '../shared/errors';
import type { InputFileRef } from '../shared/report/schema';
import { ApplyChatTemplate, loadTaskFile, prepareTask, PreparedTask } from './tasks';
import { fileRef } from './fileHash';

export interface PreparedTasks {
  tasks: PreparedTask[];
  /** The task files and every data file their tasks read, hashed for the run spec. */
  files: InputFileRef[];
  datasets: InputFileRef[];
}

/**
 * Loads every task file, checks that task names are unique across them (a name keys the task's
 * units), and renders every task's prompts, `limit` items at most per task.
 */
export async function prepareTasks(taskFiles: readonly string[], limit: number | undefined, applyChatTemplate?: ApplyChatTemplate): Promise<PreparedTasks> {
  const tasks: PreparedTask[] = [];
  const datasetFiles = new Set<string>();
  const files = taskFiles.map((f) => resolve(f));
  for (const file of files) {
    for (const task of loadTaskFile(file)) {
      const other = tasks.find((t) => t.task.name === task.name);
      if (other) throw new InputError(file, `A task named "${task.name}" is also in ${other.task.file}.`, 'Give every task of a run its own name.', task.line);
      const itemLimit = limit !== undefined ? Math.min(limit, task.limit ?? Infinity) : task.limit;
      const prepared = await prepareTask(task, { ...(itemLimit !== undefined ? { limit: itemLimit } : {}), ...(applyChatTemplate ? { applyChatTemplate } : {}) });
      if (prepared.prompts.length === 0) throw new InputError(task.dataset.path, `Task "${task.name}" has no items.`, 'Point the task at a split with records.', task.line);
      for (const f of [...prepared.dataset.files, ...(prepared.fewshot?.files ?? [])]) datasetFiles.add(f);
      tasks.push(prepared);
    }
  }
  return { tasks, files: files.map(fileRef), datasets: [...datasetFiles].sort().map(fileRef) };
}

import { createHash } from 'node:crypto';
import type { InputFileRef, RunSpec } from '../shared/report/schema';

/** The same JSON whatever order the keys were written in (run.json read back, or a spec built now). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const pathOf = (file: InputFileRef | undefined): string | undefined => file?.path;

/**
 * What --resume looks a run up by: the spec as the user asked for it, without what the files hold.
 * Content hashes and library versions are left out, so a run whose model file was replaced is still
 * found and only its affected units are recomputed. The task datasets go too: which files a task
 * reads is its task file's content. Works on run.json specs of every schema version.
 */
export function specIdentity(spec: RunSpec): string {
  // Goals change no measured number: a resume with edited goals finds the run, and its report is
  // rebuilt with the goals as they are now (the resumed card carries the current spec).
  const { modelFiles: _files, libraries: _libraries, taskDatasets: _datasets, goals: _goals, chatTemplate, corpus, prompts, taskFiles, goalsFile, ...asked } = spec;
  // Whether the template applied, and its hash, follow from the model files (each unit's inputs):
  // only the mode asked for names the run.
  const identity = { ...asked, chatTemplate: chatTemplate?.requested, corpus: pathOf(corpus), prompts: pathOf(prompts), taskFiles: taskFiles?.map((f) => f.path), goalsFile: pathOf(goalsFile) };
  return createHash('sha256').update(canonicalJson(identity)).digest('hex');
}

import type { InputFileRef, RunSpec, UnitInputs, UnitKey } from '../shared/report/schema';
import type { PreparedTask } from './tasks';

/** What unitInputs needs of a prepared run: the hashed spec and which files each task reads. */
export interface InputSources {
  spec: RunSpec;
  /** Per task name: its task file and the data files it reads (eval and few-shot splits). */
  taskFiles: ReadonlyMap<string, readonly string[]>;
}

/**
 * The inputs one unit's numbers are computed from. Every unit depends on the libraries, config.json
 * and the tokenizer files. A variant's units also depend on the baseline's weights: lockstep scores
 * against the baseline's logits, generations are re-scored under it and flagged against its
 * samples, performance cells carry the ratio to the baseline's timings, task units pair with its
 * items. So a unit is never reused after a unit it was computed against has changed.
 */
export function unitInputs(unit: UnitKey, sources: InputSources): UnitInputs {
  const { spec } = sources;
  const model = spec.modelFiles;
  const files: Array<InputFileRef | null | undefined> = [model?.config, model?.tokenizer, model?.tokenizerConfig, model?.chatTemplate];
  const weights = (variantId: string): InputFileRef[] => model?.variants[variantId] ?? [];
  files.push(...weights(spec.baselineId));
  if (unit.variantId !== spec.baselineId) files.push(...weights(unit.variantId));
  switch (unit.kind) {
    case 'perplexity':
    case 'lockstep':
      files.push(spec.corpus);
      break;
    case 'generation':
      files.push(spec.prompts, model?.generationConfig);
      break;
    case 'performance':
      // The timed prompts are cut from the corpus by the tokenizer.
      files.push(spec.corpus);
      break;
    case 'task': {
      const read = new Set(sources.taskFiles.get(unit.task ?? '') ?? []);
      files.push(model?.generationConfig, ...[...(spec.taskFiles ?? []), ...(spec.taskDatasets ?? [])].filter((f) => read.has(f.path)));
      break;
    }
  }
  const libraries: Record<string, string> = spec.libraries ? { 'onnxruntime-node': spec.libraries.onnxruntimeNode, '@huggingface/transformers': spec.libraries.transformersJs } : {};
  return { files: Object.fromEntries(files.filter((f): f is InputFileRef => !!f).map((f) => [f.path, f.sha256])), libraries };
}

/** One input that differs between when a unit was computed and now; null: not there (or not recorded). */
export interface InputChange {
  kind: 'file' | 'library';
  /** The file's absolute path, or the package name. */
  name: string;
  before: string | null;
  now: string | null;
}

/** Every input whose hash or version differs between `recorded` and `current`, files first. */
export function changedInputs(recorded: UnitInputs, current: UnitInputs): InputChange[] {
  const diff = (kind: InputChange['kind'], before: Record<string, string>, now: Record<string, string>): InputChange[] =>
    [...new Set([...Object.keys(before), ...Object.keys(now)])]
      .filter((name) => before[name] !== now[name])
      .map((name) => ({ kind, name, before: before[name] ?? null, now: now[name] ?? null }));
  return [...diff('file', recorded.files, current.files), ...diff('library', recorded.libraries, current.libraries)];
}

/** The sources of a prepared run: its spec, and the files each of its tasks reads. */
export function inputSourcesOf(prepared: { spec: RunSpec; tasks: readonly PreparedTask[] }): InputSources {
  return { spec: prepared.spec, taskFiles: new Map(prepared.tasks.map((t) => [t.task.name, [t.task.file, ...t.dataset.files, ...(t.fewshot?.files ?? [])]])) };
}

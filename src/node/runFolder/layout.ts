import { join, resolve, sep } from 'node:path';

/**
 * The one place that knows how QuantLens lays out what it writes: `<root>/.quantlens/runs/<runId>/`
 * with the files below. Readers, the writer, the host's watchers and the CLI's messages all derive
 * from these names; test/runFolder/layoutOwnership.test.ts keeps them from being spelled elsewhere.
 */

/** The folder QuantLens keeps beside the models (runs) or at the workspace root (annotations). */
export const QUANTLENS_FOLDER = '.quantlens';

/** The runs folder relative to its root (the workspace, or the model folder's parent, or --out). */
export const RUNS_SUBFOLDER = join(QUANTLENS_FOLDER, 'runs');

/** The files of one run folder. */
export const RUN_FILES = {
  card: 'run.json',
  events: 'events.jsonl',
  samples: 'samples.jsonl',
  report: 'report.json',
  /** Every finished request to a served variant, so a resumed run does not send it again (requestJournal.ts). */
  requests: 'requests.jsonl',
} as const;

export type RunFileRole = keyof typeof RUN_FILES;

/** The folder of a run's human ratings: one `<rater>.json` per rater (src/node/rating/ratingStore.ts). */
export const RUN_RATINGS_FOLDER = 'ratings';

/** `<run>/ratings`. */
export function ratingsFolderOf(runFolder: string): string {
  return join(runFolder, RUN_RATINGS_FOLDER);
}

/** A run folder as messages and help text name it, with '/' whatever the platform. */
export const RUN_FOLDER_DISPLAY = `${QUANTLENS_FOLDER}/runs/<runId>`;

/** The runs folder as messages and help text name it. */
export const RUNS_FOLDER_DISPLAY = `${QUANTLENS_FOLDER}/runs`;

/** The path of one of a run folder's files. */
export function runFile(runFolder: string, role: RunFileRole): string {
  return join(runFolder, RUN_FILES[role]);
}

/** `<root>/.quantlens/runs`. */
export function runsFolderOf(root: string): string {
  return join(root, RUNS_SUBFOLDER);
}

/** `<root>/.quantlens/runs/<runId>`. */
export function runFolderOf(root: string, runId: string): string {
  return join(runsFolderOf(root), runId);
}

/** The root that holds `.quantlens/runs/<runId>` (the inverse of runFolderOf): annotations and sibling runs are found from it. */
export function rootOfRunFolder(runFolder: string): string {
  const depth = RUNS_SUBFOLDER.split(sep).length + 1;
  return resolve(runFolder, ...Array<string>(depth).fill('..'));
}

/** A brace glob of some of a run folder's files, relative to the run folder (for a file watcher on it). */
export function runFilesGlob(roles: readonly RunFileRole[]): string {
  return `{${roles.map((r) => RUN_FILES[r]).join(',')}}`;
}

/** A workspace glob of some files of every run folder anywhere below the workspace (for the models view's watcher). */
export function allRunsGlob(roles: readonly RunFileRole[]): string {
  return `**/${RUNS_FOLDER_DISPLAY}/*/${runFilesGlob(roles)}`;
}

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError, isInputError } from '../../shared/errors';
import type { RunCard, RunEvent, RunReport, RunStatus, SampleRecord, UnavailableMeasure, UnitResult } from '../../shared/report/schema';
import { unavailableMeasure, unitKeyString } from '../../shared/report/schema';
import { checkSchemaVersion } from '../../shared/report/version';
import { parseJsonOf, readJsonFile } from '../jsonFile';
import { rootOfRunFolder, RUN_FILES, runFile, runsFolderOf } from './layout';

/** A run folder as views and resume read it. */
export interface RunOnDisk {
  folder: string;
  card: RunCard;
  events: RunEvent[];
  /** Completed unit results, last one wins per unit. */
  results: UnitResult[];
  /** Units the backend could not give (unit-unavailable, unless the unit completed after). */
  unavailable: UnavailableMeasure[];
  status: RunStatus;
  report: RunReport | null;
  /** A line that could not be parsed (a crash mid-write leaves at most the last one). */
  damagedLines: number[];
  /** The same lines, each with its file:line:column message. */
  damaged: DamagedLine[];
}

const DAMAGED_RUN = 'The run folder is damaged; re-run the evaluation.';

/** A line of a .jsonl file that does not parse, placed as file:line:column. */
export interface DamagedLine {
  line: number;
  /** `file:line:column: line N is not valid JSON: … The run folder is damaged; …` */
  message: string;
}

/**
 * Each line one JSON value; a line that does not parse is kept aside, not thrown (a crash mid-write
 * leaves at most the last one torn, and the rest of the run is still worth reading).
 */
export function readJsonLines<T>(file: string): { values: T[]; damagedLines: number[]; damaged: DamagedLine[] } {
  if (!existsSync(file)) return { values: [], damagedLines: [], damaged: [] };
  const values: T[] = [];
  const damaged: DamagedLine[] = [];
  readFileSync(file, 'utf8').split('\n').forEach((line, index) => {
    if (!line.trim()) return;
    try {
      values.push(parseJsonOf(file, line, DAMAGED_RUN, index + 1) as T);
    } catch (error) {
      if (!isInputError(error)) throw error;
      damaged.push({ line: index + 1, message: error.message });
    }
  });
  return { values, damagedLines: damaged.map((d) => d.line), damaged };
}

export function readRun(folder: string): RunOnDisk {
  const cardFile = runFile(folder, 'card');
  const card = readJsonFile(cardFile, DAMAGED_RUN) as RunCard;
  const versionProblem = checkSchemaVersion(card.schemaVersion, cardFile);
  if (versionProblem) throw new InputError(cardFile, versionProblem, 'Open it with the QuantLens version that wrote it, or re-run the evaluation.');
  const { values: events, damagedLines, damaged } = readJsonLines<RunEvent>(runFile(folder, 'events'));
  const results = new Map<string, UnitResult>();
  let status: RunStatus = 'running';
  const unavailable = new Map<string, UnavailableMeasure>();
  for (const event of events) {
    if (event.type === 'unit-completed') {
      results.set(unitKeyString(event.result), event.result);
      unavailable.delete(unitKeyString(event.result));
    }
    if (event.type === 'unit-unavailable') unavailable.set(unitKeyString(event.unit), unavailableMeasure(event.unit, event.reason));
    if (event.type === 'run-finished') status = event.status;
    if (event.type === 'run-started') status = 'running';
  }
  const reportFile = runFile(folder, 'report');
  const report = existsSync(reportFile) ? readJsonFile(reportFile, DAMAGED_RUN) as RunReport : null;
  return { folder, card, events, results: [...results.values()], unavailable: [...unavailable.values()], status, report, damagedLines, damaged };
}

export function readSamples(folder: string): SampleRecord[] {
  return readJsonLines<SampleRecord>(runFile(folder, 'samples')).values;
}

/** Run folders under `<root>/.quantlens/runs`, newest first (run ids start with a UTC timestamp). */
export function listRunFolders(root: string): string[] {
  const runs = runsFolderOf(root);
  if (!existsSync(runs)) return [];
  return readdirSync(runs, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(runs, d.name, RUN_FILES.card)))
    .map((d) => join(runs, d.name))
    .sort()
    .reverse();
}

/** Another run of the same model folder, as "Compare with…" offers it. */
export interface SiblingRun {
  folder: string;
  runId: string;
  createdAt: string;
  status: string;
}

/** The other runs beside this one (same `.quantlens/runs`) of the same model folder, newest first. */
export function siblingRuns(runFolder: string): SiblingRun[] {
  const modelFolder = readRun(runFolder).card.spec.modelFolder;
  return listRunFolders(rootOfRunFolder(runFolder)).flatMap((folder) => {
    if (resolve(folder) === resolve(runFolder)) return [];
    try {
      const run = readRun(folder);
      return run.card.spec.modelFolder === modelFolder ? [{ folder, runId: run.card.runId, createdAt: run.card.createdAt, status: run.status }] : [];
    } catch {
      return [];
    }
  });
}

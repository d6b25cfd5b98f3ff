import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../shared/errors';
import type { RunCard, RunEvent, RunReport, RunStatus, SampleRecord, UnitResult } from '../shared/report/schema';
import { unitKeyString } from '../shared/report/schema';
import { checkSchemaVersion } from '../shared/report/version';

export const RUNS_SUBFOLDER = join('.quantlens', 'runs');

/** A run folder as views and resume read it. */
export interface RunOnDisk {
  folder: string;
  card: RunCard;
  events: RunEvent[];
  /** Completed unit results, last one wins per unit. */
  results: UnitResult[];
  status: RunStatus;
  report: RunReport | null;
  /** A line that could not be parsed (a crash mid-write leaves at most the last one). */
  damagedLines: number[];
}

function readJsonFile<T>(file: string): T {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(file, `Cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, 'Check that the run folder is complete and readable.');
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new InputError(file, `Not valid JSON: ${(error as Error).message}.`, 'The run folder is damaged; re-run the evaluation.');
  }
}

export function readJsonLines<T>(file: string): { values: T[]; damagedLines: number[] } {
  if (!existsSync(file)) return { values: [], damagedLines: [] };
  const values: T[] = [];
  const damagedLines: number[] = [];
  readFileSync(file, 'utf8').split('\n').forEach((line, index) => {
    if (!line.trim()) return;
    try {
      values.push(JSON.parse(line) as T);
    } catch {
      damagedLines.push(index + 1);
    }
  });
  return { values, damagedLines };
}

export function readRun(folder: string): RunOnDisk {
  const cardFile = join(folder, 'run.json');
  const card = readJsonFile<RunCard>(cardFile);
  const versionProblem = checkSchemaVersion(card.schemaVersion, cardFile);
  if (versionProblem) throw new InputError(cardFile, versionProblem, 'Open it with the QuantLens version that wrote it, or re-run the evaluation.');
  const { values: events, damagedLines } = readJsonLines<RunEvent>(join(folder, 'events.jsonl'));
  const results = new Map<string, UnitResult>();
  let status: RunStatus = 'running';
  for (const event of events) {
    if (event.type === 'unit-completed') results.set(unitKeyString(event.result), event.result);
    if (event.type === 'run-finished') status = event.status;
    if (event.type === 'run-started') status = 'running';
  }
  const reportFile = join(folder, 'report.json');
  const report = existsSync(reportFile) ? readJsonFile<RunReport>(reportFile) : null;
  return { folder, card, events, results: [...results.values()], status, report, damagedLines };
}

export function readSamples(folder: string): SampleRecord[] {
  return readJsonLines<SampleRecord>(join(folder, 'samples.jsonl')).values;
}

/** Run folders under `<root>/.quantlens/runs`, newest first (run ids start with a UTC timestamp). */
export function listRunFolders(root: string): string[] {
  const runs = join(root, RUNS_SUBFOLDER);
  if (!existsSync(runs)) return [];
  return readdirSync(runs, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(runs, d.name, 'run.json')))
    .map((d) => join(runs, d.name))
    .sort()
    .reverse();
}

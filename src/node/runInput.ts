import { InputError } from '../shared/errors';
import { buildReport } from '../shared/report/buildReport';
import type { RunInput } from '../shared/compare/runInput';
import type { RunReport } from '../shared/report/schema';
import { readRun, readSamples, RunOnDisk } from './runFolder/reader';
import { runFile } from './runFolder/layout';

/** The run's report.json, or while it is still running, the report folded from its completed units (as the engine will fold it). */
export function currentReport(run: RunOnDisk): RunReport | null {
  if (run.report) return run.report;
  if (run.results.length === 0) return null;
  const failures = run.events.flatMap((e) => (e.type === 'unit-failed' ? [{ unit: `${e.unit.kind}:${e.unit.variantId}`, error: e.error }] : []));
  const warnings = run.events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
  return buildReport(run.card, run.results, failures, warnings, run.status, new Date().toISOString(), run.unavailable);
}

/**
 * A run folder as `quantlens compare` reads it. An unfinished run (no report.json yet) is folded
 * from its completed units, as the panel does.
 */
export function readRunInput(folder: string): RunInput {
  const run = readRun(folder);
  const report = currentReport(run);
  if (!report) throw new InputError(runFile(folder, 'events'), 'The run has no completed unit yet: nothing to compare.', 'Wait for the run to finish a unit, or pick another run.');
  return { folder, card: run.card, report, results: run.results, samples: readSamples(folder) };
}

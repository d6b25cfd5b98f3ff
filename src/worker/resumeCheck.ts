import { isAbsolute, relative } from 'node:path';
import type { RunEvent, UnitInputs, UnitKey, UnitResult } from '../shared/report/schema';
import { unitKeyString } from '../shared/report/schema';
import { changedInputs, InputChange } from './unitInputs';
import { isServedRef } from './modelFileHashes';

/** A finished unit that cannot be reused: what changed since it was computed (null: nothing was recorded). */
export interface StaleUnit {
  key: string;
  changes: InputChange[] | null;
  /** A performance unit whose own inputs are unchanged, timed again with this stale one. */
  measuredWith?: string;
}

export interface ResumeCheck {
  /** Finished units whose inputs are unchanged, by unit key. */
  reused: Map<string, UnitResult>;
  stale: StaleUnit[];
}

/**
 * Sorts a run's finished units (the last `unit-completed` of each wins, as readRun does) into those
 * computed from the inputs as they are now and those that are not. A unit recomputed by an earlier
 * resume carries its own newer inputs, so kill-resume-kill-resume never reuses a stale result.
 */
export function checkFinishedUnits(events: readonly RunEvent[], current: (unit: UnitKey) => UnitInputs): ResumeCheck {
  const finished = new Map<string, { result: UnitResult; inputs?: UnitInputs }>();
  for (const event of events) if (event.type === 'unit-completed') finished.set(unitKeyString(event.result), event);
  const reused = new Map<string, UnitResult>();
  const stale: StaleUnit[] = [];
  for (const [key, { result, inputs }] of finished) {
    const changes = inputs ? changedInputs(inputs, current(result)) : null;
    if (changes && changes.length === 0) reused.set(key, result);
    else stale.push({ key, changes });
  }
  // The performance units are timed in one phase, the variants interleaved round by round, and
  // each variant's cells are compared with the baseline's from that phase: timing one again alone
  // would compare timings from two sessions. So they are reused all together or not at all.
  const stalePerformance = stale.find((u) => u.key.startsWith('performance:'));
  if (stalePerformance) {
    for (const [key, result] of reused) {
      if (result.kind !== 'performance') continue;
      reused.delete(key);
      stale.push({ key, changes: [], measuredWith: stalePerformance.key });
    }
  }
  return { reused, stale };
}

/** One reason finished units cannot be reused, and which units it affects. */
export interface StaleCause {
  /** e.g. "onnx/model_q4.onnx changed since the run started (sha256 1a2b3c4d… → 5e6f7a8b…)" */
  cause: string;
  /** The changed file (absolute), when the cause is a file. */
  file?: string;
  units: string[];
}

const short = (sha256: string): string => `${sha256.slice(0, 8)}…`;

/** A path as the user knows it: relative to the model folder when inside it. */
function displayPath(path: string, modelFolder: string): string {
  const inside = relative(modelFolder, path);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}

function describeChange(change: InputChange, modelFolder: string): string {
  if (change.kind === 'file' && isServedRef(change.name)) {
    if (change.before === null) return `the endpoint ${change.name} was added since the run started`;
    if (change.now === null) return `the endpoint ${change.name} is no longer an input since the run started`;
    return `the endpoint ${change.name} serves another model (or reports it differently in /v1/models) since the run started (${short(change.before)} → ${short(change.now)})`;
  }
  if (change.kind === 'library') return `${change.name} changed since the run started (${change.before ?? 'not recorded'} → ${change.now ?? 'not loaded'})`;
  const name = displayPath(change.name, modelFolder);
  if (change.before === null) return `${name} was added since the run started (sha256 ${short(change.now!)})`;
  if (change.now === null) return `${name} is no longer an input since the run started (sha256 ${short(change.before)})`;
  return `${name} changed since the run started (sha256 ${short(change.before)} → ${short(change.now)})`;
}

/** The stale units grouped by what changed, in the order the changes were found. */
export function staleCauses(stale: readonly StaleUnit[], modelFolder: string): StaleCause[] {
  const causes = new Map<string, StaleCause>();
  const add = (cause: string, unit: string, file?: string): void => {
    const entry = causes.get(cause) ?? { cause, units: [], ...(file ? { file } : {}) };
    entry.units.push(unit);
    causes.set(cause, entry);
  };
  for (const unit of stale) {
    if (unit.measuredWith) add(`the performance units are timed together (variants interleaved) and ${unit.measuredWith} is timed again`, unit.key);
    else if (unit.changes === null) add('no input hashes were recorded (computed by a QuantLens before report schema 1.1)', unit.key);
    else for (const change of unit.changes) add(describeChange(change, modelFolder), unit.key, change.kind === 'file' ? change.name : undefined);
  }
  return [...causes.values()];
}

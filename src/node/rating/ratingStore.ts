import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage, InputError, isInputError } from '../../shared/errors';
import { checkRatingsFile, emptyRatingsFile, serializeRatingsFile, withJudgement } from '../../shared/rating/ratingsFile';
import { summarizeRatings, type RatingsSource } from '../../shared/rating/mergeRatings';
import type { HumanRatingReport, RatingJudgement, RatingPair, RatingsFile } from '../../shared/rating/types';
import type { RunReport, SampleRecord } from '../../shared/report/schema';
import { writeFileAtomic } from '../atomicWrite';
import { readJsonFile } from '../jsonFile';
import { ratingsFolderOf, runFile } from '../runFolder/layout';
import { readRun, readSamples } from '../runFolder/reader';
import { buildRatingSet, DEFAULT_RATING_PAIRS, defaultRatingSeed } from '../../shared/rating/ratingSet';

const REMEDY_SYNTAX = 'Fix the JSON there (while a file in a run\'s ratings folder is broken, it is left out of the results and never overwritten).';

/** A rater's file name: the rater id with anything but letters, digits, '.', '_' and '-' replaced (never a path). */
export function raterFileName(rater: string): string {
  const safe = rater.trim().replace(/[^\p{L}\p{N}._-]/gu, '_').replace(/^\.+/, '_').slice(0, 80);
  return `${safe || 'rater'}.json`;
}

export function raterFile(runFolder: string, rater: string): string {
  return join(ratingsFolderOf(runFolder), raterFileName(rater));
}

/** One ratings file, read and checked; every problem is an InputError naming the file. */
export function readRatingsFile(path: string): RatingsFile {
  return checkRatingsFile(path, readJsonFile(path, REMEDY_SYNTAX));
}

/** Every rater's file of a run; a file that cannot be used is listed in `problems` and left out, never overwritten. */
export function readRatingsFolder(runFolder: string): { sources: RatingsSource[]; problems: string[] } {
  const folder = ratingsFolderOf(runFolder);
  if (!existsSync(folder)) return { sources: [], problems: [] };
  const sources: RatingsSource[] = [];
  const problems: string[] = [];
  for (const name of readdirSync(folder).filter((n) => n.endsWith('.json')).sort()) {
    const path = join(folder, name);
    try {
      sources.push({ source: path, file: readRatingsFile(path) });
    } catch (error) {
      if (!isInputError(error)) throw error;
      problems.push(error.message);
    }
  }
  return { sources, problems };
}

/** The rater's file as it is now, or an empty one for this set when there is none yet. */
export function loadRaterFile(runFolder: string, runId: string, rater: string, seed: number, pairs: number): RatingsFile {
  const path = raterFile(runFolder, rater);
  if (!existsSync(path)) return emptyRatingsFile(runId, rater, seed, pairs);
  return readRatingsFile(path);
}

/**
 * Saves one judgement at once: re-reads the rater's file, adds (or replaces) the judgement and
 * replaces the file atomically (temporary file, fsync, rename), so a crash or a reload loses at
 * most the judgement being made. A file of another set (other seed or size) or one that cannot be
 * read is an InputError, and the file is left as it is.
 */
export function saveJudgement(runFolder: string, runId: string, rater: string, seed: number, pairs: number, judgement: RatingJudgement): RatingsFile {
  const path = raterFile(runFolder, rater);
  const current = loadRaterFile(runFolder, runId, rater, seed, pairs);
  if (current.seed !== seed || current.pairs !== pairs || current.runId !== runId) {
    throw new InputError(path, `holds ${current.rater}'s ratings of another set (seed ${current.seed}, ${current.pairs} pairs).`, 'Finish that set, or move the file aside to start this one.');
  }
  const next = withJudgement(current, judgement);
  writeFileAtomic(path, serializeRatingsFile(next));
  return next;
}

/** Writes a checked file (an imported one) as the rater's file of the run. */
export function writeRaterFile(runFolder: string, file: RatingsFile): string {
  const path = raterFile(runFolder, file.rater);
  writeFileAtomic(path, serializeRatingsFile(file));
  return path;
}

/**
 * The run's merged human ratings, for views: undefined when nobody rated; a file that cannot be
 * used is left out and named in `problems`, so one bad file does not hide the others.
 */
export function humanRatingOf(runFolder: string, runId: string, samples: readonly SampleRecord[], baselineId: string): { humanRating?: HumanRatingReport; problems: string[] } {
  const { sources, problems } = readRatingsFolder(runFolder);
  try {
    const humanRating = summarizeRatings(sources, runId, samples, baselineId);
    return { ...(humanRating ? { humanRating } : {}), problems };
  } catch (error) {
    return { problems: [...problems, errorMessage(error)] };
  }
}

/** The report with the run's human ratings folded in (the report itself when there are none). */
export function withHumanRating(report: RunReport | null, runFolder: string, samples: readonly SampleRecord[]): RunReport | null {
  if (!report) return report;
  const { humanRating } = humanRatingOf(runFolder, report.runId, samples, report.baselineId);
  return humanRating ? { ...report, humanRating } : report;
}

/**
 * The rating set of a finished run (its default seed and size unless given). A run still going is
 * refused: its set is drawn from all its generations, so it would change under the raters. So is a
 * run with nothing to rate.
 */
export function ratingSetOfRun(runFolder: string, options: { seed?: number; pairs?: number } = {}): { runId: string; baselineId: string; seed: number; pairs: number; set: RatingPair[] } {
  const run = readRun(runFolder);
  if (run.status === 'running') throw new InputError(runFile(runFolder, 'events'), 'The run has not finished: its rating set is drawn from all its generations.', 'Rate it once it has finished (resume it if it was interrupted).');
  const seed = options.seed ?? defaultRatingSeed(run.card.runId);
  const pairs = options.pairs ?? DEFAULT_RATING_PAIRS;
  const set = buildRatingSet(readSamples(runFolder), run.card.spec.baselineId, seed, pairs);
  if (set.length === 0) throw new InputError(runFile(runFolder, 'samples'), 'The run has no generations of a variant and the baseline for the same prompt: nothing to rate.', 'Evaluate with generations (prompts) first.');
  return { runId: run.card.runId, baselineId: run.card.spec.baselineId, seed, pairs, set };
}

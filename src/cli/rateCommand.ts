import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { renderTable } from '../shared/resultsTable';
import { summarizeRatings, type RatingsSource } from '../shared/rating/mergeRatings';
import { emptyRatingsFile, serializeRatingsFile } from '../shared/rating/ratingsFile';
import { blind } from '../shared/rating/ratingSet';
import { HUMAN_RATING_COLUMNS, humanRatingNotes, humanRatingRows } from '../shared/rating/ratingTable';
import { ratingSetOfRun, readRatingsFile, readRatingsFolder, writeRaterFile } from '../node/rating/ratingStore';
import { readRun, readSamples } from '../node/runFolder/reader';
import { RUN_FOLDER_DISPLAY, runFile } from '../node/runFolder/layout';
import { parseCommandLine, UsageError } from './usage';
import { writeOutput } from './writeOutput';

/**
 * `quantlens rate export RUN [--pairs N] [--seed S] [--rater NAME] [--out FILE]`: the blind rating
 * set for raters outside VS Code (prompt and outputs A/B per pair, no variant names); they fill in
 * "rater" and "judgements" and send the file back.
 * `quantlens rate merge RUN FILE... [--json] [--dry-run]`: checks the returned files, saves each
 * as its rater's file in the run's ratings folder (unless --dry-run) and prints the merged result
 * of every rater of the run.
 */
export function runRate(argv: string[]): number {
  const [sub, ...rest] = argv;
  if (sub === 'export') return rateExport(rest);
  if (sub === 'merge') return rateMerge(rest);
  throw new UsageError(`rate takes "export" or "merge"${sub === undefined ? '' : `, not "${sub}"`}`, 'rate');
}

function runFolderArg(positional: string | undefined): string {
  if (!positional) throw new UsageError(`rate needs a run folder (${RUN_FOLDER_DISPLAY})`, 'rate');
  const folder = resolve(positional);
  if (!existsSync(runFile(folder, 'card'))) throw new UsageError(`${folder} is not a run folder (${RUN_FOLDER_DISPLAY})`, 'rate');
  return folder;
}

function optionalInteger(name: string, value: string | undefined, minimum: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!value.trim() || !Number.isSafeInteger(n) || n < minimum) throw new UsageError(`${name} must be an integer of at least ${minimum}, got "${value}"`, 'rate');
  return n;
}

function rateExport(argv: string[]): number {
  const { values, positionals } = parseCommandLine('rate', () => parseArgs({ args: argv, allowPositionals: true, options: { pairs: { type: 'string' }, seed: { type: 'string' }, rater: { type: 'string' }, out: { type: 'string' } } }));
  if (positionals.length !== 1) throw new UsageError('rate export takes one run folder', 'rate');
  const folder = runFolderArg(positionals[0]);
  const { runId, seed, pairs, set } = ratingSetOfRun(folder, { seed: optionalInteger('--seed', values.seed, 0), pairs: optionalInteger('--pairs', values.pairs, 1) });
  const file = { ...emptyRatingsFile(runId, values.rater ?? '', seed, pairs), set: set.map(blind) };
  writeOutput(serializeRatingsFile(file), values.out);
  if (set.length < pairs) console.error(`warning: the run has ${set.length} pairs to rate, fewer than --pairs ${pairs}.`);
  return 0;
}

function rateMerge(argv: string[]): number {
  const { values, positionals } = parseCommandLine('rate', () => parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, 'dry-run': { type: 'boolean' } } }));
  const [runArg, ...files] = positionals;
  const folder = runFolderArg(runArg);
  if (files.length === 0) throw new UsageError('rate merge takes the run folder and at least one ratings file', 'rate');
  const run = readRun(folder);
  const samples = readSamples(folder);
  // Every file is checked (and resolved against the run) before anything is saved: one bad file saves nothing.
  // (The checked file keeps no `set`: the pairs' texts stay in the exported file.)
  const given: RatingsSource[] = files.map((f) => ({ source: resolve(f), file: readRatingsFile(resolve(f)) }));
  summarizeRatings(given, run.card.runId, samples, run.card.spec.baselineId);
  const { sources: present, problems } = readRatingsFolder(folder);
  for (const p of problems) console.error(`warning: left out: ${p}`);
  const raters = new Set(given.map((g) => g.file.rater));
  const all = [...present.filter((p) => !raters.has(p.file.rater)), ...given];
  const rating = summarizeRatings(all, run.card.runId, samples, run.card.spec.baselineId);
  if (!values['dry-run']) {
    for (const g of given) console.error(`Saved ${g.file.rater}'s ${g.file.judgements.length} judgements as ${writeRaterFile(folder, g.file)}`);
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify(rating ?? null, null, 2)}\n`);
    return 0;
  }
  if (!rating) {
    console.log('No judgements yet in these files.');
    return 0;
  }
  console.log(`Human rating vs ${run.card.spec.baselineId} (blind, ${all.length} rater${all.length === 1 ? '' : 's'}):\n${renderTable(HUMAN_RATING_COLUMNS, humanRatingRows(rating))}`);
  for (const line of humanRatingNotes(rating)) console.log(line);
  return 0;
}

import { InputError } from '../errors';
import { wilsonInterval } from '../annotations/summary';
import type { SampleRecord } from '../report/schema';
import { cohenKappa, krippendorffAlphaNominal } from './agreement';
import { bradleyTerry, type Comparison } from './bradleyTerry';
import { buildRatingSet } from './ratingSet';
import { RATING_CRITERIA, TIE_POLICY, type HumanRatingReport, type RatingChoice, type RatingOutcome, type RatingPair, type RatingsFile, type VariantRating } from './types';

/** A ratings file and what names it in errors (its path). */
export interface RatingsSource {
  source: string;
  file: RatingsFile;
}

/** One judgement resolved against its set: which variant, and how it fared against the baseline. */
export interface ResolvedJudgement {
  rater: string;
  sampleKey: string;
  variantId: string;
  outcome: RatingOutcome;
  criteria: Partial<Record<(typeof RATING_CRITERIA)[number], RatingOutcome>>;
}

/** A choice of side said as the variant's outcome: picking the baseline's side is a loss for the variant. */
export function outcomeOf(choice: RatingChoice, pair: Pick<RatingPair, 'baselineSide'>): RatingOutcome {
  if (choice === 'tie') return 'tie';
  return choice === pair.baselineSide ? 'loss' : 'win';
}

/**
 * Maps each file's judgements back to variants through the set its seed and size define on this
 * run's samples. A file made for another run, or a pair id not in its set, is an InputError naming
 * the file; so are two files of the same rater.
 */
export function resolveJudgements(sources: readonly RatingsSource[], runId: string, samples: readonly SampleRecord[], baselineId: string): ResolvedJudgement[] {
  const byRater = new Map<string, string>();
  const sets = new Map<string, Map<string, RatingPair>>();
  const out: ResolvedJudgement[] = [];
  for (const { source, file } of sources) {
    if (file.runId !== runId) throw new InputError(source, `was made for run ${file.runId}, not ${runId}.`, 'Merge it into the run it was exported from.');
    const other = byRater.get(file.rater);
    if (other !== undefined) throw new InputError(source, `names rater "${file.rater}", as ${other} does.`, 'Give each person\'s file its own "rater" name, or merge only one of the two.');
    byRater.set(file.rater, source);
    const setKey = `${file.seed}/${file.pairs}`;
    let set = sets.get(setKey);
    if (!set) {
      set = new Map(buildRatingSet(samples, baselineId, file.seed, file.pairs).map((p) => [p.pairId, p]));
      sets.set(setKey, set);
    }
    for (const j of file.judgements) {
      const pair = set.get(j.pairId);
      if (!pair) throw new InputError(source, `judges pair ${j.pairId}, which is not in this run's set for seed ${file.seed} and ${file.pairs} pairs.`, 'The file belongs to another set or run: export the set again (`quantlens rate export`) and rate that.');
      if (pair.sampleKey !== j.sampleKey) throw new InputError(source, `pair ${j.pairId} has sampleKey ${j.sampleKey}, but that pair's sample is ${pair.sampleKey}.`, 'Do not edit the pair ids or sample keys; export the set again if in doubt.');
      const criteria: ResolvedJudgement['criteria'] = {};
      for (const [name, choice] of Object.entries(j.criteria ?? {})) criteria[name as keyof typeof criteria] = outcomeOf(choice, pair);
      out.push({ rater: file.rater, sampleKey: pair.sampleKey, variantId: pair.variantId, outcome: outcomeOf(j.choice, pair), criteria });
    }
  }
  return out;
}

/** Win / tie / loss counts as a rate with a tie as half a win, and the Wilson 95% interval of it. */
export function winRate(wins: number, ties: number, losses: number): { n: number; winRate: number; ci95: [number, number] } {
  const n = wins + ties + losses;
  const successes = wins + ties / 2;
  return { n, winRate: n > 0 ? successes / n : NaN, ci95: wilsonInterval(successes, n) };
}

/**
 * The humanRating region: per variant the win / tie / loss rate against the baseline over every
 * rater's judgements (ties: half a win), Bradley–Terry strengths when more than two models were
 * rated, and agreement between raters on the pairs several of them judged (Cohen's κ for two raters,
 * Krippendorff's α nominal for more). Undefined when there is no judgement at all.
 */
export function summarizeRatings(sources: readonly RatingsSource[], runId: string, samples: readonly SampleRecord[], baselineId: string): HumanRatingReport | undefined {
  const judgements = resolveJudgements(sources, runId, samples, baselineId);
  if (judgements.length === 0) return undefined;
  const variantIds = [...new Set(judgements.map((j) => j.variantId))].sort();
  const variants: VariantRating[] = variantIds.map((variantId) => {
    const mine = judgements.filter((j) => j.variantId === variantId);
    const count = (list: RatingOutcome[], o: RatingOutcome): number => list.filter((x) => x === o).length;
    const outcomes = mine.map((j) => j.outcome);
    const wins = count(outcomes, 'win');
    const ties = count(outcomes, 'tie');
    const losses = count(outcomes, 'loss');
    const rate = winRate(wins, ties, losses);
    const criteria: VariantRating['criteria'] = {};
    for (const c of RATING_CRITERIA) {
      const given = mine.flatMap((j) => (j.criteria[c] ? [j.criteria[c]] : []));
      if (given.length) criteria[c] = winRate(count(given, 'win'), count(given, 'tie'), count(given, 'loss'));
    }
    return { variantId, n: rate.n, wins, ties, losses, winRate: rate.winRate, ci95: rate.ci95, ...(Object.keys(criteria).length ? { criteria } : {}) };
  });
  const report: HumanRatingReport = {
    tiePolicy: TIE_POLICY,
    raters: sources.map(({ file }) => ({ rater: file.rater, seed: file.seed, judged: file.judgements.length, pairs: file.pairs })),
    variants,
  };
  if (variantIds.length >= 2) {
    const comparisons: Comparison[] = judgements.map((j) => ({ a: j.variantId, b: baselineId, aScore: j.outcome === 'win' ? 1 : j.outcome === 'loss' ? 0 : 0.5 }));
    const bt = bradleyTerry(comparisons, baselineId);
    for (const v of variants) v.strength = bt.strengths.get(v.variantId) ?? null;
    report.bradleyTerry = { method: 'Bradley–Terry by the MM algorithm (Hunter 2004), ties as half a win each, baseline strength 1', iterations: bt.iterations, converged: bt.converged, ...(bt.note ? { note: bt.note } : {}) };
  }
  const agreement = raterAgreement(judgements);
  if (agreement) report.agreement = agreement;
  return report;
}

/** κ or α over the pairs (sample × variant) that two or more raters judged; undefined when none was. */
function raterAgreement(judgements: readonly ResolvedJudgement[]): HumanRatingReport['agreement'] {
  const raters = [...new Set(judgements.map((j) => j.rater))].sort();
  if (raters.length < 2) return undefined;
  const units = new Map<string, Map<string, RatingOutcome>>();
  for (const j of judgements) {
    const key = `${j.sampleKey}\u0000${j.variantId}`;
    const unit = units.get(key) ?? new Map<string, RatingOutcome>();
    unit.set(j.rater, j.outcome);
    units.set(key, unit);
  }
  const shared = [...units.values()].filter((u) => u.size >= 2);
  if (shared.length === 0) return undefined;
  if (raters.length === 2) {
    const [a, b] = raters as [string, string];
    return { method: 'cohen-kappa', value: cohenKappa(shared.map((u) => [u.get(a)!, u.get(b)!] as const)), pairs: shared.length, raters: 2 };
  }
  return { method: 'krippendorff-alpha-nominal', value: krippendorffAlphaNominal(shared.map((u) => [...u.values()])), pairs: shared.length, raters: raters.length };
}

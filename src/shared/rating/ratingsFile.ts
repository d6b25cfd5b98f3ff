import { InputError } from '../errors';
import { RATING_CRITERIA, RATINGS_FORMAT, RATINGS_FORMAT_VERSION, type RatingChoice, type RatingJudgement, type RatingsFile } from './types';

const CHOICES: readonly RatingChoice[] = ['A', 'B', 'tie'];
const REMEDY = 'Fix that field (a judgement is {"pairId", "sampleKey", "choice": "A" | "B" | "tie"}), or make a fresh set with `quantlens rate export`.';

/** An empty file for a rater starting a set. */
export function emptyRatingsFile(runId: string, rater: string, seed: number, pairs: number): RatingsFile {
  return { format: RATINGS_FORMAT, version: RATINGS_FORMAT_VERSION, runId, rater, seed, pairs, judgements: [] };
}

/** The file with `judgement` added, or replacing the earlier judgement of the same pair (a rater may change their mind). */
export function withJudgement(file: RatingsFile, judgement: RatingJudgement): RatingsFile {
  return { ...file, judgements: [...file.judgements.filter((j) => j.pairId !== judgement.pairId), judgement] };
}

/** Two-space JSON with a final newline: the same bytes for the same content, diff-friendly. */
export function serializeRatingsFile(file: RatingsFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

/**
 * Checks a parsed ratings file (`source` names it in errors). An exported set whose `rater` is still
 * empty is refused: each file must say who rated, or several raters' files could not be told apart.
 */
export function checkRatingsFile(source: string, value: unknown): RatingsFile {
  const fail = (problem: string, remedy = REMEDY): never => {
    throw new InputError(source, problem, remedy);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('is not a QuantLens ratings file (not a JSON object).', 'Pass the file `quantlens rate export` made, with its judgements filled in.');
  const v = value as Record<string, unknown>;
  if (v.format !== RATINGS_FORMAT) return fail(`is not a QuantLens ratings file ("format" is ${JSON.stringify(v.format)}, not "${RATINGS_FORMAT}").`, 'Pass the file `quantlens rate export` made, with its judgements filled in.');
  if (v.version !== RATINGS_FORMAT_VERSION) return fail(`has ratings format version ${JSON.stringify(v.version)}; this QuantLens reads version ${RATINGS_FORMAT_VERSION}.`, 'Export the set again with this QuantLens version.');
  if (typeof v.runId !== 'string' || !v.runId) return fail('has no "runId".');
  if (typeof v.rater !== 'string' || !v.rater.trim()) return fail('does not name its rater ("rater" is empty).', 'Write the rater\'s name in "rater" (each person\'s file must name them), then merge again.');
  if (!Number.isSafeInteger(v.seed)) return fail(`has no integer "seed" (got ${JSON.stringify(v.seed)}).`);
  if (!Number.isSafeInteger(v.pairs) || (v.pairs as number) < 1) return fail(`has no positive integer "pairs" (got ${JSON.stringify(v.pairs)}).`);
  if (!Array.isArray(v.judgements)) return fail('has no "judgements" list.');
  const seen = new Set<string>();
  const judgements = v.judgements.map((j: unknown, i: number): RatingJudgement => {
    const at = `judgements[${i}]`;
    if (typeof j !== 'object' || j === null) return fail(`${at} is not an object.`);
    const r = j as Record<string, unknown>;
    if (typeof r.pairId !== 'string' || !r.pairId) return fail(`${at} has no "pairId".`);
    if (seen.has(r.pairId)) return fail(`${at} judges pair ${r.pairId} a second time.`, 'Keep one judgement per pair.');
    seen.add(r.pairId);
    if (typeof r.sampleKey !== 'string' || !r.sampleKey) return fail(`${at} has no "sampleKey".`);
    if (!CHOICES.includes(r.choice as RatingChoice)) return fail(`${at}.choice is ${JSON.stringify(r.choice)}; it must be "A", "B" or "tie".`);
    const out: RatingJudgement = { pairId: r.pairId, sampleKey: r.sampleKey, choice: r.choice as RatingChoice };
    if (r.criteria !== undefined) {
      if (typeof r.criteria !== 'object' || r.criteria === null) return fail(`${at}.criteria is not an object.`);
      const criteria: RatingJudgement['criteria'] = {};
      for (const [name, choice] of Object.entries(r.criteria as Record<string, unknown>)) {
        if (!(RATING_CRITERIA as readonly string[]).includes(name)) return fail(`${at}.criteria.${name} is not a criterion (${RATING_CRITERIA.join(', ')}).`);
        if (choice === null) continue;
        if (!CHOICES.includes(choice as RatingChoice)) return fail(`${at}.criteria.${name} is ${JSON.stringify(choice)}; it must be "A", "B" or "tie".`);
        criteria[name as keyof typeof criteria] = choice as RatingChoice;
      }
      if (Object.keys(criteria).length) out.criteria = criteria;
    }
    if (typeof r.at === 'string') out.at = r.at;
    return out;
  });
  return { format: RATINGS_FORMAT, version: RATINGS_FORMAT_VERSION, runId: v.runId, rater: v.rater.trim(), seed: v.seed as number, pairs: v.pairs as number, judgements };
}

/**
 * Blind side-by-side human rating: the shapes shared by the rating view, the CLI and the report.
 *
 * A rating set is defined by a run, a seed and a size: the seed picks which (prompt, variant) pairs
 * are rated and on which side the baseline's output sits, so every rater with the same seed sees the
 * same pairs on the same sides, and the mapping from a pair id back to its variant is recomputed from
 * the run instead of being written in the rater's file (which therefore names no variant).
 */

/** What the rater picked: output A, output B, or neither is better. */
export type RatingChoice = 'A' | 'B' | 'tie';

/** The optional per-criterion judgements (the overall pick is always there). */
export const RATING_CRITERIA = ['fluency', 'coherence', 'correctness'] as const;
export type RatingCriterion = (typeof RATING_CRITERIA)[number];

/** A choice said in terms of the run: the variant's output was better, the baseline's, or a tie. */
export type RatingOutcome = 'win' | 'loss' | 'tie';

/** One judgement of one pair by one rater. */
export interface RatingJudgement {
  /** The pair's opaque id in its set (a 64-bit FNV-1a hash of seed, sample key and variant: it names no variant). */
  pairId: string;
  /** The sample's stable key (sha256 of the prompt and decoding settings): which prompt was rated. */
  sampleKey: string;
  choice: RatingChoice;
  criteria?: Partial<Record<RatingCriterion, RatingChoice>>;
  /** ISO time of the judgement. */
  at?: string;
}

/** Where this file format is named in every ratings file, so a stray JSON file is told apart. */
export const RATINGS_FORMAT = 'quantlens-ratings';
export const RATINGS_FORMAT_VERSION = 1;

/**
 * A rater's file: `<run>/ratings/<rater>.json` (written by the rating view, one judgement at a time)
 * or a file returned by a rater outside VS Code (made by `quantlens rate export`, `judgements` filled in).
 */
export interface RatingsFile {
  format: typeof RATINGS_FORMAT;
  version: typeof RATINGS_FORMAT_VERSION;
  runId: string;
  /** Who rated; an exported set has "" until the rater names themself. */
  rater: string;
  /** The blinding seed: which pairs, and which side the baseline is on. */
  seed: number;
  /** How many pairs the set asked for (the set is the first `pairs` of the seeded order). */
  pairs: number;
  judgements: RatingJudgement[];
  /** Only in an exported set: the pairs to rate, blind (prompt and the two outputs, no names). */
  set?: BlindPair[];
}

/** A pair as the rater sees it: no variant name, sides already randomized. */
export interface BlindPair {
  pairId: string;
  sampleKey: string;
  prompt: string;
  A: string;
  B: string;
}

/** A pair with what only the host and the analysis know: the variant, and the baseline's side. */
export interface RatingPair extends BlindPair {
  variantId: string;
  baselineSide: 'A' | 'B';
}

/** Win / tie / loss of one variant against the baseline, over every judgement of every rater. */
export interface VariantRating {
  variantId: string;
  /** Judgements (pairs × raters). */
  n: number;
  wins: number;
  ties: number;
  losses: number;
  /** (wins + ties / 2) / n: a tie counts half a win. NaN (null in JSON) when n is 0. */
  winRate: number;
  /** Wilson 95% interval of winRate, with wins + ties / 2 as the successes out of n. */
  ci95: [number, number];
  /** Bradley–Terry strength (baseline = 1), when more than two models were rated; null where the MLE does not exist. */
  strength?: number | null;
  /** Per criterion, the same rate over the judgements that gave one. */
  criteria?: Partial<Record<RatingCriterion, { n: number; winRate: number; ci95: [number, number] }>>;
}

/** Agreement between raters on the pairs that more than one rated (outcomes: win / loss / tie). */
export interface RaterAgreement {
  /** Cohen's κ (two raters) or Krippendorff's α, nominal (three or more; missing judgements allowed). */
  method: 'cohen-kappa' | 'krippendorff-alpha-nominal';
  value: number | null;
  /** Pairs rated by at least two raters. */
  pairs: number;
  raters: number;
}

/** The report's humanRating region (schema 1.3): every rater's file of the run, merged. */
export interface HumanRatingReport {
  /** How a tie is counted, in words (the panel and docs say the same). */
  tiePolicy: string;
  raters: Array<{ rater: string; seed: number; judged: number; pairs: number }>;
  variants: VariantRating[];
  /** Set when more than two models (baseline + two or more variants) were rated. */
  bradleyTerry?: { method: string; iterations: number; converged: boolean; note?: string };
  agreement?: RaterAgreement;
}

export const TIE_POLICY = 'a tie counts half a win: win rate = (wins + ties/2) / judgements; the Wilson 95% interval uses wins + ties/2 as successes out of all judgements';

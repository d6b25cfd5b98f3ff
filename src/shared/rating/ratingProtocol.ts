import { messageGuard } from '../messageGuards';
import { blind } from './ratingSet';
import type { BlindPair, RatingChoice, RatingCriterion, RatingJudgement, RatingPair, RatingsFile } from './types';

/**
 * Messages between the blind rating tab's webview and the extension host. The host never sends a
 * variant name, nor which side the baseline is on, before the rater has judged every pair of the set:
 * until then the webview holds only blind pairs.
 */

/** What the rater's tab shows. */
export interface RatingState {
  runId: string;
  rater: string;
  seed: number;
  /** The set, in rating order, blind. */
  pairs: BlindPair[];
  /** The rater's judgements so far (resumed from their file). */
  judgements: RatingJudgement[];
  /** Only once every pair is judged: per pair, the variant and the baseline's side. */
  reveal?: Array<{ pairId: string; variantId: string; baselineSide: 'A' | 'B' }>;
  /** Ratings files of this run that could not be read (left out, never overwritten). */
  problems: string[];
}

/** Host → rating tab: the set and the rater's progress (first load, and after each judgement). */
export interface RatingStateMessage {
  type: 'rating-state';
  state: RatingState;
}

/** Host → rating tab: a judgement could not be saved, or another notice. */
export interface RatingNoticeMessage {
  type: 'rating-notice';
  level: 'info' | 'error';
  text: string;
}

export type HostToRating = RatingStateMessage | RatingNoticeMessage;

/** Rating tab → host: the script listens; send the state. */
export interface RatingReadyMessage {
  type: 'rating-ready';
}

/** Rating tab → host: the rater's pick for a pair, saved at once. */
export interface RatingJudgeMessage {
  type: 'rating-judge';
  pairId: string;
  choice: RatingChoice;
  criteria?: Partial<Record<RatingCriterion, RatingChoice>>;
}

export type RatingToHost = RatingReadyMessage | RatingJudgeMessage;

export const isRatingToHost = messageGuard<RatingToHost>({ 'rating-ready': true, 'rating-judge': true });
export const isHostToRating = messageGuard<HostToRating>({ 'rating-state': true, 'rating-notice': true });

/**
 * What the host sends the rater's tab: the set blind, the rater's judgements of this set, and the
 * names (variant, baseline side) only once every pair of the set is judged.
 */
export function ratingState(set: readonly RatingPair[], file: RatingsFile, problems: string[]): RatingState {
  const judged = new Set(file.judgements.map((j) => j.pairId));
  const complete = set.length > 0 && set.every((p) => judged.has(p.pairId));
  return {
    runId: file.runId,
    rater: file.rater,
    seed: file.seed,
    pairs: set.map(blind),
    judgements: file.judgements,
    ...(complete ? { reveal: set.map((p) => ({ pairId: p.pairId, variantId: p.variantId, baselineSide: p.baselineSide })) } : {}),
    problems,
  };
}

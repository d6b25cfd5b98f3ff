import { outputHash } from '../annotations/outputHash';
import type { SampleRecord } from '../report/schema';
import { SeededRandom } from '../stats/seededRandom';
import type { BlindPair, RatingPair } from './types';

/** The set size the rating view and `quantlens rate export` use unless told otherwise. */
export const DEFAULT_RATING_PAIRS = 10;

/** The default blinding seed of a run: every rater of the run gets the same pairs on the same sides, so their judgements can be compared. */
export function defaultRatingSeed(runId: string): number {
  return Number.parseInt(outputHash(`quantlens-rating:${runId}`).slice(-8), 16) % 1_000_000;
}

/** A pair's id: a hash of seed, sample key and variant (so it does not depend on the set size, and names no variant). */
export function pairIdOf(seed: number, sampleKey: string, variantId: string): string {
  return `p${outputHash(`${seed}\u0000${sampleKey}\u0000${variantId}`).slice(-16)}`;
}

/**
 * The rating set of a run: `pairs` (prompt, variant) pairs, each the baseline's output and a
 * variant's output of the same prompt, chosen and ordered by `seed`. Variants take turns (each
 * variant's prompts in a seeded order), so a set of ten over three variants rates each three or
 * four times; then the whole set is shuffled and each pair's sides are drawn, all from the same
 * seed. The same samples, seed and size always give the same set.
 */
export function buildRatingSet(samples: readonly SampleRecord[], baselineId: string, seed: number, pairs: number): RatingPair[] {
  const baseline = new Map<string, SampleRecord>();
  for (const s of samples) if (s.variantId === baselineId) baseline.set(s.sampleKey, s);
  const byVariant = new Map<string, SampleRecord[]>();
  for (const s of samples) {
    if (s.variantId === baselineId || !baseline.has(s.sampleKey)) continue;
    const list = byVariant.get(s.variantId) ?? [];
    if (!list.some((x) => x.sampleKey === s.sampleKey)) list.push(s);
    byVariant.set(s.variantId, list);
  }
  const rng = new SeededRandom(seed);
  const queues = [...byVariant.keys()].sort().map((id) => {
    const list = byVariant.get(id)!.sort((a, b) => a.promptIndex - b.promptIndex || (a.sampleKey < b.sampleKey ? -1 : 1));
    return rng.sample(list.length, list.length).map((i) => list[i]!);
  });
  const chosen: SampleRecord[] = [];
  for (let round = 0; chosen.length < pairs && queues.some((q) => round < q.length); round++) {
    for (const q of queues) if (round < q.length && chosen.length < pairs) chosen.push(q[round]!);
  }
  return rng.sample(chosen.length, chosen.length).map((i) => {
    const variant = chosen[i]!;
    const base = baseline.get(variant.sampleKey)!;
    const baselineSide = rng.uniform() < 0.5 ? 'A' : 'B';
    return {
      pairId: pairIdOf(seed, variant.sampleKey, variant.variantId),
      sampleKey: variant.sampleKey,
      prompt: variant.prompt,
      A: baselineSide === 'A' ? base.output : variant.output,
      B: baselineSide === 'A' ? variant.output : base.output,
      variantId: variant.variantId,
      baselineSide,
    };
  });
}

/** What the rater may see of a pair: nothing that names or hints at the variant. */
export function blind(pair: RatingPair): BlindPair {
  return { pairId: pair.pairId, sampleKey: pair.sampleKey, prompt: pair.prompt, A: pair.A, B: pair.B };
}

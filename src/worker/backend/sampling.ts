/**
 * Drawing the next token from a row of logits: softmax(logits / temperature) in float64, cut to the
 * smallest set of most likely tokens whose mass reaches top_p (Holtzman et al. 2020, as Hugging
 * Face's TopPLogitsWarper keeps at least one token), then one uniform draw from the seeded PRNG.
 * Ties in probability keep the lower token id first, so the draw does not depend on sort stability.
 */
import type { SeededRandom } from '../../shared/stats/seededRandom';
import type { SamplingOptions } from './modelBackend';

export function sampleFromLogits(logits: ArrayLike<number>, offset: number, vocab: number, options: Pick<SamplingOptions, 'temperature' | 'topP'>, random: SeededRandom): number {
  const { temperature, topP } = options;
  if (!(temperature > 0)) throw new RangeError(`sampling needs a temperature above 0 (got ${temperature}); use greedy decoding for 0`);
  let max = -Infinity;
  for (let i = 0; i < vocab; i++) max = Math.max(max, logits[offset + i]!);
  const weights = new Float64Array(vocab);
  let total = 0;
  for (let i = 0; i < vocab; i++) {
    const w = Math.exp((logits[offset + i]! - max) / temperature);
    weights[i] = w;
    total += w;
  }
  let ids: number[];
  if (topP < 1) {
    ids = Array.from({ length: vocab }, (_, i) => i).sort((a, b) => weights[b]! - weights[a]! || a - b);
    let kept = 0;
    let mass = 0;
    while (kept < ids.length && (kept === 0 || mass / total < topP)) mass += weights[ids[kept++]!]!;
    ids = ids.slice(0, kept);
    total = mass;
  } else {
    ids = Array.from({ length: vocab }, (_, i) => i);
  }
  let u = random.uniform() * total;
  for (const id of ids) {
    u -= weights[id]!;
    if (u < 0) return id;
  }
  return ids[ids.length - 1]!;
}

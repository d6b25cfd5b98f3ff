/**
 * The paired sign-flip permutation test: are per-item differences d_i centred on 0? Under the null
 * each d_i is as likely to be −d_i, so the p-value is the share of sign assignments whose |mean| is
 * at least the observed |mean|. Exact (every assignment of the non-zero differences) up to
 * EXACT_MAX_NONZERO of them, otherwise seeded Monte Carlo with the (count + 1)/(draws + 1) estimate
 * (Phipson & Smyth 2010), so a p-value is never 0. For robustness, d_i is the variant's drop on item i
 * minus the baseline's drop on the same item.
 */
import { SeededRandom } from '../stats/seededRandom';

export const EXACT_MAX_NONZERO = 16;

export interface PermutationResult {
  meanDifference: number;
  pValue: number;
  method: 'exact' | 'monte-carlo';
  /** Assignments enumerated or drawn. */
  assignments: number;
}

export function pairedPermutationTest(differences: readonly number[], options: { seed?: number; draws?: number } = {}): PermutationResult {
  const n = differences.length;
  if (n === 0) return { meanDifference: NaN, pValue: NaN, method: 'exact', assignments: 0 };
  const observed = Math.abs(differences.reduce((a, b) => a + b, 0));
  const nonzero = differences.filter((d) => d !== 0);
  // Sums compared with a relative tolerance: a flip that gives the observed sum in another order must count.
  const atLeast = (sum: number): boolean => Math.abs(sum) >= observed - 1e-12 * Math.max(1, observed);
  if (nonzero.length <= EXACT_MAX_NONZERO) {
    const total = 2 ** nonzero.length;
    let count = 0;
    for (let mask = 0; mask < total; mask++) {
      let sum = 0;
      for (let i = 0; i < nonzero.length; i++) sum += mask & (1 << i) ? -nonzero[i]! : nonzero[i]!;
      if (atLeast(sum)) count++;
    }
    return { meanDifference: differences.reduce((a, b) => a + b, 0) / n, pValue: count / total, method: 'exact', assignments: total };
  }
  const draws = options.draws ?? 10_000;
  const random = new SeededRandom(options.seed ?? 0);
  let count = 0;
  for (let r = 0; r < draws; r++) {
    let sum = 0;
    for (const d of nonzero) sum += random.nextUint32() & 1 ? -d : d;
    if (atLeast(sum)) count++;
  }
  return { meanDifference: differences.reduce((a, b) => a + b, 0) / n, pValue: (count + 1) / (draws + 1), method: 'monte-carlo', assignments: draws };
}

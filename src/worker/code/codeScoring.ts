/**
 * pass@k's inputs from executed samples, and the per-problem right/wrong a paired comparison
 * needs: a problem is solved when some sample passed (pass@k > 0 exactly then), so flips count
 * problems solved by the baseline and by no sample of the variant, and the reverse. With n = 1
 * that is pass@1's own 0/1 per problem.
 */
import type { CodeSampleResult } from '../../shared/code/types';
import type { ItemScore, SamplesInput } from '../../shared/metrics/types';
import { countFlips, Flips, mcnemar, McNemarResult } from '../../shared/stats/paired';

export function samplesInput(samples: readonly CodeSampleResult[]): SamplesInput {
  return { n: samples.length, correct: samples.filter((s) => s.status === 'passed').length };
}

export function solvedFlips(baseline: readonly ItemScore[], variant: readonly ItemScore[]): { flips: Flips; mcnemar: McNemarResult } {
  const b = baseline.map((i) => i.value > 0);
  const v = variant.map((i) => i.value > 0);
  return { flips: countFlips(b, v), mcnemar: mcnemar(b, v) };
}

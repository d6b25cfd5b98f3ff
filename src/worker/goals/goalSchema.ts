/**
 * One goal shape for task files and run-level goals files, in zod (snake_case as in task files),
 * and its translation into the Goal the gates check.
 */
import { z } from 'zod';
import type { Goal } from '../../shared/stats/gates';

export const goalSchema = z
  .strictObject({
    metric: z.string().min(1),
    max_degradation: z.number().nonnegative().optional(),
    percent_max_degradation: z.number().nonnegative().optional(),
    /** What decides: the point estimate (default), a 95% CI bound, or the TOST equivalence test. */
    evidence: z.enum(['point', 'ci', 'equivalence']).optional(),
    /** The bound of the 95% CI of the variant's value that decides (implies evidence: ci); default the worse side. */
    ci: z.enum(['upper', 'lower']).optional(),
    /** TOST margin in metric units (default: the allowance the goal gives). */
    equivalence_margin: z.number().positive().optional(),
  })
  .refine((g) => (g.max_degradation === undefined) !== (g.percent_max_degradation === undefined), {
    message: 'give exactly one of max_degradation and percent_max_degradation',
  })
  .refine((g) => g.ci === undefined || g.evidence === undefined || g.evidence === 'ci', {
    message: '"ci: upper|lower" picks the bound of a CI goal; it does not go with evidence point or equivalence',
    path: ['ci'],
  });

export type GoalInput = z.infer<typeof goalSchema>;

/** The gate's Goal; fields left out stay out, so old task files read back exactly as before. */
export function toGoal(g: GoalInput, metric: string): Goal {
  return {
    metric,
    ...(g.max_degradation !== undefined ? { maxDegradation: g.max_degradation } : {}),
    ...(g.percent_max_degradation !== undefined ? { percentMaxDegradation: g.percent_max_degradation } : {}),
    ...(g.evidence !== undefined ? { evidence: g.evidence } : g.ci !== undefined ? { evidence: 'ci' as const } : {}),
    ...(g.ci !== undefined ? { ciBound: g.ci } : {}),
    ...(g.equivalence_margin !== undefined ? { equivalenceMargin: g.equivalence_margin } : {}),
  };
}

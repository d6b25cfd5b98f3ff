/** Run-level goals (spec.goals) checked on one variant against the baseline, from the report's own numbers. */
import { allowedDegradation, evaluateGoal, GoalUncertainty } from '../stats/gates';
import { toGoalVerdict } from './goalVerdicts';
import { findRunQuantity, readingUncertainty } from './runQuantities';
import type { GoalVerdict, RunGoal, VariantSummary } from './schema';

export function checkRunGoals(goals: readonly RunGoal[], variant: VariantSummary, baseline: VariantSummary | undefined): GoalVerdict[] {
  return goals.map((goal) => {
    const quantity = findRunQuantity(goal.metric);
    const reading = quantity && baseline ? quantity.read(variant, baseline) : undefined;
    const usable = typeof reading === 'object' ? reading : undefined;
    let uncertainty: GoalUncertainty = {};
    if (usable) uncertainty = readingUncertainty(usable, goal.equivalenceMargin ?? allowedDegradation(goal, usable.baseline));
    const verdict = toGoalVerdict(evaluateGoal(goal, usable?.baseline ?? NaN, usable?.variant ?? NaN, quantity?.higherIsBetter ?? false, uncertainty));
    if (!quantity) verdict.reason = `unknown quantity "${goal.metric}"`;
    else if (!baseline) verdict.reason = 'no baseline in this report';
    else if (typeof reading === 'string') verdict.reason = reading;
    if (verdict.reason) verdict.pass = verdict.pointPass = false;
    else if (usable?.lowerBound) {
      // A lower bound that already fails the goal fails it; one that meets it says nothing of the true value.
      if (verdict.pass) {
        verdict.pass = false;
        verdict.inconclusive = true;
      }
      verdict.note = verdict.note ? `${verdict.note}; ${usable.lowerBound}` : usable.lowerBound;
    }
    if (quantity) {
      verdict.metric = quantity.name;
      verdict.title = quantity.title;
      verdict.unit = quantity.unit;
    }
    verdict.source = { file: goal.file, line: goal.line };
    return verdict;
  });
}

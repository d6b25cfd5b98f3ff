import type { RobustnessSpec } from '../report/robustnessTypes';
import { perturbationLabel } from './parseSpec';

/** The run card's methods sentence for the robustness perturbations. */
export function describeRobustness(spec: RobustnessSpec): string {
  const labels = spec.perturbations.map(perturbationLabel);
  const notApplied = spec.requested.map(perturbationLabel).filter((l) => !labels.includes(l));
  return (
    `Robustness (HELM augmentations): each task is also scored with every item's own text perturbed by ${labels.join(', ') || 'none'} (few-shot examples, description and choices untouched; fewshot-order instead shuffles the item's few-shot examples, only for tasks with at least 2), ` +
    `each item drawing from Python's random.Random("${spec.seed}" + perturbation name + item content hash). Per variant and perturbation: the metric clean and perturbed, the drop, ` +
    "and the drop against the baseline's on the same items (paired sign-flip permutation test on the per-item drop differences, exact up to 16 non-zero differences, else 10,000 seeded draws; paired percentile bootstrap 95% CI)." +
    (notApplied.length ? ` Not applicable to any task of this run: ${notApplied.join(', ')}.` : '')
  );
}

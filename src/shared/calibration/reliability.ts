/**
 * The reliability diagram and selective prediction of a multiple-choice task (HELM's calibration
 * axis). The bins are exactly the ones ECE uses (equalMassBins in metrics/likelihood.ts, HELM's
 * ece_10_bin), so the diagram shows the gaps ECE sums.
 */
import { equalMassBins, expectedCalibrationError } from '../metrics/likelihood';
import type { CalibrationSummary, ReliabilityBin, SelectiveAccuracy } from '../report/robustnessTypes';

/** The coverages the issue asks for: the most confident half, 80%, and every item. */
export const SELECTIVE_COVERAGES = [0.5, 0.8, 1] as const;

/**
 * Bin b holds the confidences in (edge[b−1], edge[b]] (bisect_left on the edges, as HELM), with
 * low = 0 for the first bin. Empty bins are left out.
 */
export function reliabilityBins(confidence: readonly number[], correct: ReadonlyArray<number | boolean>, numBins = 10): ReliabilityBin[] {
  const { edges, assignment } = equalMassBins(confidence, numBins);
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < edges.length + 1; b++) {
    let count = 0;
    let sumConfidence = 0;
    let sumCorrect = 0;
    for (let i = 0; i < confidence.length; i++) {
      if (assignment[i] !== b) continue;
      count++;
      sumConfidence += confidence[i]!;
      sumCorrect += Number(correct[i]);
    }
    if (count === 0) continue;
    out.push({ low: b === 0 ? 0 : edges[b - 1]!, high: b < edges.length ? edges[b]! : 1, count, meanConfidence: sumConfidence / count, accuracy: sumCorrect / count });
  }
  return out;
}

/**
 * Accuracy on the k = max(1, ceil(coverage · n)) most confident items. Ties at the cut are not
 * broken by item order: the items tied with the k-th confidence count at their mean correctness
 * for the places left (the expected accuracy under a random tie-break), so the figure does not
 * depend on how the dataset happens to be ordered.
 */
export function selectiveAccuracy(confidence: readonly number[], correct: ReadonlyArray<number | boolean>, coverage: number): SelectiveAccuracy {
  const n = confidence.length;
  if (n === 0) return { coverage, items: 0, accuracy: null };
  const k = Math.max(1, Math.ceil(coverage * n - 1e-9));
  const order = confidence.map((_, i) => i).sort((a, b) => confidence[b]! - confidence[a]!);
  const cut = confidence[order[k - 1]!]!;
  let above = 0;
  let correctAbove = 0;
  let tied = 0;
  let correctTied = 0;
  for (let i = 0; i < n; i++) {
    if (confidence[i]! > cut) {
      above++;
      correctAbove += Number(correct[i]);
    } else if (confidence[i] === cut) {
      tied++;
      correctTied += Number(correct[i]);
    }
  }
  return { coverage, items: k, accuracy: (correctAbove + ((k - above) * correctTied) / tied) / k };
}

/** The calibration region of a task unit: ECE, its bins, and selective accuracy at 50/80/100%. */
export function calibrationSummary(confidence: readonly number[], correct: ReadonlyArray<number | boolean>, numBins = 10): CalibrationSummary {
  const bins = reliabilityBins(confidence, correct, numBins);
  const n = confidence.length;
  // The same figure as the `ece` metric (bin by bin it is Σ count/n · |meanConfidence − accuracy|).
  const ece = n ? expectedCalibrationError(confidence, correct, numBins).ece : null;
  return {
    confidence: 'max-choice-probability',
    binning: 'equal-mass',
    numBins,
    n,
    ece,
    bins,
    selective: SELECTIVE_COVERAGES.map((c) => selectiveAccuracy(confidence, correct, c)),
  };
}

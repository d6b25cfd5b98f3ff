import { CALIBRATION_COLUMNS, calibrationRows } from '../shared/calibration/calibrationTable';
import type { RunReport } from '../shared/report/schema';
import { renderTable } from '../shared/resultsTable';
import { ROBUSTNESS_COLUMNS, robustnessRows } from '../shared/robustness/robustnessTable';

/** The robustness (HELM perturbations) and calibration tables after the task table, when the run has them. */
export function printRobustnessAndCalibration(report: RunReport): void {
  const robustness = robustnessRows(report);
  if (robustness.length) {
    console.log(
      `\nRobustness (drop = clean − perturbed, positive = worse; variant's drop vs the baseline's: paired sign-flip permutation test on per-item drop differences, paired bootstrap 95% CI):\n${renderTable(ROBUSTNESS_COLUMNS, robustness)}`,
    );
  }
  const calibration = calibrationRows(report);
  if (calibration.length) {
    console.log(`\nCalibration (confidence = max choice probability; equal-mass bins as HELM's ece_10_bin; selective accuracy on the most confident share, ties at the cut at their mean):\n${renderTable(CALIBRATION_COLUMNS, calibration)}`);
  }
}

import { CALIBRATION_CAPTION, CALIBRATION_COLUMNS, calibrationRows } from '../shared/calibration/calibrationTable';
import type { RunReport } from '../shared/report/schema';
import { renderTable } from '../shared/resultsTable';
import { ROBUSTNESS_CAPTION, ROBUSTNESS_COLUMNS, robustnessRows } from '../shared/robustness/robustnessTable';

/** The robustness (HELM perturbations) and calibration tables after the task table, when the run has them. */
export function printRobustnessAndCalibration(report: RunReport): void {
  const robustness = robustnessRows(report);
  if (robustness.length) {
    console.log(
      `\nRobustness (${ROBUSTNESS_CAPTION}):\n${renderTable(ROBUSTNESS_COLUMNS, robustness)}`,
    );
  }
  const calibration = calibrationRows(report);
  if (calibration.length) {
    console.log(`\nCalibration (${CALIBRATION_CAPTION}):\n${renderTable(CALIBRATION_COLUMNS, calibration)}`);
  }
}

/**
 * The panel's robustness and calibration section: the per-perturbation drops with the paired test
 * against the baseline's drop, the calibration table (ECE, selective accuracy) and the reliability
 * diagrams. The section is made only for a run that has any of them, after the performance section.
 */
import { CALIBRATION_COLUMNS, calibrationRows } from '../shared/calibration/calibrationTable';
import type { RunReport } from '../shared/report/schema';
import { ROBUSTNESS_COLUMNS, robustnessRows } from '../shared/robustness/robustnessTable';
import { clear, h } from './dom';
import { reliabilityDiagrams } from './reliability';

function table(id: string, columns: readonly string[], rows: readonly string[][]): HTMLElement {
  return h(
    'table',
    { class: 'comparison', attrs: { id } },
    h('thead', {}, h('tr', {}, ...columns.map((c) => h('th', {}, c)))),
    h('tbody', {}, ...rows.map((r) => h('tr', { attrs: { 'data-variant': r[0]! } }, ...r.map((c) => h('td', {}, c))))),
  );
}

/** The section element, made after #performance (or at the end) the first time it is needed. */
function section(): HTMLElement {
  const existing = document.getElementById('robustness');
  if (existing) return existing;
  const heading = h('h2', { attrs: { id: 'robustness-heading' } }, 'Robustness and calibration');
  const el = h('section', { attrs: { id: 'robustness' } });
  const anchor = document.getElementById('performance');
  if (anchor) anchor.after(heading, el);
  else document.body.append(heading, el);
  return el;
}

export function renderRobustness(report: RunReport | null | undefined): void {
  const robustness = report ? robustnessRows(report) : [];
  const calibration = report ? calibrationRows(report) : [];
  if (!report || (!robustness.length && !calibration.length)) {
    document.getElementById('robustness')?.replaceChildren();
    return;
  }
  const el = section();
  clear(el);
  if (robustness.length) {
    el.append(
      h('h3', {}, 'Robustness (HELM perturbations)'),
      h('p', { class: 'caption' }, "drop = clean − perturbed (positive = worse under the perturbation); the variant's drop against the baseline's on the same items: paired sign-flip permutation test on per-item drop differences, paired bootstrap 95% CI."),
      table('robustness-table', ROBUSTNESS_COLUMNS, robustness),
    );
  }
  if (calibration.length) {
    el.append(
      h('h3', {}, 'Calibration'),
      h('p', { class: 'caption' }, 'Selective accuracy: accuracy on the most confident share of the items (items counted in brackets); items tied at the cut count at their mean.'),
      table('calibration-table', CALIBRATION_COLUMNS, calibration),
    );
  }
  const diagrams = reliabilityDiagrams(report);
  if (diagrams) el.append(diagrams);
}

/**
 * Goal thresholds as bands on the trade-off plot: for a metric on an axis, each distinct goal
 * threshold on it (task goals, or run-level goals on the quantity it shows), in the axis's units,
 * with the side where a variant fails.
 */
import { formatNumber } from '../format';
import type { GoalVerdict, RunReport } from '../report/schema';
import type { MetricDefinition } from './metricsCatalog';

export interface GoalBand {
  /** The threshold in the metric's (axis) units. */
  threshold: number;
  /** Values beyond the threshold on this side fail the goal. */
  failSide: 'above' | 'below';
  /** e.g. "goal: Mean KLD ≤ 0.05 (95% CI upper bound)", plain text. */
  label: string;
}

function evidenceWords(g: GoalVerdict): string {
  if (g.evidence === 'ci') return `95% CI ${g.ciBound ?? 'upper'} bound`;
  if (g.evidence === 'equivalence') return 'TOST';
  return 'point';
}

export function goalBands(report: RunReport, metric: MetricDefinition): GoalBand[] {
  if (!metric.verdicts) return [];
  const baseline = report.variants.find((v) => v.isBaseline);
  const toAxis = metric.goal?.toAxis ?? ((t: number) => t);
  const bands = new Map<string, GoalBand>();
  for (const v of report.variants) {
    for (const g of metric.verdicts(v)) {
      if (g.threshold === null || g.reason) continue;
      const threshold = toAxis(g.threshold, baseline);
      if (threshold === undefined || !Number.isFinite(threshold)) continue;
      const higherIsBetter = g.higherIsBetter ?? metric.higherIsBetter;
      const label = `goal: ${metric.label} ${higherIsBetter ? '≥' : '≤'} ${formatNumber(threshold, 4)}${metric.unit ? ` ${metric.unit}` : ''} (${evidenceWords(g)})`;
      bands.set(label, { threshold, failSide: higherIsBetter ? 'below' : 'above', label });
    }
  }
  return [...bands.values()];
}

import { MetricDefinition, metricsOf } from '../panel/metricsCatalog';
import type { RunReport } from '../report/schema';

/** The trade-off plot's axes by metric id; the panel opens on disk size × mean KLD. */
export interface PlotAxesChoice {
  x: string;
  y: string;
}

export const DEFAULT_PLOT_AXES: PlotAxesChoice = { x: 'size', y: 'kld' };

export interface PlotAxes {
  x: MetricDefinition | undefined;
  y: MetricDefinition | undefined;
  /** What each axis can show for this report: metrics with a finite value for some variant. */
  xOptions: MetricDefinition[];
  yOptions: MetricDefinition[];
}

/**
 * The axes the plot shows for a choice: the chosen metric when this report has values for it,
 * otherwise the first one that does (as the panel's pickers fall back).
 */
export function plotAxes(report: RunReport, choice: Partial<PlotAxesChoice> = {}): PlotAxes {
  const available = metricsOf(report).filter((m) => report.variants.some((v) => Number.isFinite(m.value(v) ?? NaN)));
  const xOptions = available.filter((m) => m.axis === 'cost');
  const yOptions = available.filter((m) => m.axis === 'fidelity');
  const pick = (options: MetricDefinition[], id: string): MetricDefinition | undefined => options.find((m) => m.id === id) ?? options[0];
  return { x: pick(xOptions, choice.x ?? DEFAULT_PLOT_AXES.x), y: pick(yOptions, choice.y ?? DEFAULT_PLOT_AXES.y), xOptions, yOptions };
}

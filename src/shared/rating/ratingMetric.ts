import type { MetricDefinition } from '../panel/metricsCatalog';
import type { RunReport, VariantSummary } from '../report/schema';

/** The id of the human win rate as a table column and a trade-off plot axis. */
export const HUMAN_WIN_RATE_METRIC = 'human_win_rate';

/**
 * "Human win rate vs baseline" as a fidelity axis of the trade-off plot (and a table column): the
 * share of blind judgements the variant won, a tie counting half (report.humanRating). The baseline
 * sits at 0.5, even against itself. Offered only when someone rated the run.
 */
export function humanRatingMetrics(report: RunReport): MetricDefinition[] {
  const rating = report.humanRating;
  if (!rating || rating.variants.length === 0) return [];
  const of = (v: VariantSummary) => rating.variants.find((r) => r.variantId === v.id);
  return [{
    id: HUMAN_WIN_RATE_METRIC,
    label: 'Human win rate vs baseline',
    unit: '',
    higherIsBetter: true,
    axis: 'fidelity',
    vsBaseline: true,
    value: (v) => (v.isBaseline ? 0.5 : of(v)?.winRate),
    // The Wilson interval is not symmetric (and hugs 0 and 1): no ± standard error that would draw it
    // as if it were; the Human rating section gives the interval itself.
    se: () => undefined,
  }];
}

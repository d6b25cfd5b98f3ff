import type { GoalVerdict, RunReport, VariantSummary } from '../report/schema';
import type { DistributionSummary } from '../stats/summary';

/**
 * The quantities the table and the trade-off plot can show, as data: how to read one from a
 * variant summary, its unit, and which direction is better. The plot's axis pickers and the
 * table's columns both come from here.
 */
export interface MetricDefinition {
  id: string;
  label: string;
  unit: string;
  higherIsBetter: boolean;
  /** 'cost' quantities go on the x axis, 'fidelity' on the y axis. */
  axis: 'cost' | 'fidelity';
  value(v: VariantSummary): number | undefined;
  /** Standard error of the value (or of the mean, for latencies), when known. */
  se(v: VariantSummary): number | undefined;
  /** Task metrics: the engine's paired delta vs the baseline (same items), with its bootstrap se and CI. */
  paired?(v: VariantSummary): { delta: number; se: number; low: number; high: number } | undefined;
  /** The goals' verdicts on this metric for a variant: task goals, or run-level goals on `goal.quantity`. */
  verdicts?(v: VariantSummary): GoalVerdict[];
  /**
   * Run-level goals: the quantity (report/runQuantities) this metric shows, and a goal threshold in
   * the quantity's units converted to this metric's (e.g. bytes → MiB, a PPL ratio → perplexity).
   */
  goal?: { quantity: string; toAxis(threshold: number, baseline: VariantSummary | undefined): number | undefined };
}

/** A metric that shows run-level goals on `quantity`, thresholds scaled by `scale` (or converted by `toAxis`). */
function withGoals(metric: Omit<MetricDefinition, 'verdicts' | 'goal'>, quantity: string, toAxis: number | ((threshold: number, baseline: VariantSummary | undefined) => number | undefined)): MetricDefinition {
  return {
    ...metric,
    verdicts: (v) => (v.goals ?? []).filter((g) => g.metric === quantity),
    goal: { quantity, toAxis: typeof toAxis === 'number' ? (t) => t * toAxis : toAxis },
  };
}

/**
 * Standard error of a latency mean: std/√n. (The summary's ci95 uses Student t with n − 1 degrees
 * of freedom, so its width over 2·1.96 would overstate the se — 6.5× with 2 repetitions.)
 */
const meanSe = (d: DistributionSummary | undefined): number | undefined => (d && d.n > 1 ? d.std / Math.sqrt(d.n) : undefined);

const MiB = 2 ** -20;

export const METRICS: readonly MetricDefinition[] = [
  withGoals({ id: 'size', label: 'Disk size', unit: 'MiB', higherIsBetter: false, axis: 'cost', value: (v) => v.sizeBytes / 2 ** 20, se: () => 0 }, 'disk_size', MiB),
  withGoals({ id: 'peakRss', label: 'Peak memory (RSS)', unit: 'MiB', higherIsBetter: false, axis: 'cost', value: (v) => (v.performance ? v.performance.peakRssBytes / 2 ** 20 : undefined), se: () => undefined }, 'peak_rss', MiB),
  withGoals({ id: 'tpot', label: 'TPOT', unit: 'ms', higherIsBetter: false, axis: 'cost', value: (v) => v.performance?.tpotMs?.mean, se: (v) => meanSe(v.performance?.tpotMs ?? undefined) }, 'tpot', 1),
  withGoals({ id: 'ttft', label: 'TTFT', unit: 'ms', higherIsBetter: false, axis: 'cost', value: (v) => v.performance?.ttftMs.mean, se: (v) => meanSe(v.performance?.ttftMs) }, 'ttft', 1),
  withGoals({ id: 'throughput', label: 'Throughput', unit: 'tok/s', higherIsBetter: true, axis: 'cost', value: (v) => v.performance?.outputTokensPerSecond.mean, se: (v) => meanSe(v.performance?.outputTokensPerSecond) }, 'tokens_per_second', 1),
  // A PPL-ratio threshold is a perplexity of ratio × the baseline's.
  withGoals({ id: 'ppl', label: 'Perplexity', unit: '', higherIsBetter: false, axis: 'fidelity', value: (v) => v.perplexity?.tokenPerplexity.value, se: (v) => v.perplexity?.tokenPerplexity.se }, 'ppl_ratio', (t, base) => (base?.perplexity ? t * base.perplexity.tokenPerplexity.value : undefined)),
  withGoals({ id: 'kld', label: 'Mean KLD', unit: 'nats', higherIsBetter: false, axis: 'fidelity', value: (v) => (v.isBaseline ? 0 : v.kld?.kld.mean), se: (v) => (v.isBaseline ? 0 : v.kld?.kld.se) }, 'kld_mean', 1),
  withGoals({ id: 'sameTop', label: 'Same top p', unit: '%', higherIsBetter: true, axis: 'fidelity', value: (v) => (v.isBaseline ? 100 : v.kld ? v.kld.sameTop.value * 100 : undefined), se: (v) => (v.isBaseline ? 0 : v.kld ? v.kld.sameTop.se * 100 : undefined) }, 'same_top', 100),
  withGoals({ id: 'rmsDp', label: 'RMS Δp', unit: '%', higherIsBetter: false, axis: 'fidelity', value: (v) => (v.isBaseline ? 0 : v.kld ? v.kld.rmsDeltaP.value * 100 : undefined), se: (v) => (v.isBaseline ? 0 : v.kld ? v.kld.rmsDeltaP.se * 100 : undefined) }, 'rms_delta_p', 100),
];

export function metricById(id: string): MetricDefinition | undefined {
  return METRICS.find((m) => m.id === id);
}

const orUndefined = (x: number | null | undefined): number | undefined => (x === null || x === undefined || !Number.isFinite(x) ? undefined : x);

/**
 * One definition per (task, metric) in the report's variants (`task:<task>:<metric>`), on the
 * fidelity axis with the metric's own direction; labels lose angle brackets and ampersands, since
 * plotly renders a little HTML in axis titles.
 */
export function taskMetricDefinitions(report: RunReport): MetricDefinition[] {
  const out = new Map<string, MetricDefinition>();
  for (const variant of report.variants) {
    for (const t of variant.tasks ?? []) {
      for (const m of t.metrics) {
        const id = `task:${t.task}:${m.metric}`;
        if (out.has(id)) continue;
        const find = (v: VariantSummary) => v.tasks?.find((x) => x.task === t.task)?.metrics.find((x) => x.metric === m.metric);
        out.set(id, {
          id,
          label: `${t.task} ${m.title}`.replace(/[<>&]/g, ''),
          unit: '',
          higherIsBetter: m.higherIsBetter,
          axis: 'fidelity',
          value: (v) => orUndefined(find(v)?.value),
          se: (v) => orUndefined(find(v)?.se),
          paired: (v) => {
            const c = find(v)?.vsBaseline;
            const delta = orUndefined(c?.delta);
            return c && delta !== undefined ? { delta, se: orUndefined(c.se) ?? NaN, low: orUndefined(c.ci.low) ?? NaN, high: orUndefined(c.ci.high) ?? NaN } : undefined;
          },
          verdicts: (v) => find(v)?.goals ?? [],
        });
      }
    }
  }
  return [...out.values()];
}

/** The static metrics and the report's task metrics: what the table and the plot offer. */
export function metricsOf(report: RunReport): MetricDefinition[] {
  return [...METRICS, ...taskMetricDefinitions(report)];
}

import { lowerBoundText, QUANTITIES, type Quantity, quantityById } from '../report/quantities';
import type { GoalVerdict, RunReport, VariantSummary } from '../report/schema';
import { humanRatingMetrics } from '../rating/ratingMetric';

/**
 * The quantities the table and the trade-off plot can show, as data: how to read one from a
 * variant summary, its unit, and which direction is better. The plot's axis pickers and the
 * table's columns both come from here; the static ones from the headline catalog
 * (report/quantities.ts), the task ones from the report.
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
  /** Already a difference from the baseline (KLD, Same top p, RMS Δp): the table draws no second delta under it. */
  vsBaseline?: boolean;
  /**
   * The engine's paired delta vs the baseline on the same tokens or items, with its se and 95% CI:
   * PPL's (normal interval), task metrics' (bootstrap). Absent: deltas are independent.
   */
  paired?(v: VariantSummary): { delta: number; se: number; low: number; high: number } | undefined;
  /**
   * Right/wrong task metrics (acc, EM; pass@k as "solved by some sample"): items right on the
   * baseline and wrong on the variant, the reverse, and McNemar's p on them.
   */
  flips?(v: VariantSummary): { correctToWrong: number; wrongToCorrect: number; mcnemarP?: number } | undefined;
  /** The goals' verdicts on this metric for a variant: task goals, or run-level goals on `goal.quantity`. */
  verdicts?(v: VariantSummary): GoalVerdict[];
  /**
   * Run-level goals: the quantity (report/runQuantities) this metric shows, and a goal threshold in
   * the quantity's units converted to this metric's (e.g. bytes → MiB, a PPL ratio → perplexity).
   */
  goal?: { quantity: string; toAxis(threshold: number, baseline: VariantSummary | undefined): number | undefined };
  /** "top-20, tail 0.8%" when the value is only a lower bound (KLD from a top-k server): the table prints "≥". */
  lowerBound?(v: VariantSummary): string | undefined;
}

/** A catalog quantity in panel units (MiB, %), the baseline at its own value on vs-baseline quantities. */
function panelMetric(q: Quantity, axis: 'cost' | 'fidelity'): MetricDefinition {
  const reading = (v: VariantSummary) => (v.isBaseline && q.vsBaseline ? { value: q.vsBaseline.baselineValue, se: 0 } : q.read(v));
  const delta = q.pairedDelta === undefined ? undefined : quantityById(q.pairedDelta);
  return {
    id: q.id,
    label: q.label,
    unit: q.unit,
    higherIsBetter: q.direction === 'higher',
    axis,
    value: (v) => scaled(reading(v)?.value, q.scale),
    se: (v) => scaled(reading(v)?.se, q.scale),
    ...(q.vsBaseline ? { vsBaseline: true } : {}),
    ...(q.lowerBound ? { lowerBound: (v: VariantSummary) => { const b = q.lowerBound!(v); return b && !v.isBaseline ? lowerBoundText(b) : undefined; } } : {}),
    ...(q.goal ? goalsOn(q.goal, q.scale) : {}),
    ...(delta
      ? {
          paired: (v: VariantSummary) => {
            const d = delta.read(v);
            if (!d || d.se === undefined) return undefined;
            const value = d.value * delta.scale;
            const se = d.se * delta.scale;
            return { delta: value, se, low: value - 1.96 * se, high: value + 1.96 * se };
          },
        }
      : {}),
  };
}

/** Run-level goals on `goal.quantity`: their verdicts, and thresholds scaled like the values (or converted by `toAxis`). */
function goalsOn(goal: NonNullable<Quantity['goal']>, scale: number): Pick<MetricDefinition, 'verdicts' | 'goal'> {
  return {
    verdicts: (v) => (v.goals ?? []).filter((g) => g.metric === goal.quantity),
    goal: { quantity: goal.quantity, toAxis: goal.toAxis ?? ((t) => t * scale) },
  };
}

const scaled = (x: number | undefined, scale: number): number | undefined => (x === undefined ? undefined : x * scale);

export const METRICS: readonly MetricDefinition[] = QUANTITIES.flatMap((q) => (q.panelAxis ? [panelMetric(q, q.panelAxis)] : []));

/** "Disk size (MiB) — lower is better": a plot axis title. */
export function axisTitle(m: Pick<MetricDefinition, 'label' | 'unit' | 'higherIsBetter'>): string {
  return `${m.label}${m.unit ? ` (${m.unit})` : ''} — ${m.higherIsBetter ? 'higher' : 'lower'} is better`;
}

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
          flips: (v) => {
            const c = find(v)?.vsBaseline;
            if (!c?.flips) return undefined;
            const p = orUndefined(c.mcnemar?.pValue);
            return { correctToWrong: c.flips.correctToWrong, wrongToCorrect: c.flips.wrongToCorrect, ...(p !== undefined ? { mcnemarP: p } : {}) };
          },
          verdicts: (v) => find(v)?.goals ?? [],
        });
      }
    }
  }
  return [...out.values()];
}

/**
 * The static metrics and the report's task metrics: what the table and the plot offer. A
 * vs-baseline metric (KLD, Same top p, …) gives the baseline its value against itself only when
 * the run measured it for some variant: a tasks-only or performance-only run has no KLD, and a
 * baseline shown at "KLD 0" there would be a number nobody measured.
 */
export function metricsOf(report: RunReport): MetricDefinition[] {
  const measured = (m: MetricDefinition): boolean => report.variants.some((v) => !v.isBaseline && m.value(v) !== undefined);
  const statics = METRICS.map((m) => (m.vsBaseline && !measured(m) ? { ...m, value: (v: VariantSummary) => (v.isBaseline ? undefined : m.value(v)), se: (v: VariantSummary) => (v.isBaseline ? undefined : m.se(v)) } : m));
  return [...statics, ...taskMetricDefinitions(report), ...humanRatingMetrics(report)];
}

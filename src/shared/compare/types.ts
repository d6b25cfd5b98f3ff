import type { ComparabilityCheck } from '../report/comparability';

/**
 * `quantlens compare RUN_A RUN_B`: what changed from run A to run B, per variant and metric, with
 * the uncertainty of each change. Every delta is B − A.
 */
export const COMPARISON_FORMAT = 'quantlens.comparison/1';

/** How a change's interval was computed. */
export type ChangeMethod =
  /** Both runs scored the same units (windows, prompts, items), matched by key: resampled together. */
  | 'paired-bootstrap'
  /** Two independent means from their spreads (performance timings, unmatched samples). */
  | 'welch'
  /** Two independent estimates with standard errors: se = √(seA² + seB²), normal interval. */
  | 'independent-se'
  /** A count with no measurement noise (bytes on disk): any difference is real. */
  | 'exact'
  /** No uncertainty is known (a single measurement, a percentile): the change is shown, not judged. */
  | 'none';

export type Verdict = 'improved' | 'regressed' | 'within-noise' | 'unchanged' | 'not-tested';

export interface MetricChange {
  /** Stable id, e.g. "ppl", "kld_mean", "tpot_ms", "task:arc_easy:acc". */
  metric: string;
  title: string;
  lowerIsBetter: boolean;
  a: number | null;
  b: number | null;
  /** b − a. */
  delta: number | null;
  /** (b − a) / |a|. */
  relative: number | null;
  /** 95% interval of the delta. */
  ci: { low: number; high: number } | null;
  se: number | null;
  method: ChangeMethod;
  /** What was paired, and how many matched (absent when unpaired). */
  pairedOn?: { unit: 'windows' | 'samples' | 'items'; n: number };
  verdict: Verdict;
  /** Why a change was not paired, or not judged. */
  note?: string;
}

export interface VariantComparison {
  variantId: string;
  /** Present in run A / run B. Metrics are compared only where it is in both. */
  inA: boolean;
  inB: boolean;
  metrics: MetricChange[];
}

/** One field of the run cards that differs between the runs. */
export interface CardDifference {
  /** Which part of the card: variant files, software versions, execution provider, threads, machine, settings. */
  group: 'files' | 'software' | 'execution-provider' | 'threads' | 'machine' | 'settings' | 'other';
  /** Dotted path into run.json, arrays keyed by id / path / name, e.g. "variants[q8].files[onnx/model_quantized.onnx].sha256". */
  path: string;
  /** JSON text of each side's value; null where the field is absent. */
  a: string | null;
  b: string | null;
}

export interface RunRef {
  runId: string;
  folder: string;
  createdAt: string;
  status: string;
}

export interface RunComparison {
  format: typeof COMPARISON_FORMAT;
  runA: RunRef;
  runB: RunRef;
  variants: VariantComparison[];
  cardDifferences: CardDifference[];
  /** Whether the two runs measured under the same conditions (and each run's own checklist). */
  comparability: ComparabilityCheck[];
  /** Every check that failed, in words: shown wherever the comparison is. */
  warnings: string[];
}

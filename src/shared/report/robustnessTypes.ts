/**
 * The report schema's robustness and calibration regions (HELM's robustness and calibration axes,
 * issue 18 B). Kept in their own file so schema.ts only names them; docs/robustness.md says how
 * each number is computed.
 */
import type { PerturbationSpec } from '../robustness/perturbations';

/** run.json: which perturbations the run applied to every task's inputs, and the seed they drew from. */
export interface RobustnessSpec {
  /** Every perturbation applied to some task: the run's and the task files' own. */
  perturbations: PerturbationSpec[];
  /** The run's own list (`--robustness`), which a rerun asks for again; the task files add theirs. */
  requested: PerturbationSpec[];
  /** Each item's generator is Python's Random(`${seed}${name}${item key}`) (HELM: str(seed) + instance id). */
  seed: number;
}

/** On a perturbed task's unit: what was applied, and each item's perturbed input, in item order. */
export interface TaskPerturbationRecord {
  /** The clean task this one perturbs (its unit has the same items). */
  cleanTask: string;
  perturbation: PerturbationSpec;
  /** e.g. "typos0.1", "space3", "lowercase". */
  label: string;
  seed: number;
  /** Text perturbations: the item's own text after the perturbation (the rest of the prompt is unchanged), per item. */
  inputs?: string[];
  /** fewshot-order: the ids of each item's few-shot examples in the order the prompt shows them. */
  fewshotOrders?: string[][];
  /** Items whose text the perturbation changed. */
  changed: number;
}

/** One perturbation of one task on one variant: the metric clean and perturbed, and the drop against the baseline's. */
export interface RobustnessEntry {
  task: string;
  perturbation: string;
  metric: string;
  higherIsBetter: boolean;
  /** Items paired across the four units (clean and perturbed, variant and baseline). */
  n: number;
  /** Items whose input the perturbation changed. */
  changed: number;
  clean: number | null;
  perturbed: number | null;
  /** clean − perturbed for a higher-is-better metric (perturbed − clean otherwise): positive = worse under the perturbation. */
  drop: number | null;
  /** The baseline's drop on the same items (absent on the baseline itself). */
  baselineDrop?: number | null;
  /** drop − baselineDrop: positive = the variant is more brittle than the baseline. */
  dropDifference?: number | null;
  /** Paired sign-flip permutation test on the per-item drop differences (two-sided). */
  pValue?: number | null;
  /** 'exact' (every sign flip, n ≤ 16 non-zero differences) or 'monte-carlo' (seeded resamples). */
  pMethod?: 'exact' | 'monte-carlo';
  /** The project's paired percentile bootstrap interval of the drop difference. */
  ci?: { low: number | null; high: number | null; confidence: number };
}

/** One bin of the reliability diagram: the examples whose confidence fell in (low, high]. */
export interface ReliabilityBin {
  low: number;
  high: number;
  count: number;
  meanConfidence: number;
  accuracy: number;
}

/** Selective prediction: accuracy on the most confident `coverage` share of the items. */
export interface SelectiveAccuracy {
  coverage: number;
  /** Items counted: ceil(coverage · n), at least 1. */
  items: number;
  accuracy: number | null;
}

/** A multiple-choice task's calibration on one variant: the reliability diagram's data and selective accuracy. */
export interface CalibrationSummary {
  /** Confidence is the max softmax probability over the choices' log-likelihoods; correct when that choice is gold. */
  confidence: 'max-choice-probability';
  /** 'equal-mass': HELM's ece_10_bin bins (calibration library get_equal_bins). */
  binning: 'equal-mass';
  /** Bins asked for; `bins.length` can be fewer (fewer examples, tied edges). */
  numBins: number;
  n: number;
  ece: number | null;
  bins: ReliabilityBin[];
  selective: SelectiveAccuracy[];
}

/**
 * The report's robustness region: for each perturbed task unit of a variant, each metric clean and
 * perturbed, the drop, and (for a non-baseline variant) whether its drop differs from the
 * baseline's on the same items — a paired sign-flip permutation test on the per-item drop
 * differences, with the project's paired bootstrap interval of the mean difference. Pure: the
 * report is rebuilt from the unit results alone.
 */
import { pairedBootstrap } from '../stats/paired';
import type { RobustnessEntry } from '../report/robustnessTypes';
import type { TaskUnitResult } from '../report/schema';
import { pairedPermutationTest } from './pairedPermutation';

type Metric = TaskUnitResult['metrics'][number];

/** Key → indices, duplicates matched in order (key#0, key#1, …). */
function occurrenceIndex(keys: readonly string[]): Map<string, number> {
  const seen = new Map<string, number>();
  const out = new Map<string, number>();
  keys.forEach((k, i) => {
    const n = seen.get(k) ?? 0;
    seen.set(k, n + 1);
    out.set(`${k}#${n}`, i);
  });
  return out;
}

/** Per-item drops (positive = worse when perturbed) for the items of `keys`, null where either side has no value. */
function itemDrops(clean: TaskUnitResult, perturbed: TaskUnitResult, metric: string, keys: readonly string[], sign: number): Array<number | null> {
  const c = clean.metrics.find((m) => m.metric === metric);
  const p = perturbed.metrics.find((m) => m.metric === metric);
  const ci = occurrenceIndex(clean.itemKeys);
  const pi = occurrenceIndex(perturbed.itemKeys);
  return keys.map((k) => {
    const a = c?.itemValues[ci.get(k) ?? -1];
    const b = p?.itemValues[pi.get(k) ?? -1];
    return typeof a === 'number' && typeof b === 'number' ? sign * (a - b) : null;
  });
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

function corpusDrop(clean: Metric | undefined, perturbed: Metric | undefined, sign: number): number | null {
  return clean?.value != null && perturbed?.value != null ? sign * (clean.value - perturbed.value) : null;
}

/** The robustness entries of one variant; `units` are every task unit of the run (baseline's included). */
export function robustnessEntries(variantId: string, baselineId: string, units: readonly TaskUnitResult[], seed: number): RobustnessEntry[] {
  const unitOf = (variant: string, task: string): TaskUnitResult | undefined => units.find((u) => u.variantId === variant && u.task === task);
  const entries: RobustnessEntry[] = [];
  for (const perturbed of units) {
    if (perturbed.variantId !== variantId || !perturbed.perturbation) continue;
    const record = perturbed.perturbation;
    const clean = unitOf(variantId, record.cleanTask);
    if (!clean) continue;
    const isBaseline = variantId === baselineId;
    const baseClean = isBaseline ? undefined : unitOf(baselineId, record.cleanTask);
    const basePerturbed = isBaseline ? undefined : unitOf(baselineId, perturbed.task);
    for (const metric of clean.metrics) {
      const sign = metric.higherIsBetter ? 1 : -1;
      const pMetric = perturbed.metrics.find((m) => m.metric === metric.metric);
      // Items every side scored, by content key.
      const sides = [clean, perturbed, ...(baseClean && basePerturbed ? [baseClean, basePerturbed] : [])];
      const indexes = sides.map((u) => occurrenceIndex(u.itemKeys));
      const keys = [...indexes[0]!.keys()].filter((k) => indexes.every((ix) => ix.has(k)));
      const entry: RobustnessEntry = {
        task: record.cleanTask,
        perturbation: record.label,
        metric: metric.metric,
        higherIsBetter: metric.higherIsBetter,
        n: keys.length,
        changed: record.changed,
        clean: metric.value,
        perturbed: pMetric?.value ?? null,
        drop: corpusDrop(metric, pMetric, sign),
      };
      if (baseClean && basePerturbed) {
        entry.baselineDrop = corpusDrop(baseClean.metrics.find((m) => m.metric === metric.metric), basePerturbed.metrics.find((m) => m.metric === metric.metric), sign);
        entry.dropDifference = entry.drop !== null && entry.baselineDrop !== null ? entry.drop - entry.baselineDrop : null;
        const variantDrops = itemDrops(clean, perturbed, metric.metric, keys, sign);
        const baseDrops = itemDrops(baseClean, basePerturbed, metric.metric, keys, sign);
        const pairs = variantDrops.map((v, i) => [v, baseDrops[i]] as const).filter((p): p is readonly [number, number] => p[0] !== null && p[1] !== null);
        if (pairs.length) {
          const test = pairedPermutationTest(pairs.map(([v, b]) => v - b), { seed });
          const mean = (xs: readonly number[], idx: ArrayLike<number>): number => {
            let s = 0;
            for (let i = 0; i < idx.length; i++) s += xs[idx[i]!]!;
            return s / idx.length;
          };
          const v = pairs.map((p) => p[0]);
          const b = pairs.map((p) => p[1]);
          const boot = pairedBootstrap(pairs.length, (idx) => mean(b, idx), (idx) => mean(v, idx), { seed });
          entry.pValue = finite(test.pValue);
          entry.pMethod = test.method;
          entry.ci = { low: finite(boot.low), high: finite(boot.high), confidence: boot.confidence };
        } else {
          entry.pValue = null;
        }
      }
      entries.push(entry);
    }
  }
  return entries;
}

import type { Measure, UnitKey } from '../shared/report/schema';

export interface PlannedUnit extends UnitKey {
  /** Relative cost, for progress and ETA. */
  weight: number;
}

/**
 * The units of a run, ordered so that each variant is loaded once: the baseline's own units first
 * (it stays loaded), then each variant's lockstep and generation units together, then the
 * performance units, which run in fresh processes, all variants interleaved.
 */
export function planUnits(baselineId: string, variantIds: readonly string[], measures: readonly Measure[], sizes: { windows: number; prompts: number; perfRequests: number; tasks?: ReadonlyArray<{ name: string; items: number }> }): PlannedUnit[] {
  const units: PlannedUnit[] = [];
  const fidelity = measures.includes('fidelity');
  const generation = measures.includes('generation');
  if (fidelity) units.push({ kind: 'perplexity', variantId: baselineId, weight: sizes.windows });
  if (generation) units.push({ kind: 'generation', variantId: baselineId, weight: sizes.prompts });
  // The baseline's task units come first: each variant's task unit pairs its items with them.
  const tasks = sizes.tasks ?? [];
  for (const t of tasks) units.push({ kind: 'task', task: t.name, variantId: baselineId, weight: t.items });
  for (const id of variantIds) {
    if (id === baselineId) continue;
    if (fidelity) units.push({ kind: 'lockstep', variantId: id, weight: 2 * sizes.windows });
    if (generation) units.push({ kind: 'generation', variantId: id, weight: 3 * sizes.prompts });
    for (const t of tasks) units.push({ kind: 'task', task: t.name, variantId: id, weight: t.items });
  }
  if (measures.includes('performance')) {
    // The performance units run as one interleaved phase inside the first of them (A B C A B C …),
    // so that unit carries the whole phase's weight.
    const ids = [baselineId, ...variantIds.filter((v) => v !== baselineId)];
    for (const [i, id] of ids.entries()) units.push({ kind: 'performance', variantId: id, weight: i === 0 ? ids.length * (sizes.perfRequests + 2) : 0 });
  }
  return units;
}

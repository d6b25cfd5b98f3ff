import { checkRuns, checkVariants, comparabilityWarnings } from '../report/comparability';
import { diffRunCards } from './runCardDiff';
import type { RunInput } from './runInput';
import { COMPARISON_FORMAT, RunComparison, RunRef } from './types';
import { variantChanges } from './variantChanges';

/**
 * Run A against run B: per variant and metric the change B − A with its interval and verdict, what
 * differs in the run cards, and the comparability checklist across the two runs and within each.
 * Pure: the same two run folders always give the same comparison (bootstraps are seeded).
 */
export function compareRuns(a: RunInput, b: RunInput): RunComparison {
  const ids = [...new Set([...a.card.variants.map((v) => v.id), ...b.card.variants.map((v) => v.id)])];
  const variants = ids.map((variantId) => {
    const inA = a.report.variants.some((v) => v.id === variantId);
    const inB = b.report.variants.some((v) => v.id === variantId);
    return { variantId, inA, inB, metrics: inA && inB ? variantChanges(a, b, variantId) : [] };
  });
  const comparability = [
    ...checkRuns(a.card, a.results, b.card, b.results),
    ...withinRun(a, 'A'),
    ...withinRun(b, 'B'),
  ];
  const missing = variants.filter((v) => !v.inA || !v.inB).map((v) => `Variant ${v.variantId} is only in run ${v.inA ? 'A' : 'B'}: not compared.`);
  const baselines = a.card.spec.baselineId === b.card.spec.baselineId ? [] : [`The baselines differ (run A ${a.card.spec.baselineId}, run B ${b.card.spec.baselineId}): KLD and ΔPPL are against different references.`];
  return {
    format: COMPARISON_FORMAT,
    runA: refOf(a),
    runB: refOf(b),
    variants,
    cardDifferences: diffRunCards(a.card, b.card),
    comparability,
    warnings: [...baselines, ...missing, ...comparabilityWarnings(comparability)],
  };
}

/** Each run's own checklist, labelled with the run, so a problem inside one run is not lost in the comparison. */
function withinRun(run: RunInput, label: 'A' | 'B'): ReturnType<typeof checkVariants> {
  return checkVariants(run.card, run.results)
    .filter((c) => c.status === 'differs')
    .map((c) => ({ ...c, detail: `run ${label} ${c.detail}` }));
}

function refOf(run: RunInput): RunRef {
  return { runId: run.card.runId, folder: run.folder, createdAt: run.card.createdAt, status: run.report.status };
}

import type { IndexedStatistic } from '../stats/bootstrap';
import { meanAt } from '../stats/bootstrap';
import { compareInfo, kldLowerBound, lowerBoundText } from '../report/quantities';
import type { LockstepUnitResult, PerplexityUnitResult, SampleRecord, TaskUnitResult, WindowTotals } from '../report/schema';
import { exactChange, independentChange, MetricInfo, pairedChange, unmatchedValuesChange, untestedChange, welchChange } from './changes';
import { corpusUnitOf, performanceOf, RunInput, tasksOf } from './runInput';
import type { MetricChange } from './types';

/** The headline quantities come from the catalog (report/quantities.ts); the sample-level ones are the comparison's own. */
const METRIC = {
  ppl: compareInfo('ppl'),
  deltaPpl: compareInfo('deltaPpl'),
  kldMean: compareInfo('kld'),
  kldP99: compareInfo('kldP99'),
  sameTop: compareInfo('sameTop'),
  rmsDp: compareInfo('rmsDp'),
  generationKld: { metric: 'generation_kld', title: 'generation KLD per sample', lowerIsBetter: true },
  diverged: { metric: 'diverged', title: 'samples diverged from baseline', lowerIsBetter: true },
  ttft: compareInfo('ttft'),
  tpot: compareInfo('tpot'),
  throughput: compareInfo('throughput'),
  peakRss: compareInfo('peakRss'),
  size: compareInfo('size'),
} satisfies Record<string, MetricInfo>;

/** Every metric of one variant measured in both runs, each with the strongest pairing the runs allow. */
export function variantChanges(a: RunInput, b: RunInput, variantId: string): MetricChange[] {
  const seed = a.card.spec.seed;
  const summaryA = a.report.variants.find((v) => v.id === variantId);
  const summaryB = b.report.variants.find((v) => v.id === variantId);
  const isBaseline = Boolean(summaryA?.isBaseline && summaryB?.isBaseline);
  const changes: MetricChange[] = [];

  const corpusA = corpusUnitOf(a, variantId);
  const corpusB = corpusUnitOf(b, variantId);
  if (corpusA || corpusB) {
    const windows = pairableWindows(a, b, corpusA, corpusB);
    changes.push(
      windows.paired
        ? pairedChange(METRIC.ppl, 'windows', windows.a.tokens.length, perplexityOver(windows.a), perplexityOver(windows.b), seed)
        : independentChange(METRIC.ppl, corpusA?.perplexity.tokenPerplexity, corpusB?.perplexity.tokenPerplexity, windows.reason),
    );
  }
  if (!isBaseline && (summaryA?.kld || summaryB?.kld)) {
    const lockA = corpusA?.kind === 'lockstep' ? corpusA : undefined;
    const lockB = corpusB?.kind === 'lockstep' ? corpusB : undefined;
    const windows = pairableWindows(a, b, lockA, lockB);
    // A KLD from a top-k server is a lower bound: a difference of bounds says nothing of the true change.
    const sides: Array<[string, typeof summaryA]> = [['A', summaryA], ['B', summaryB]];
    const bounds = sides.flatMap(([run, s]) => {
      const bound = s && kldLowerBound(s);
      return bound ? [`run ${run}'s KLD is a lower bound (${lowerBoundText(bound)}): no test of the change`] : [];
    });
    changes.push(
      bounds.length
        ? untestedChange(METRIC.kldMean, summaryA?.kld?.kld.mean, summaryB?.kld?.kld.mean, bounds.join('; '))
        : windows.paired && windows.a.kld && windows.b.kld
          ? pairedChange(METRIC.kldMean, 'windows', windows.a.tokens.length, ratioOver(windows.a.kld, windows.a.tokens), ratioOver(windows.b.kld, windows.b.tokens), seed)
          : independentChange(METRIC.kldMean, asValue(summaryA?.kld?.kld), asValue(summaryB?.kld?.kld), windows.paired ? 'no per-window KLD recorded' : windows.reason),
      untestedChange(METRIC.kldP99, summaryA?.kld?.kld.percentiles['99'], summaryB?.kld?.kld.percentiles['99'], ['a percentile of per-token values the run folder does not keep: no interval', ...bounds].join('; ')),
      independentChange(METRIC.deltaPpl, summaryA?.deltaPerplexity, summaryB?.deltaPerplexity, 'each run pairs the variant with its own baseline; the two runs are independent'),
      independentChange(METRIC.sameTop, summaryA?.kld?.sameTop, summaryB?.kld?.sameTop),
      independentChange(METRIC.rmsDp, summaryA?.kld?.rmsDeltaP, summaryB?.kld?.rmsDeltaP),
    );
  }
  if (!isBaseline) changes.push(...sampleChanges(a, b, variantId, seed));

  const perfA = performanceOf(a, variantId);
  const perfB = performanceOf(b, variantId);
  if (perfA || perfB) {
    changes.push(
      welchChange(METRIC.ttft, perfA?.ttftMs, perfB?.ttftMs),
      welchChange(METRIC.tpot, perfA?.tpotMs, perfB?.tpotMs),
      welchChange(METRIC.throughput, perfA?.outputTokensPerSecond, perfB?.outputTokensPerSecond),
      untestedChange(METRIC.peakRss, perfA?.peakRssBytes, perfB?.peakRssBytes, 'one reading per run: no interval'),
    );
  }
  changes.push(exactChange(METRIC.size, summaryA?.sizeBytes, summaryB?.sizeBytes));
  changes.push(...taskChanges(tasksOf(a, variantId), tasksOf(b, variantId), seed));
  return changes;
}

const asValue = (d: { mean: number; se: number } | undefined): { value: number; se: number } | undefined => (d ? { value: d.mean, se: d.se } : undefined);

type WindowPairing = { paired: true; a: WindowTotals; b: WindowTotals } | { paired: false; reason: string };

/** Windows pair only when both runs cut the same corpus the same way into the same token counts. */
function pairableWindows(a: RunInput, b: RunInput, unitA: PerplexityUnitResult | LockstepUnitResult | undefined, unitB: PerplexityUnitResult | LockstepUnitResult | undefined): WindowPairing {
  const totalsA = unitA?.windowTotals;
  const totalsB = unitB?.windowTotals;
  if (!totalsA || !totalsB) return { paired: false, reason: 'unpaired: a run has no per-window totals' };
  if (a.card.spec.corpus?.sha256 !== b.card.spec.corpus?.sha256) return { paired: false, reason: 'unpaired: the corpus files differ' };
  if (JSON.stringify(a.card.spec.windows) !== JSON.stringify(b.card.spec.windows)) return { paired: false, reason: 'unpaired: the window schemes differ' };
  if (totalsA.tokens.length !== totalsB.tokens.length || totalsA.tokens.some((t, i) => t !== totalsB.tokens[i])) return { paired: false, reason: 'unpaired: the windows hold different tokens (another tokenizer?)' };
  return { paired: true, a: totalsA, b: totalsB };
}

/** Σ numerator / Σ denominator over the resampled windows (a token-weighted mean). */
function ratioOver(numerator: readonly number[], denominator: readonly number[]): IndexedStatistic {
  return (indices) => {
    let top = 0;
    let bottom = 0;
    for (const i of indices) {
      top += numerator[i]!;
      bottom += denominator[i]!;
    }
    return top / bottom;
  };
}

function perplexityOver(totals: WindowTotals): IndexedStatistic {
  const meanNll = ratioOver(totals.nll, totals.tokens);
  return (indices) => Math.exp(meanNll(indices));
}

/** Generations pair by sampleKey (prompt and decoding settings hashed); with no key in common they are compared unpaired. */
function sampleChanges(a: RunInput, b: RunInput, variantId: string, seed: number): MetricChange[] {
  const samplesA = a.samples.filter((s) => s.variantId === variantId);
  const samplesB = b.samples.filter((s) => s.variantId === variantId);
  if (samplesA.length === 0 && samplesB.length === 0) return [];
  const byKey = new Map(samplesB.map((s) => [s.sampleKey, s]));
  const matched = samplesA.flatMap((s) => (byKey.has(s.sampleKey) ? [[s, byKey.get(s.sampleKey)!] as const] : []));
  const meanKld = (s: SampleRecord): number => (s.kld.length ? s.kld.reduce((x, y) => x + y, 0) / s.kld.length : 0);
  const diverged = (s: SampleRecord): number => (s.firstDivergence === null ? 0 : 1);
  return ([[METRIC.generationKld, meanKld], [METRIC.diverged, diverged]] as const).map(([info, value]) => {
    if (matched.length === 0) return unmatchedValuesChange(info, samplesA.map(value), samplesB.map(value), 'unpaired: no prompt in common (other prompts or decoding settings)');
    const valuesA = matched.map(([s]) => value(s));
    const valuesB = matched.map(([, s]) => value(s));
    return pairedChange(info, 'samples', matched.length, (i) => meanAt(valuesA, i), (i) => meanAt(valuesB, i), seed);
  });
}

/**
 * Task metrics pair on the items both runs scored (dataset content hashes). Only mean metrics pair
 * this way; a corpus-level metric (BLEU, chrF) is compared on its own bootstrap se.
 */
function taskChanges(tasksA: TaskUnitResult[], tasksB: TaskUnitResult[], seed: number): MetricChange[] {
  const changes: MetricChange[] = [];
  for (const taskA of tasksA) {
    const taskB = tasksB.find((t) => t.task === taskA.task);
    if (!taskB) continue;
    for (const metricA of taskA.metrics) {
      const metricB = taskB.metrics.find((m) => m.metric === metricA.metric);
      if (!metricB) continue;
      const info: MetricInfo = { metric: `task:${taskA.task}:${metricA.metric}`, title: `${taskA.task} ${metricA.title}`, lowerIsBetter: !metricA.higherIsBetter };
      const itemsB = new Map(taskB.itemKeys.map((k, i) => [k, metricB.itemValues[i] ?? null]));
      const pairs = taskA.itemKeys.flatMap((k, i) => {
        const va = metricA.itemValues[i] ?? null;
        const vb = itemsB.get(k) ?? null;
        return va !== null && vb !== null ? [[va, vb] as const] : [];
      });
      if (pairs.length > 1 && isMeanMetric(metricA) && isMeanMetric(metricB)) {
        const valuesA = pairs.map((p) => p[0]);
        const valuesB = pairs.map((p) => p[1]);
        changes.push(pairedChange(info, 'items', pairs.length, (i) => meanAt(valuesA, i), (i) => meanAt(valuesB, i), seed));
      } else {
        const side = (m: typeof metricA): { value: number; se: number } | undefined => (m.value !== null && m.se !== null ? { value: m.value, se: m.se } : undefined);
        changes.push(independentChange(info, side(metricA), side(metricB), pairs.length > 1 ? 'unpaired: a corpus-level metric (not a mean of items)' : 'unpaired: no item in common'));
      }
    }
  }
  return changes;
}

/** The corpus value is the mean of the item values (acc, EM), so a paired mean difference is the change. */
function isMeanMetric(m: { value: number | null; itemValues: Array<number | null> }): boolean {
  const values = m.itemValues.filter((v): v is number => v !== null);
  if (m.value === null || values.length === 0) return false;
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return Math.abs(mean - m.value) <= 1e-9 * Math.max(1, Math.abs(m.value));
}

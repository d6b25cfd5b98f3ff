/**
 * A task unit's numbers from its raw per-item outputs (choice log-likelihoods, predictions, rolling
 * log-likelihoods): each metric's corpus value with its seeded bootstrap interval, and for a
 * variant the paired comparison with the baseline's items and the task's goal verdicts. Scores are
 * always recomputed from the raw outputs, so the baseline's unit read back from events.jsonl (a
 * resumed run) pairs exactly as it would in one go.
 */
import { argmax, isGold } from '../../shared/metrics/likelihood';
import { findMetric, getMetric } from '../../shared/metrics/registry';
import { checkGoal, compareMetric, MetricComparison, summarizeMetric } from '../../shared/metrics/evaluate';
import type { AnyMetric, ItemScore, MetricInput } from '../../shared/metrics/types';
import { allowedDegradation } from '../../shared/stats/gates';
import { toGoalVerdict } from '../../shared/report/goalVerdicts';
import type { TaskGoalVerdict, TaskMetricComparison, TaskMetricValue, TaskUnitResult } from '../../shared/report/schema';
import type { TaskDefinition, TaskPrompt } from '../tasks';
import { samplesInput, solvedFlips } from '../code/codeScoring';

/** The raw per-item outputs of a task unit, in item order. */
export type RawTaskOutputs = Pick<TaskUnitResult, 'itemKeys' | 'choiceLogLikelihoods' | 'predictions' | 'logLikelihoods' | 'tokenCounts' | 'codeSamples' | 'codeProblems'>;

const finite = (x: number | undefined): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/** The task's metrics, resolved once each (a metric listed twice is scored once). */
export function taskMetrics(task: TaskDefinition): AnyMetric[] {
  const seen = new Map<string, AnyMetric>();
  for (const m of task.metrics) {
    const metric = getMetric(m.name, m.options);
    if (!seen.has(metric.name)) seen.set(metric.name, metric);
  }
  return [...seen.values()];
}

/** Probabilities of the choices (softmax over their log-likelihoods), in float64. */
export function choiceProbabilities(logLikelihoods: readonly number[]): number[] {
  const max = Math.max(...logLikelihoods);
  const exps = logLikelihoods.map((ll) => Math.exp(ll - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

function metricInput(metric: AnyMetric, prompt: TaskPrompt, raw: RawTaskOutputs, i: number): MetricInput {
  switch (metric.input) {
    case 'choice':
    case 'confidence': {
      if (prompt.kind !== 'multiple_choice' || !raw.choiceLogLikelihoods) throw new Error(`${metric.name} needs a multiple-choice task`);
      const logLikelihoods = raw.choiceLogLikelihoods[i]!;
      if (metric.input === 'choice') return { logLikelihoods, choices: prompt.choices, gold: prompt.gold };
      const probabilities = choiceProbabilities(logLikelihoods);
      const chosen = argmax(logLikelihoods);
      return { probability: probabilities[chosen]!, correct: isGold(chosen, prompt.gold) };
    }
    case 'generation':
      // A code task's first sample against its reference solution (CodeBLEU).
      if ((prompt.kind !== 'generation' && prompt.kind !== 'code') || !raw.predictions) throw new Error(`${metric.name} needs a generation task`);
      return { prediction: raw.predictions[i]!, references: prompt.references };
    case 'samples':
      if (prompt.kind !== 'code' || !raw.codeSamples) throw new Error(`${metric.name} needs a code task`);
      return samplesInput(raw.codeSamples[i]!);
    case 'loglikelihood':
      if (prompt.kind !== 'perplexity' || !raw.logLikelihoods) throw new Error(`${metric.name} needs a perplexity task`);
      return { logLikelihood: raw.logLikelihoods[i]!, tokens: raw.tokenCounts?.[i], words: prompt.words, bytes: prompt.bytes };
    default:
      throw new Error(`${metric.name} (input "${metric.input}") cannot be computed by the engine`);
  }
}

/** Item scores of one metric; `prompts[i]` is the prompt of raw item i. */
export function scoreRaw(metric: AnyMetric, prompts: readonly TaskPrompt[], raw: RawTaskOutputs): ItemScore[] {
  return prompts.map((prompt, i) => metric.score(metricInput(metric, prompt, raw, i)));
}

/** The prompts of the raw items, found by item key (duplicates matched in order). */
export function promptsForKeys(prompts: readonly TaskPrompt[], keys: readonly string[]): Array<TaskPrompt | undefined> {
  const byKey = new Map<string, TaskPrompt[]>();
  for (const p of prompts) byKey.set(p.key, [...(byKey.get(p.key) ?? []), p]);
  const used = new Map<string, number>();
  return keys.map((k) => {
    const n = used.get(k) ?? 0;
    used.set(k, n + 1);
    return byKey.get(k)?.[n];
  });
}

function occurrenceKeys(keys: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return keys.map((k) => {
    const n = seen.get(k) ?? 0;
    seen.set(k, n + 1);
    return `${k}#${n}`;
  });
}

export function summarizeTaskMetric(metric: AnyMetric, items: readonly ItemScore[], seed: number): TaskMetricValue & { itemValues: Array<number | null> } {
  const summary = summarizeMetric(metric, items, { seed });
  const value: TaskMetricValue & { itemValues: Array<number | null> } = {
    metric: metric.name,
    title: metric.title,
    higherIsBetter: metric.higherIsBetter,
    n: summary.n,
    value: finite(summary.value),
    se: finite(summary.se),
    ci: { low: finite(summary.ci.low), high: finite(summary.ci.high), confidence: summary.ci.confidence },
    itemValues: items.map((i) => finite(i.value)),
  };
  if (summary.signature) value.signature = summary.signature;
  return value;
}

function toComparison(c: MetricComparison): TaskMetricComparison {
  const out: TaskMetricComparison = {
    metric: c.metric,
    n: c.n,
    baseline: finite(c.baseline),
    variant: finite(c.variant),
    delta: finite(c.delta),
    ci: { low: finite(c.paired.low), high: finite(c.paired.high), confidence: c.paired.confidence },
    se: finite(c.paired.se),
    pValue: finite(c.paired.pValue),
  };
  if (c.flips) out.flips = { correctToWrong: c.flips.correctToWrong, wrongToCorrect: c.flips.wrongToCorrect, flipRate: c.flips.flipRate };
  if (c.mcnemar) out.mcnemar = { statistic: finite(c.mcnemar.statistic ?? undefined), pValue: finite(c.mcnemar.pValue), method: c.mcnemar.method };
  if (c.tost) out.tost = { margin: c.tost.margin, pValue: finite(c.tost.pValue), equivalent: c.tost.equivalent, ci: c.tost.ci.map((x) => finite(x)) };
  return out;
}

/** The metric a goal names, among the task's resolved metrics. */
function goalMetric(metrics: readonly AnyMetric[], name: string): AnyMetric | undefined {
  const resolved = findMetric(name)?.name ?? name;
  return metrics.find((m) => m.name.toLowerCase() === resolved.toLowerCase()) ?? metrics.find((m) => m.name.toLowerCase() === name.toLowerCase());
}

/**
 * The variant's items against the baseline's, paired by item key: per metric the paired bootstrap
 * of the delta (flips and McNemar for right/wrong metrics, TOST at the goal's margin), then every
 * goal's verdict. Without a baseline result every goal fails with the reason.
 */
export function compareWithBaseline(
  task: TaskDefinition,
  prompts: readonly TaskPrompt[],
  variant: RawTaskOutputs,
  baseline: RawTaskOutputs | undefined,
  seed: number,
): { comparisons: TaskMetricComparison[]; goals: TaskGoalVerdict[] } {
  const metrics = taskMetrics(task);
  const comparisons: TaskMetricComparison[] = [];
  const byMetric = new Map<string, MetricComparison>();
  if (baseline) {
    const baseIndex = new Map(occurrenceKeys(baseline.itemKeys).map((k, i) => [k, i]));
    const pairs = occurrenceKeys(variant.itemKeys)
      .map((k, i) => [baseIndex.get(k), i] as const)
      .filter((p): p is readonly [number, number] => p[0] !== undefined);
    const basePrompts = promptsForKeys(prompts, baseline.itemKeys);
    const variantPrompts = promptsForKeys(prompts, variant.itemKeys);
    if (pairs.some(([b, v]) => !basePrompts[b] || !variantPrompts[v])) throw new Error(`task ${task.name}: an item of the baseline's result is not among this run's prompts`);
    for (const metric of metrics) {
      const baseItems = scoreRaw(metric, basePrompts as TaskPrompt[], baseline);
      const variantItems = scoreRaw(metric, variantPrompts as TaskPrompt[], variant);
      const base = pairs.map(([b]) => baseItems[b]!);
      const vari = pairs.map(([, v]) => variantItems[v]!);
      // One TOST per metric: at the margin of the goal that decides by it, if any.
      const onMetric = task.goals.filter((g) => goalMetric(metrics, g.metric) === metric);
      const goal = onMetric.find((g) => g.evidence === 'equivalence') ?? onMetric[0];
      const baseValue = base.length ? (metric.aggregate(base.map((i) => i.stats)) as number) : NaN;
      const margin = goal ? (goal.equivalenceMargin ?? allowedDegradation(goal, baseValue)) : undefined;
      const comparison = compareMetric(metric, base, vari, { bootstrap: { seed }, ...(margin !== undefined && margin > 0 && Number.isFinite(margin) ? { equivalenceMargin: margin } : {}) });
      // pass@k is not right/wrong per problem, but "solved by some sample" is: flips and McNemar on that.
      if (metric.input === 'samples' && !comparison.flips) Object.assign(comparison, solvedFlips(base, vari));
      byMetric.set(metric.name, comparison);
      comparisons.push(toComparison(comparison));
    }
  }
  const goals = task.goals.map((goal): TaskGoalVerdict => {
    const metric = goalMetric(metrics, goal.metric);
    const comparison = metric && byMetric.get(metric.name);
    if (comparison) return toGoalVerdict(checkGoal({ ...goal, metric: metric.name }, comparison));
    return {
      metric: metric?.name ?? goal.metric,
      kind: goal.percentMaxDegradation !== undefined ? 'percent_max_degradation' : 'max_degradation',
      limit: goal.percentMaxDegradation ?? goal.maxDegradation ?? 0,
      baseline: null,
      variant: null,
      threshold: null,
      degradation: null,
      percentDegradation: null,
      pass: false,
      reason: baseline ? `no value for ${goal.metric}` : `no baseline result for task ${task.name}`,
    };
  });
  return { comparisons, goals };
}

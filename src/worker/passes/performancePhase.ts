import type { ModelVariant } from '../../shared/modelTypes';
import { headlineFigures } from '../perf/headlineFigures';
import type { MachineProbe, PerformanceCell, PerformanceUnitResult, RunSpec } from '../../shared/report/schema';
import { errorMessage } from '../../shared/errors';
import { kvCacheBytes, ModelGeometry } from '../../shared/perf/kvCache';
import { compareCells, NOISE_CV_THRESHOLD } from '../../shared/perf/noise';
import { rooflineFigures } from '../../shared/perf/roofline';
import { effectiveRounds, interleavedSchedule, PerformanceWorkload, resolveSweep, shareOf, sweepCells, workloadLabel } from '../../shared/perf/sweep';
import { probeMachine } from '../perf/machineProbe';
import { exactLengthPrompts, PromptSource } from '../inputs/exactLengthPrompts';
import { ProbeOutcome, runProbeProcess, summarizeCell } from './performancePass';
import type { ProbeCell } from './probeProtocol';

export interface PerformancePhaseInput {
  workerScript: string;
  modelFolder: string;
  /** From the config.json summary discovery read (null when it lacks a size): KV cache bytes and roofline. */
  geometry: ModelGeometry | null;
  spec: RunSpec;
  /** The variants still to measure, baseline first, in the order the rounds visit them. */
  variants: ModelVariant[];
  source: PromptSource | null;
  eosTokenIds: readonly number[];
  warn: (message: string, variantId?: string) => void;
}

type Outcomes = Map<string, PerformanceUnitResult | Error>;

/**
 * Progress through the phase. The whole phase runs inside the first performance unit, so
 * `measuring` names the variant whose probe runs now (absent while the results are summarized).
 */
export type PerformanceProgress = (done: number, total: number, measuring?: string) => void;

/**
 * The performance phase of a run: every variant's probe processes, interleaved round by round
 * (A B C A B C …) so drift hits all alike, then per-cell statistics, comparisons with the
 * baseline, memory, roofline and warnings. The engine asks for one variant's result at a time;
 * the first request runs the whole phase, and later ones read what it found.
 */
export class PerformancePhase {
  private phase: Promise<Outcomes | null> | undefined;

  constructor(private readonly input: PerformancePhaseInput) {}

  async resultFor(variantId: string, progress: PerformanceProgress, shouldStop: () => boolean): Promise<PerformanceUnitResult | null> {
    this.phase ??= this.run(progress, shouldStop);
    const outcomes = await this.phase;
    if (outcomes === null) return null;
    const result = outcomes.get(variantId);
    if (result instanceof Error) throw result;
    if (!result) throw new Error(`${variantId} was not measured`);
    return result;
  }

  private async run(progress: PerformanceProgress, shouldStop: () => boolean): Promise<Outcomes | null> {
    const { spec, variants, source } = this.input;
    const sweep = spec.performance.sweep ?? resolveSweep(spec.performance);
    const workloads = sweepCells(sweep);
    const rounds = effectiveRounds(sweep);
    const outcomes: Outcomes = new Map();
    const perRound = new Map<string, ProbeOutcome[]>();
    const prompts = workloads.map((w) => (source ? exactLengthPrompts(source, w.inputTokens, w.batchSize * w.concurrency) : []));
    for (const v of variants) {
      if (v.error) outcomes.set(v.id, new Error(`${v.error.file}: ${v.error.problem} ${v.error.remedy}`));
      else if (prompts.some((p) => p.length === 0)) outcomes.set(v.id, new Error('the corpus gave no tokens to cut performance prompts from'));
      else perRound.set(v.id, []);
    }
    const schedule = interleavedSchedule(variants.filter((v) => perRound.has(v.id)), rounds);
    for (const [step, { round, variant }] of schedule.entries()) {
      progress(step, schedule.length + 1, variant.id);
      if (outcomes.has(variant.id)) continue; // failed in an earlier round
      if (shouldStop()) return null;
      const cells: ProbeCell[] = workloads.map((workload, i) => ({
        workload,
        prompts: prompts[i]!,
        minIterations: shareOf(sweep.minIterations, rounds, round),
        minMs: (sweep.minSeconds * 1000) / rounds,
      }));
      try {
        const outcome = await runProbeProcess(this.input.workerScript, {
          type: 'probe',
          modelFolder: this.input.modelFolder,
          variant,
          executionProvider: spec.executionProvider,
          threads: spec.threads,
          eosTokenIds: [...this.input.eosTokenIds],
          warmups: spec.performance.warmups,
          cells,
        }, shouldStop);
        if (outcome === null) return null;
        perRound.get(variant.id)!.push(outcome);
      } catch (error) {
        outcomes.set(variant.id, error instanceof Error ? error : new Error(errorMessage(error)));
        perRound.delete(variant.id);
      }
    }
    progress(schedule.length, schedule.length + 1);
    const measured = [...perRound.entries()].filter(([, list]) => list.length > 0);
    const provider = measured[0]?.[1][0]?.executionProvider ?? 'cpu';
    let machine: MachineProbe | undefined;
    try {
      machine = measured.length ? await probeMachine(provider, spec.threads) : undefined;
    } catch (error) {
      this.input.warn(`The machine probe (copy bandwidth, MatMul FLOP/s) failed: ${errorMessage(error)}; no roofline fractions.`);
    }
    const geometry = this.input.geometry;
    for (const [id, list] of measured) {
      const variant = variants.find((v) => v.id === id)!;
      outcomes.set(id, this.summarize(variant, list, workloads, geometry, machine));
    }
    this.compareAndWarn(outcomes);
    progress(schedule.length + 1, schedule.length + 1);
    return outcomes;
  }

  private summarize(variant: ModelVariant, rounds: ProbeOutcome[], workloads: PerformanceWorkload[], geometry: ModelGeometry | null, machine: MachineProbe | undefined): PerformanceUnitResult {
    const { spec } = this.input;
    const kvElementBytes = rounds[0]!.kvElementBytes;
    const cells: PerformanceCell[] = [];
    for (const [i, w] of workloads.entries()) {
      const kv = geometry ? kvCacheBytes(geometry, w.inputTokens + w.outputTokens, w.batchSize * w.concurrency, kvElementBytes) : NaN;
      const cell = summarizeCell(w, rounds.map((r) => r.cells[i]!), kv);
      if (geometry && variant.signature && cell.tpotMs && Number.isFinite(cell.tpotMs.mean)) {
        cell.roofline = rooflineFigures({ signature: variant.signature, geometry, kvElementBytes, workload: w, tpotMs: cell.tpotMs.mean, machine });
      }
      cells.push(cell);
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
    const fallbacks = new Map<string, string>();
    for (const r of rounds) for (const f of r.fallbacks) fallbacks.set(f.provider, f.reason);
    return {
      kind: 'performance',
      variantId: variant.id,
      executionProvider: [...new Set(rounds.map((r) => r.executionProvider))].join(', '),
      loadMs: median(rounds.map((r) => r.loadMs)),
      sessionRssBytes: median(rounds.map((r) => r.sessionRssBytes)),
      peakRssBytes: Math.max(...rounds.map((r) => r.peakRssBytes)),
      highWaterRssBytes: Math.max(...rounds.map((r) => r.highWaterRssBytes)),
      rssSampleIntervalMs: rounds[0]!.rssSampleIntervalMs,
      ...headlineFigures(cells),
      threads: spec.threads,
      providerFallbacks: [...fallbacks].map(([provider, reason]) => ({ provider, reason })),
      rounds: rounds.length,
      cells,
      machine,
      roofline: cells[0]!.roofline,
    };
  }

  /** Each variant's cells against the baseline's, and the warnings a reader must see. */
  private compareAndWarn(outcomes: Outcomes): void {
    const { spec, warn } = this.input;
    const base = outcomes.get(spec.baselineId);
    const baseCells = base instanceof Error ? undefined : base?.cells;
    for (const [id, result] of outcomes) {
      if (result instanceof Error || !result.cells) continue;
      for (const f of result.providerFallbacks ?? []) warn(`${id}: execution provider ${f.provider} unavailable (${f.reason}); the performance probes ran on ${result.executionProvider}`, id);
      const noisy = result.cells.filter((c) => c.noisy);
      if (noisy.length) {
        const cv = (c: PerformanceCell): number => (c.tpotMs ?? c.ttftMs).cv;
        const worst = noisy.reduce((a, b) => (cv(b) > cv(a) ? b : a));
        warn(`${id}: ${worst.tpotMs ? 'TPOT' : 'TTFT'} varied by more than ${NOISE_CV_THRESHOLD * 100}% (CV) in ${noisy.length} of ${result.cells.length} cells, up to ${(cv(worst) * 100).toFixed(0)}% at ${workloadLabel(worst)}: the machine was noisy, so speed differences of that size are not resolved; close other programs or raise --min-iterations/--min-seconds.`, id);
      }
      const drift = result.cells.filter((c) => c.outputLength.drift);
      for (const c of drift) warn(`${id}: output length drifted at ${workloadLabel(c)}: asked for ${c.outputLength.expected} tokens, got ${c.outputLength.min}–${c.outputLength.max}; its timings are not comparable.`, id);
      if (!baseCells || id === spec.baselineId) continue;
      const unresolved: string[] = [];
      const earlyStops: string[] = [];
      for (const [i, cell] of result.cells.entries()) {
        const other = baseCells[i];
        if (!other) continue;
        cell.vsBaseline = compareCells(cell, other);
        if (!cell.vsBaseline.resolved) unresolved.push(`${workloadLabel(cell)} (${Number.isFinite(cell.vsBaseline.tpotRatio) ? `TPOT ×${cell.vsBaseline.tpotRatio.toFixed(2)}` : `TTFT ×${cell.vsBaseline.ttftRatio.toFixed(2)}`})`);
        const eos = cell.outputLength;
        // In-process cells always know their EOS share (only a served cell's is null).
        const [mine, theirs] = [eos.eosBeforeEnd ?? 0, other.outputLength.eosBeforeEnd ?? 0];
        if (mine > theirs) earlyStops.push(`${workloadLabel(cell)}: ${(mine * 100).toFixed(0)}% of rows, median after ${eos.medianEosIndex} tokens, against ${(theirs * 100).toFixed(0)}%`);
      }
      if (earlyStops.length) warn(`${id}: under natural decoding more of its rows would stop at EOS than ${spec.baselineId}'s (${earlyStops.join('; ')}), so timings with natural lengths would flatter it; these fixed-length timings are not affected.`, id);
      if (unresolved.length) warn(`${id} vs ${spec.baselineId}: the TPOT difference is not resolved at 95% (Welch's t) in ${unresolved.length} of ${result.cells.length} cells: ${unresolved.join('; ')}.`, id);
    }
  }
}

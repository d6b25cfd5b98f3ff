import type { RunRequest } from '../protocol';
import type { PerformanceSweep } from '../report/schema';
import { RUN_SETTINGS } from '../runSettings';

/** Rounds of fresh probe processes when the user does not say: enough to interleave, cheap enough for the demo. */
export const DEFAULT_ROUNDS = RUN_SETTINGS.rounds.default;

/** One cell of the sweep: what a request looks like and how many are in flight. */
export interface PerformanceWorkload {
  inputTokens: number;
  outputTokens: number;
  batchSize: number;
  concurrency: number;
}

/**
 * The sweep a request asks for, with every list filled in. Without a sweep it is the single cell
 * of the plain performance settings, so the default run stays as quick as it always was.
 */
export function resolveSweep(performance: RunRequest['performance']): PerformanceSweep {
  const sweep = performance.sweep ?? {};
  const list = (values: number[] | undefined, fallback: number): number[] => {
    const kept = [...new Set((values ?? []).filter((v) => Number.isInteger(v) && v > 0))];
    return kept.length ? kept : [fallback];
  };
  return {
    inputLengths: list(sweep.inputLengths, performance.promptTokens),
    outputLengths: list(sweep.outputLengths, performance.outputTokens),
    batchSizes: list(sweep.batchSizes, 1),
    concurrency: list(sweep.concurrency, 1),
    minIterations: Math.max(1, sweep.minIterations && sweep.minIterations > 0 ? sweep.minIterations : performance.repetitions),
    minSeconds: Math.max(0, sweep.minSeconds ?? 0),
    rounds: Math.max(1, sweep.rounds ?? DEFAULT_ROUNDS),
  };
}

/** Every combination, in the order the lists give: input, then output, then batch, then concurrency. */
export function sweepCells(sweep: PerformanceSweep): PerformanceWorkload[] {
  const cells: PerformanceWorkload[] = [];
  for (const inputTokens of sweep.inputLengths) {
    for (const outputTokens of sweep.outputLengths) {
      for (const batchSize of sweep.batchSizes) {
        for (const concurrency of sweep.concurrency) cells.push({ inputTokens, outputTokens, batchSize, concurrency });
      }
    }
  }
  return cells;
}

export function workloadLabel(w: PerformanceWorkload): string {
  return `in ${w.inputTokens} · out ${w.outputTokens} · batch ${w.batchSize} · conc ${w.concurrency}`;
}

/** Rounds that actually run: never more than there are iterations to share out. */
export function effectiveRounds(sweep: PerformanceSweep): number {
  return Math.max(1, Math.min(sweep.rounds, sweep.minIterations));
}

/**
 * The probe processes in the order they run: round by round, every variant once per round
 * (A B C A B C …), so drift, heat and background load fall on all variants alike.
 */
export function interleavedSchedule<T>(variants: readonly T[], rounds: number): Array<{ round: number; variant: T }> {
  const schedule: Array<{ round: number; variant: T }> = [];
  for (let round = 0; round < rounds; round++) for (const variant of variants) schedule.push({ round, variant });
  return schedule;
}

/** `total` split over `parts` as evenly as integers allow, larger shares first; the shares sum to `total`. */
export function shareOf(total: number, parts: number, index: number): number {
  return Math.floor(total / parts) + (index < total % parts ? 1 : 0);
}

/** Repetitions go on until both floors are met: at least `minIterations` and at least `minMs`. */
export function needsMoreIterations(done: number, elapsedMs: number, minIterations: number, minMs: number): boolean {
  return done < minIterations || elapsedMs < minMs;
}

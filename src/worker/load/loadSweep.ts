import type { LoadSweep, PerformanceSweep } from '../../shared/report/schema';
import type { PromptSource } from '../inputs/exactLengthPrompts';
import type { CellPlan } from './loadMetrics';

/** Timed requests per cell and pass when the user does not say: enough for a p90, quick on a small server. */
export const DEFAULT_REQUESTS_PER_CELL = 32;

/**
 * The load settings with every field filled in. `defaults` come from the run: its warmups, its
 * rounds (one timed pass per round, so throughput has a CI over passes) and its seed.
 */
export function resolveLoadSweep(load: Partial<LoadSweep> | undefined, defaults: { warmups: number; rounds: number; seed: number }): LoadSweep {
  const rates = (load?.requestRates ?? []).filter((r) => r === 'inf' || (typeof r === 'number' && r > 0));
  for (const r of load?.requestRates ?? []) {
    if (r !== 'inf' && !(typeof r === 'number' && r > 0 && Number.isFinite(r))) throw new Error(`request rate ${String(r)}: give a positive number of requests per second, or inf to send them all at once`);
  }
  const burstiness = load?.burstiness ?? 1;
  if (!(burstiness > 0)) throw new Error(`burstiness ${burstiness}: give a positive gamma shape (1 = Poisson arrivals, below 1 burstier, above 1 more regular)`);
  const whole = (value: number | undefined, fallback: number, min: number, what: string): number => {
    const v = value ?? fallback;
    if (!Number.isInteger(v) || v < min) throw new Error(`${what} ${v}: give a whole number, at least ${min}`);
    return v;
  };
  return {
    requestRates: rates.length ? [...new Set(rates)] : ['inf'],
    burstiness,
    requestsPerCell: whole(load?.requestsPerCell, DEFAULT_REQUESTS_PER_CELL, 1, 'requests per cell'),
    warmupRequests: whole(load?.warmupRequests, defaults.warmups, 0, 'warmup requests'),
    passes: whole(load?.passes, Math.max(1, defaults.rounds), 1, 'passes'),
    seed: load?.seed ?? defaults.seed,
    fixedLength: load?.fixedLength ?? true,
    slos: load?.slos ?? null,
  };
}

/** Every cell, in the order the lists give: input, output, concurrency, then request rate. Batch sizes are in-process only. */
export function servedCells(sweep: Pick<PerformanceSweep, 'inputLengths' | 'outputLengths' | 'concurrency'>, load: LoadSweep): CellPlan[] {
  const cells: CellPlan[] = [];
  for (const inputTokens of sweep.inputLengths) {
    for (const outputTokens of sweep.outputLengths) {
      for (const concurrency of sweep.concurrency) {
        for (const requestRate of load.requestRates) cells.push({ inputTokens, outputTokens, concurrency, requestRate, burstiness: load.burstiness, fixedLength: load.fixedLength, slos: load.slos });
      }
    }
  }
  return cells;
}

/** Timed requests in one pass of a cell: never fewer than the cell keeps in flight. */
export function requestsPerPass(load: LoadSweep, cell: CellPlan): number {
  return Math.max(load.requestsPerCell, cell.concurrency);
}

/**
 * Prompts `first` … `first + count − 1` of exactLengthPrompts' sequence (the prefix, then
 * consecutive corpus slices), without cutting the ones before. Each request of a run gets its own
 * slice, so a server's prefix cache cannot serve one request from another's prompt — unless the
 * corpus is too short and the slices wrap (`wrapped`).
 */
export function promptSlices(source: PromptSource, length: number, first: number, count: number): { prompts: number[][]; wrapped: boolean } {
  const prefix = source.prefix.slice(0, length);
  const body = length - prefix.length;
  if (source.text.length === 0 && body > 0) throw new Error('the corpus gave no tokens to cut performance prompts from');
  const prompts: number[][] = [];
  for (let p = first; p < first + count; p++) {
    const prompt = prefix.slice();
    for (let i = 0; i < body; i++) prompt.push(source.text[(p * body + i) % source.text.length]!);
    prompts.push(prompt);
  }
  return { prompts, wrapped: (first + count) * body > source.text.length };
}

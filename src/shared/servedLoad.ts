import type { LoadSweep } from './report/schema';

/**
 * How a served variant's performance is swept, as the user gave it: arrival rates, burstiness,
 * requests per cell and the SLOs goodput counts against. The concurrency list and the input/output
 * lengths are the run's performance sweep (`--concurrency`, `--perf-inputs`, `--perf-outputs`).
 * Only what was given: the load generator (src/worker/load/loadSweep.ts, resolveLoadSweep) fills
 * in the rest into the report's LoadSweep, whose field names these are.
 */
export type ServedLoadSettings = Partial<Pick<LoadSweep, 'requestRates' | 'burstiness' | 'requestsPerCell' | 'slos'>>;

/** `1,4,inf` → [1, 4, 'inf']; each rate positive ('inf': every request at once, vLLM's --request-rate inf). */
export function parseRequestRates(text: string): Array<number | 'inf'> {
  const parts = text.split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) throw new Error('needs a comma-separated list of requests per second, e.g. 1,4,inf');
  return parts.map((part) => {
    if (part.toLowerCase() === 'inf') return 'inf';
    const rate = Number(part);
    if (!Number.isFinite(rate) || rate <= 0) throw new Error(`"${part}" is not a positive number of requests per second (or inf)`);
    return rate;
  });
}

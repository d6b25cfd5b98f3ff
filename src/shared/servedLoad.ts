/**
 * How a served variant's performance is measured: a load sweep over HTTP (vLLM's `bench serve`
 * idea) instead of the in-process probe. The concurrency list and the input/output lengths are the
 * run's performance sweep (`--concurrency`, `--perf-inputs`, `--perf-outputs`); this adds what
 * only a server has: arrival rates, burstiness, requests per cell, and the SLOs goodput counts
 * against. Only what the user gave: the load generator (src/worker/load/) fills in its defaults.
 * The fields are named as the report's LoadSweep names them, so the request passes on as it is.
 */
export interface ServedLoadSettings {
  /**
   * Request rates (requests per second) to sweep; 'inf' sends every request at once, as vLLM's
   * `--request-rate inf` (JSON has no Infinity, and this crosses the worker's IPC channel).
   */
  requestRates?: Array<number | 'inf'>;
  /** Gamma shape of the inter-arrival times: 1 is Poisson, below 1 burstier, above 1 steadier (vLLM --burstiness). */
  burstiness?: number;
  /** Requests measured per cell and pass (vLLM --num-prompts), after the run's warmups. */
  requestsPerCell?: number;
  /** Goodput counts a request only when it meets every SLO given (DistServe's definition, as vLLM uses it). */
  slos?: ServedSlos;
}

/**
 * Service-level objectives in milliseconds, under vLLM's `--goodput` names (ttft:500 tpot:50
 * e2el:2000); the same shape as the report's LoadSweep.slos (helper C's schema).
 */
export interface ServedSlos {
  ttft?: number;
  tpot?: number;
  e2el?: number;
}

/** The SLO keys `--slo` takes, as vLLM's --goodput names them. */
export const SLO_KEYS: ReadonlyArray<keyof ServedSlos> = ['ttft', 'tpot', 'e2el'];

/** `ttft:500,tpot:50` → { ttft: 500, tpot: 50 }; throws an Error with the sentence to show (the caller names the flag). */
export function parseSlo(text: string): ServedSlos {
  const slo: ServedSlos = {};
  const parts = text.split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) throw new Error(`needs key:milliseconds pairs, e.g. ttft:500,tpot:50 (keys ${SLO_KEYS.join(', ')})`);
  for (const part of parts) {
    const [key, value, ...extra] = part.split(':');
    const field = SLO_KEYS.find((k) => k === key?.trim());
    if (!field) throw new Error(`unknown SLO "${key}" in "${part}"; the keys are ${SLO_KEYS.join(', ')} (milliseconds)`);
    const ms = Number(value);
    if (extra.length || value === undefined || value.trim() === '' || !Number.isFinite(ms) || ms <= 0) throw new Error(`"${part}" needs a positive number of milliseconds, e.g. ${key}:500`);
    if (slo[field] !== undefined) throw new Error(`${key} is given twice`);
    slo[field] = ms;
  }
  return slo;
}

/** `1,4,inf` → [1, 4, 'inf']; each rate positive. */
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

/** The SLOs as the user writes them, for messages and the run card's methods. */
export function describeSlo(slo: ServedSlos | undefined): string {
  const given = SLO_KEYS.filter((key) => slo?.[key] !== undefined);
  return given.length ? given.map((key) => `${key} ≤ ${slo![key]} ms`).join(', ') : 'no SLOs';
}

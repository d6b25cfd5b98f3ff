import type { GoodputFigures, OutputLengthCheck, PerformanceCell, ServedMetricDefinitions, ServedSlos } from '../../shared/report/schema';
import { isNoisy } from '../../shared/perf/noise';
import { DistributionSummary, summarizeDistribution } from '../../shared/stats/summary';
import type { StreamedRequest } from './loadTarget';
import { meetsSlos } from './slo';

/** Every figure of a served cell, defined once; stored in each served unit so the report says which convention it follows. */
export const SERVED_METRIC_DEFINITIONS: ServedMetricDefinitions = {
  convention: "vLLM's `vllm bench serve` (vllm/benchmarks/serve.py, calculate_metrics); times are client-side, from when the request was written to the socket",
  ttft: 'TTFT: request sent → first chunk carrying a token arrived',
  itl: 'ITL: every gap between consecutive token-carrying chunks of a request, pooled over requests (a chunk with several tokens is one gap, as in vLLM; AIPerf calls these chunk gaps "ICL")',
  tpot: 'TPOT: (E2E − TTFT) / (output tokens − 1) per request, only for requests with more than one output token (AIPerf calls this "ITL"; guidellm\'s TPOT includes the first token)',
  e2el: 'E2E latency: request sent → last token-carrying chunk arrived',
  requestThroughput: 'request throughput: completed requests / benchmark duration (first arrival scheduled → last request done); failed requests excluded',
  outputThroughput: 'output throughput: Σ output tokens of completed requests (usage.completion_tokens where the server gives it) / benchmark duration',
  goodput: "goodput (DistServe, as vLLM's --goodput): completed requests meeting every SLO (value ≤ SLO; TPOT counts as 0 for one-token requests) / benchmark duration",
  statistics: 'mean, median, p90, p99 (linear interpolation at f·(n − 1), as numpy.percentile), std with n − 1 (vLLM prints numpy\'s population std), 95% CI of the mean (Student t); throughput and goodput per pass, so their CI is over passes',
};

/** One timed request as the load generator saw it. */
export interface RequestRecord {
  replica: number;
  inputTokens: number;
  /** When it was due to arrive (its scheduled arrival, on the load clock); sentAtMs − this is the client queue time. */
  arrivedAtMs: number;
  result: StreamedRequest;
}

/** One timed pass of a cell. */
export interface PassRecord {
  durationMs: number;
  requests: RequestRecord[];
  peakInFlight: number;
}

/** A request failed when the target says so, or when no chunk carried a token (vLLM: "Never received a valid chunk"). */
export function failureOf(r: StreamedRequest): string | null {
  if (r.error !== undefined) return r.error;
  if (r.chunkTimesMs.length === 0) return 'the stream ended without a token-carrying chunk';
  return null;
}

export interface CellPlan {
  inputTokens: number;
  outputTokens: number;
  concurrency: number;
  requestRate: number | 'inf';
  burstiness: number;
  fixedLength: boolean;
  slos: ServedSlos | null;
}

/**
 * A served cell's statistics over its passes, by the definitions above. Latency figures pool every
 * completed request of every pass; throughput and goodput are one value per pass. Throws when no
 * request of the cell completed (there is no latency to report), naming the first error.
 */
export function summarizeServedCell(plan: CellPlan, passes: readonly PassRecord[], hosts: readonly string[]): PerformanceCell {
  let completed = 0;
  let gaps = 0;
  for (const p of passes) for (const r of p.requests) if (failureOf(r.result) === null) {
    completed++;
    gaps += r.result.chunkTimesMs.length - 1;
  }
  const sent = passes.reduce((n, p) => n + p.requests.length, 0);
  const errors = new Map<string, number>();
  for (const p of passes) for (const r of p.requests) {
    const e = failureOf(r.result);
    if (e !== null) errors.set(e, (errors.get(e) ?? 0) + 1);
  }
  if (completed === 0) {
    const first = [...errors.keys()][0] ?? 'no request was sent';
    throw new Error(`every one of the ${sent} requests at ${cellLabel(plan)} failed (${first})`);
  }
  // Preallocated: one slot per completed request (ITL: per gap), filled in one sweep.
  const ttft = new Float64Array(completed);
  const e2e = new Float64Array(completed);
  const itl = new Float64Array(gaps);
  const queue = new Float64Array(completed);
  const tpot: number[] = [];
  const lengths: number[] = [];
  const tpotByPass: number[] = [];
  const outPerSecond: number[] = [];
  const reqPerSecond: number[] = [];
  const goodPerSecond: number[] = [];
  const replicaRequests = hosts.map(() => 0);
  const replicaFailed = hosts.map(() => 0);
  let k = 0;
  let g = 0;
  let good = 0;
  let notHonoured = 0;
  let outTotal = 0;
  let inTotal = 0;
  let seconds = 0;
  for (const pass of passes) {
    let passOut = 0;
    let passDone = 0;
    let passGood = 0;
    let passTpot = 0;
    let passTpotN = 0;
    for (const r of pass.requests) {
      replicaRequests[r.replica] = (replicaRequests[r.replica] ?? 0) + 1;
      const s = r.result;
      if (failureOf(s) !== null) {
        replicaFailed[r.replica] = (replicaFailed[r.replica] ?? 0) + 1;
        continue;
      }
      const times = s.chunkTimesMs;
      const first = times[0]! - s.sentAtMs;
      const total = times[times.length - 1]! - s.sentAtMs;
      ttft[k] = first;
      e2e[k] = total;
      queue[k] = s.sentAtMs - r.arrivedAtMs;
      k++;
      for (let i = 1; i < times.length; i++) itl[g++] = times[i]! - times[i - 1]!;
      const n = s.outputTokens;
      const perToken = n > 1 ? (total - first) / (n - 1) : null;
      if (perToken !== null) {
        tpot.push(perToken);
        passTpot += perToken;
        passTpotN++;
      }
      lengths.push(n);
      if (plan.fixedLength && (!s.fixedLengthHonoured || n !== plan.outputTokens)) notHonoured++;
      if (plan.slos && meetsSlos(plan.slos, first, perToken ?? 0, total)) {
        good++;
        passGood++;
      }
      passOut += n;
      passDone++;
      inTotal += r.inputTokens;
    }
    const s = pass.durationMs / 1000;
    seconds += s;
    outTotal += passOut;
    outPerSecond.push(passOut / s);
    reqPerSecond.push(passDone / s);
    goodPerSecond.push(passGood / s);
    tpotByPass.push(passTpotN ? passTpot / passTpotN : NaN);
  }
  const tpotMs = tpot.length ? summarize(tpot) : null;
  const ttftMs = summarize(ttft);
  const goodput: GoodputFigures | null = plan.slos
    ? { slos: plan.slos, goodRequests: good, requestGoodput: good / seconds, requestGoodputByPass: summarize(goodPerSecond), goodShare: sent ? good / sent : 0 }
    : null;
  return {
    inputTokens: plan.inputTokens,
    outputTokens: plan.outputTokens,
    batchSize: 1,
    concurrency: plan.concurrency,
    iterations: sent,
    seconds,
    prefillMs: null,
    ttftMs,
    tpotMs,
    itlMs: gaps ? summarize(itl) : null,
    e2eMs: summarize(e2e),
    outputTokensPerSecond: summarize(outPerSecond),
    requestsPerSecond: summarize(reqPerSecond),
    tpotMsByRound: tpotMs ? tpotByPass.map((x) => (Number.isFinite(x) ? x : 0)) : [],
    peakRssBytes: null,
    kvCacheBytes: null,
    outputLength: lengthCheck(lengths, plan.outputTokens),
    noisy: isNoisy(tpotMs ?? ttftMs),
    served: {
      requestRate: plan.requestRate,
      burstiness: plan.burstiness,
      passes: passes.length,
      requests: sent,
      completed,
      failed: sent - completed,
      errors: [...errors].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([message, count]) => ({ message, count })),
      requestThroughput: completed / seconds,
      outputThroughput: outTotal / seconds,
      totalTokenThroughput: (inTotal + outTotal) / seconds,
      goodput,
      clientQueueMs: summarize(queue),
      peakInFlight: Math.max(0, ...passes.map((p) => p.peakInFlight)),
      fixedLength: { asked: plan.fixedLength, honoured: notHonoured === 0, notHonouredRequests: notHonoured },
      replicas: hosts.map((host, i) => ({ host, requests: replicaRequests[i]!, failed: replicaFailed[i]! })),
    },
  };
}

/**
 * summarizeDistribution, with the coefficient of variation 0 where every value is 0 (no client
 * queueing, no good request): std/mean is 0/0 there, and a NaN would reach the report as null.
 */
function summarize(values: ArrayLike<number>): DistributionSummary {
  const d = summarizeDistribution(values);
  return Number.isNaN(d.cv) && d.std === 0 ? { ...d, cv: 0 } : d;
}

function lengthCheck(lengths: readonly number[], expected: number): OutputLengthCheck {
  let min = Infinity;
  let max = -Infinity;
  for (const n of lengths) {
    if (n < min) min = n;
    if (n > max) max = n;
  }
  // The stream carries text, not ids: whether an EOS would have stopped decoding is not visible.
  return { expected, min, max, drift: min !== expected || max !== expected, eosBeforeEnd: null, medianEosIndex: null };
}

export function cellLabel(plan: Pick<CellPlan, 'inputTokens' | 'outputTokens' | 'concurrency' | 'requestRate'>): string {
  return `in ${plan.inputTokens} · out ${plan.outputTokens} · conc ${plan.concurrency} · rate ${plan.requestRate === 'inf' ? 'inf' : `${plan.requestRate}/s`}`;
}

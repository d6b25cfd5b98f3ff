import { SeededRandom } from '../../shared/stats/seededRandom';

/**
 * Request arrival times as vLLM's `get_request` (vllm/benchmarks/serve.py) makes them: each gap is
 * gamma-distributed with shape = burstiness and scale = 1 / (rate × burstiness), so the mean gap is
 * 1 / rate whatever the burstiness and burstiness 1 is a Poisson process (exponential gaps); the
 * gaps are summed from the first (the first request waits one gap too) and the sum is rescaled so
 * the last request arrives at exactly n / rate — vLLM does that to make throughput stable across
 * seeds. Rate 'inf' sends everything at once; burstiness Infinity makes every gap 1 / rate.
 * Returns offsets in ms from the start of the pass.
 */
export function arrivalOffsetsMs(n: number, rate: number | 'inf', burstiness: number, seed: number | string): Float64Array {
  const offsets = new Float64Array(n);
  if (rate === 'inf' || n === 0) return offsets;
  checkRate(rate, burstiness);
  const gaps = burstiness === Infinity ? new Float64Array(n).fill(1 / rate) : gammaGaps(new SeededRandom(seed), n, rate, burstiness);
  let sum = 0;
  for (let i = 0; i < n; i++) offsets[i] = sum += gaps[i]!;
  const scale = sum > 0 ? n / rate / sum : 0;
  for (let i = 0; i < n; i++) offsets[i] = offsets[i]! * scale * 1000;
  return offsets;
}

/** `n` gaps in seconds with mean 1 / rate: Gamma(shape = burstiness, scale = 1 / (rate · burstiness)). */
export function gammaGaps(rng: SeededRandom, n: number, rate: number, burstiness: number): Float64Array {
  checkRate(rate, burstiness);
  const scale = 1 / (rate * burstiness);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = standardGamma(rng, burstiness) * scale;
  return out;
}

function checkRate(rate: number, burstiness: number): void {
  if (!(rate > 0)) throw new Error(`request rate ${rate}: give a positive number of requests per second, or inf to send them all at once`);
  if (!(burstiness > 0)) throw new Error(`burstiness ${burstiness}: give a positive gamma shape (1 = Poisson arrivals, below 1 burstier, above 1 more regular)`);
}

/**
 * Gamma(shape, 1) by Marsaglia and Tsang (ACM TOMS 26(3), 2000); for shape < 1 the boost
 * Gamma(a) = Gamma(a + 1) · U^(1/a). Shape 1 is drawn directly as an exponential.
 */
export function standardGamma(rng: SeededRandom, shape: number): number {
  if (shape === 1) return -Math.log(1 - rng.uniform());
  if (shape < 1) return standardGamma(rng, shape + 1) * Math.pow(1 - rng.uniform(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.uniform();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Box–Muller (one of the pair; simple and exact). */
function standardNormal(rng: SeededRandom): number {
  const u = 1 - rng.uniform();
  const v = rng.uniform();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

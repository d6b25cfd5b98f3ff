/**
 * Log-likelihood metrics as EleutherAI lm-evaluation-harness defines them (lm_eval/api/task.py
 * `process_results` for multiple_choice; lm_eval/api/metrics.py), pass@k as openai/human-eval
 * estimates it, and calibration ECE as HELM reports it.
 */

/** numpy argmax: the first index of the maximum (NaN counts as the maximum, as in numpy). */
export function argmax(values: readonly number[]): number {
  let best = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) return i;
    if (best === -1 || v > values[best]!) best = i;
  }
  return best;
}

export function isGold(choice: number, gold: number | readonly number[]): boolean {
  return typeof gold === 'number' ? choice === gold : gold.includes(choice);
}

export type ChoiceNormalization = 'none' | 'chars' | 'bytes';

/**
 * The chosen answer: argmax of the log-likelihoods ('none': acc), of log-likelihood / length in
 * characters ('chars': acc_norm; Python len, i.e. code points) or / length in UTF-8 bytes
 * ('bytes': acc_bytes). An empty choice scores −∞ under normalization rather than dividing by 0.
 */
export function chooseAnswer(logLikelihoods: readonly number[], choices: readonly string[], normalization: ChoiceNormalization): number {
  if (normalization === 'none') return argmax(logLikelihoods);
  const scores = logLikelihoods.map((ll, i) => {
    const choice = choices[i] ?? '';
    const length = normalization === 'chars' ? Array.from(choice).length : utf8Length(choice);
    return length > 0 ? ll / length : -Infinity;
  });
  return argmax(scores);
}

export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * human-eval `estimate_pass_at_k` for one problem: 1 − C(n−c, k)/C(n, k), computed as
 * 1 − Π_{i=n−c+1}^{n} (1 − k/i) so large n does not overflow.
 */
export function passAtK(n: number, c: number, k: number): number {
  if (n - c < k) return 1;
  let product = 1;
  for (let i = n - c + 1; i <= n; i++) product *= 1 - k / i;
  return 1 - product;
}

export interface CalibrationResult {
  /** Expected calibration error in [0, 1]. */
  ece: number;
  /** Bins actually used (fewer than requested when there are fewer examples or tied edges). */
  bins: number;
  n: number;
}

/**
 * ECE with equal-mass bins, as HELM computes `ece_10_bin` through the `calibration` library
 * (`get_ece_em`: `get_equal_bins` + `plugin_ce` with p = 1): sort the probabilities, split them into
 * `numBins` nearly equal parts (numpy.array_split: the first n mod bins parts get one extra), put a
 * bin edge halfway between neighbouring parts, assign each example with bisect_left, and sum
 * |mean(probability) − mean(correct)| weighted by bin size.
 */
export function expectedCalibrationError(
  probabilities: ArrayLike<number>,
  correct: ArrayLike<number | boolean>,
  numBins = 10,
  indices?: ArrayLike<number>,
): CalibrationResult {
  const n = indices ? indices.length : probabilities.length;
  if (n === 0) return { ece: NaN, bins: 0, n };
  const probs = new Float64Array(n);
  const labels = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const i = indices ? indices[k]! : k;
    probs[k] = probabilities[i]!;
    labels[k] = Number(correct[i]!);
  }
  const { edges, assignment } = equalMassBins(probs, numBins);
  const sums = new Float64Array(edges.length + 1);
  const counts = new Float64Array(edges.length + 1);
  for (let k = 0; k < n; k++) {
    sums[assignment[k]!] += probs[k]! - labels[k]!;
    counts[assignment[k]!] += 1;
  }
  let ece = 0;
  for (let b = 0; b < sums.length; b++) if (counts[b]) ece += (counts[b]! / n) * Math.abs(sums[b]! / counts[b]!);
  return { ece, bins: edges.length, n };
}

/**
 * HELM's equal-mass bins (calibration library `get_equal_bins`): sort, split into `numBins` nearly
 * equal parts (numpy.array_split), an edge halfway between neighbouring parts and a last edge of 1,
 * duplicates dropped; each value goes to bisect_left(edges, value). ECE and the reliability diagram
 * (src/shared/calibration/reliability.ts) share these bins.
 */
export function equalMassBins(values: ArrayLike<number>, numBins: number): { edges: number[]; assignment: Int32Array } {
  const n = values.length;
  const assignment = new Int32Array(n);
  if (n === 0) return { edges: [], assignment };
  const sorted = Float64Array.from(values).sort();
  const parts = Math.min(numBins, n);
  const edgesList: number[] = [];
  const base = Math.floor(n / parts);
  const extra = n % parts;
  let start = 0;
  for (let b = 0; b < parts - 1; b++) {
    const size = base + (b < extra ? 1 : 0);
    const end = start + size;
    edgesList.push((sorted[end - 1]! + sorted[end]!) / 2);
    start = end;
  }
  edgesList.push(1);
  const edges = [...new Set(edgesList)].sort((a, b) => a - b);
  for (let k = 0; k < n; k++) assignment[k] = bisectLeft(edges, values[k]!);
  return { edges, assignment };
}

function bisectLeft(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Below this many examples ECE's binning bias dominates; the metric says so. */
export const ECE_MIN_EXAMPLES = 300;

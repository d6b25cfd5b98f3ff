/**
 * Per-token comparison of two next-token distributions given as raw logits, computed in float64
 * with a stable log-sum-exp over the FULL vocabulary (no top-k approximation).
 */
export interface TokenComparison {
  /** KL(base ‖ variant) = Σ P (ln P − ln Q). */
  kld: number;
  /** KL(variant ‖ base). */
  reverseKld: number;
  /** Q(x) − P(x) for the actual next token x. */
  deltaP: number;
  /** −ln P(x). */
  nllBase: number;
  /** −ln Q(x). */
  nllVariant: number;
  sameTop: boolean;
}

/** Scratch for the two distributions' exp(x − max), reused across calls (no allocation per token). */
let scratchP = new Float64Array(0);
let scratchQ = new Float64Array(0);

/**
 * ln Σ exp(row) and the argmax: one pass for the max, one for the sum. With `out`, also keeps each
 * exp(row − max) so a caller can form probabilities without a second exp per entry.
 */
export function logSumExp(row: ArrayLike<number>, offset: number, length: number, out?: Float64Array): { lse: number; argmax: number; max: number } {
  let max = -Infinity;
  let argmax = 0;
  for (let i = 0; i < length; i++) {
    const v = row[offset + i]!;
    if (v > max) {
      max = v;
      argmax = i;
    }
  }
  let sum = 0;
  if (out) for (let i = 0; i < length; i++) sum += out[i] = Math.exp(row[offset + i]! - max);
  else for (let i = 0; i < length; i++) sum += Math.exp(row[offset + i]! - max);
  return { lse: max + Math.log(sum), argmax, max };
}

/**
 * Compares position `offset` of two logits buffers laid out [positions × vocab]. `target` is the
 * token that actually came next.
 *
 * With x, y the two logit rows and P = softmax(x), Q = softmax(y), ln P_i − ln Q_i =
 * (x_i − y_i) − (lse_x − lse_y), and Σ P_i = 1, so KL(P ‖ Q) = Σ P_i (x_i − y_i) − lse_x + lse_y:
 * one exp per entry per distribution instead of three.
 */
export function compareTokenDistributions(
  base: ArrayLike<number>,
  variant: ArrayLike<number>,
  offset: number,
  vocab: number,
  target: number,
): TokenComparison {
  if (scratchP.length < vocab) {
    scratchP = new Float64Array(vocab);
    scratchQ = new Float64Array(vocab);
  }
  const p = logSumExp(base, offset, vocab, scratchP);
  const q = logSumExp(variant, offset, vocab, scratchQ);
  const normP = Math.exp(p.max - p.lse);
  const normQ = Math.exp(q.max - q.lse);
  let forward = 0;
  let reverse = 0;
  for (let i = 0; i < vocab; i++) {
    const diff = base[offset + i]! - variant[offset + i]!;
    forward += scratchP[i]! * diff;
    reverse -= scratchQ[i]! * diff;
  }
  const lseDiff = p.lse - q.lse;
  const logPx = base[offset + target]! - p.lse;
  const logQx = variant[offset + target]! - q.lse;
  return {
    // Rounding can leave a tiny negative where the distributions are identical.
    kld: Math.max(forward * normP - lseDiff, 0),
    reverseKld: Math.max(reverse * normQ + lseDiff, 0),
    deltaP: Math.exp(logQx) - Math.exp(logPx),
    nllBase: -logPx,
    nllVariant: -logQx,
    sameTop: p.argmax === q.argmax,
  };
}

/** −ln P(target) at one position, for perplexity of a single model. */
export function negativeLogLikelihood(logits: ArrayLike<number>, offset: number, vocab: number, target: number): { nll: number; argmax: number } {
  const { lse, argmax } = logSumExp(logits, offset, vocab);
  return { nll: lse - logits[offset + target]!, argmax };
}

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

/** ln Σ exp(row) and the argmax: one pass for the max, one for the sum. */
export function logSumExp(row: ArrayLike<number>, offset: number, length: number): { lse: number; argmax: number; max: number } {
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
  for (let i = 0; i < length; i++) sum += Math.exp(row[offset + i]! - max);
  return { lse: max + Math.log(sum), argmax, max };
}

/**
 * Compares position `offset` of two logits buffers laid out [positions × vocab]. `target` is the
 * token that actually came next.
 *
 * With x, y the two logit rows and P = softmax(x), Q = softmax(y), ln P_i − ln Q_i =
 * (x_i − y_i) − (lse_x − lse_y), and Σ P_i = 1, so KL(P ‖ Q) = Σ P_i (x_i − y_i) − lse_x + lse_y:
 * one exp per entry per distribution instead of three.
 *
 * Two passes over both rows, not five: the maxima, then every sum at once. Σ exp(x_i − max) and
 * Σ exp(x_i − max)·(x_i − y_i) need only the max, and the normalisation is applied after the loop,
 * so nothing is stored per entry. Each sum still adds the same terms in the same order as separate
 * passes would, so the results are the same to the last bit; this is the per-token cost of a
 * fidelity pass (× the vocabulary), so it matters at 150k-token vocabularies.
 */
export function compareTokenDistributions(
  base: ArrayLike<number>,
  variant: ArrayLike<number>,
  offset: number,
  vocab: number,
  target: number,
): TokenComparison {
  let maxP = -Infinity;
  let maxQ = -Infinity;
  let argmaxP = 0;
  let argmaxQ = 0;
  for (let i = 0; i < vocab; i++) {
    const x = base[offset + i]!;
    const y = variant[offset + i]!;
    if (x > maxP) {
      maxP = x;
      argmaxP = i;
    }
    if (y > maxQ) {
      maxQ = y;
      argmaxQ = i;
    }
  }
  let sumP = 0;
  let sumQ = 0;
  let forward = 0;
  let reverse = 0;
  for (let i = 0; i < vocab; i++) {
    const x = base[offset + i]!;
    const y = variant[offset + i]!;
    const p = Math.exp(x - maxP);
    const q = Math.exp(y - maxQ);
    sumP += p;
    sumQ += q;
    const diff = x - y;
    forward += p * diff;
    reverse -= q * diff;
  }
  const lseP = maxP + Math.log(sumP);
  const lseQ = maxQ + Math.log(sumQ);
  const normP = Math.exp(maxP - lseP);
  const normQ = Math.exp(maxQ - lseQ);
  const lseDiff = lseP - lseQ;
  const logPx = base[offset + target]! - lseP;
  const logQx = variant[offset + target]! - lseQ;
  return {
    // Rounding can leave a tiny negative where the distributions are identical.
    kld: Math.max(forward * normP - lseDiff, 0),
    reverseKld: Math.max(reverse * normQ + lseDiff, 0),
    deltaP: Math.exp(logQx) - Math.exp(logPx),
    nllBase: -logPx,
    nllVariant: -logQx,
    sameTop: argmaxP === argmaxQ,
  };
}

/** −ln P(target) at one position, for perplexity of a single model. */
export function negativeLogLikelihood(logits: ArrayLike<number>, offset: number, vocab: number, target: number): { nll: number; argmax: number } {
  const { lse, argmax } = logSumExp(logits, offset, vocab);
  return { nll: lse - logits[offset + target]!, argmax };
}

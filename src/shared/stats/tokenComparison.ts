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

/** ln Σ exp(row) and the argmax, in one pass for the max and one for the sum. */
export function logSumExp(row: ArrayLike<number>, offset: number, length: number): { lse: number; argmax: number } {
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
  return { lse: max + Math.log(sum), argmax };
}

/**
 * Compares position `t` of two logits buffers laid out [positions × vocab]. `target` is the token
 * that actually came next.
 */
export function compareTokenDistributions(
  base: ArrayLike<number>,
  variant: ArrayLike<number>,
  offset: number,
  vocab: number,
  target: number,
): TokenComparison {
  const p = logSumExp(base, offset, vocab);
  const q = logSumExp(variant, offset, vocab);
  let kld = 0;
  let reverseKld = 0;
  for (let i = 0; i < vocab; i++) {
    const logP = base[offset + i]! - p.lse;
    const logQ = variant[offset + i]! - q.lse;
    const diff = logP - logQ;
    kld += Math.exp(logP) * diff;
    reverseKld -= Math.exp(logQ) * diff;
  }
  const logPx = base[offset + target]! - p.lse;
  const logQx = variant[offset + target]! - q.lse;
  return {
    // Rounding can leave a tiny negative where the distributions are identical.
    kld: Math.max(kld, 0),
    reverseKld: Math.max(reverseKld, 0),
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

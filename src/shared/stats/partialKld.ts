/**
 * KL divergence between two next-token distributions when one or both are known only on some ids
 * (a server that returns its top-k log-probabilities, vLLM's default 20, TGI's 5).
 *
 * With S the ids known on both sides, every other id is merged into one tail bucket
 * (p_T = 1 − Σ_S p, q_T = 1 − Σ_S q). By the log-sum inequality Σ_T p ln(p/q) ≥ p_T ln(p_T/q_T), so
 *
 *   KL_merged = Σ_S p ln(p/q) + p_T ln(p_T/q_T)  ≤  KL(P‖Q)
 *
 * is a lower bound (a coarser partition can only lose divergence). The gap is p_T times the KL of
 * the renormalised tails, which nothing returned bounds: report p_T beside the bound. When S covers
 * the vocabulary (both rows full) the tails are empty and the bound is the exact KL. The reverse
 * direction KL(Q‖P) has the same bound with the roles swapped.
 *
 * Tails. A full row's tail is summed directly over the ids outside S (no cancellation). A partial
 * row's is 1 − Σ_S, and below `tailFloor` (default 1e-6, above the rounding of ~20 float32
 * probabilities a server sums from) it is taken as 0: a server's rounded log-probabilities can sum
 * to 1 or past it, and a residue that small is rounding, not mass. Where such a zeroed tail would
 * divide a positive one (q_T = 0, p_T > 0) it is raised to the floor: the term p_T ln(p_T/q_T) only
 * falls as q_T rises, so the bound stays a lower bound of any true tail under the floor and stays
 * finite (`tailFloored` says it happened). A full row's tail of exactly 0 with p_T > 0 means Q gives
 * those ids no mass: the divergence is +∞ and so is the bound. p_T = 0 contributes 0. Zeroing a
 * partial numerator tail under the floor can lift the bound by at most floor · ln(q_T/floor)
 * (≈ 1.4e-5 nats at the default): the precision of the inputs, documented, not hidden.
 */

/** A row known on every id: ln P, normalised (log-softmax), at `offset` of `logprobs`. */
export interface FullRow {
  kind: 'full';
  logprobs: ArrayLike<number>;
  offset: number;
  vocab: number;
}

/** A row known on some ids (a server's top-k, the actual next token, any ids asked for). */
export interface SparseRow {
  kind: 'sparse';
  /** Distinct ids; `logprobs[j]` = ln P(ids[j]), normalised over the whole vocabulary. */
  ids: ArrayLike<number>;
  logprobs: ArrayLike<number>;
  /** The row holds the distribution's most likely id (a top-k with k ≥ 1), so its argmax is known. */
  holdsTop: boolean;
}

export type KnownRow = FullRow | SparseRow;

export interface KldBoundOptions {
  /** The least a partial row's tail is taken to be when it divides (see above). */
  tailFloor?: number;
}

export interface KldBoundToken {
  /** KL_merged(P‖Q) ≤ KL(P‖Q); exact when `exact`. */
  kld: number;
  /** KL_merged(Q‖P) ≤ KL(Q‖P). */
  reverseKld: number;
  /** p_T: the baseline's mass outside S. */
  baseTail: number;
  /** q_T: the variant's mass outside S. */
  variantTail: number;
  /** |S|. */
  shared: number;
  /** Both rows full: S is the vocabulary and the figures are exact. */
  exact: boolean;
  /** Q(x) − P(x) of the actual next token, null when x is unknown on a side. */
  deltaP: number | null;
  nllBase: number | null;
  nllVariant: number | null;
  /** argmax P = argmax Q, null when a side's argmax is unknown. */
  sameTop: boolean | null;
  /** A partial row's tail was raised to the floor where it divided a positive tail. */
  tailFloored: boolean;
}

export const DEFAULT_TAIL_FLOOR = 1e-6;

/** ln P of every id of a row of logits (or log-probabilities): logits − lse, in float64. */
export function logSoftmaxRow(row: ArrayLike<number>, offset: number, vocab: number): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < vocab; i++) max = Math.max(max, row[offset + i]!);
  let sum = 0;
  for (let i = 0; i < vocab; i++) sum += Math.exp(row[offset + i]! - max);
  const lse = max + Math.log(sum);
  const out = new Float64Array(vocab);
  for (let i = 0; i < vocab; i++) out[i] = row[offset + i]! - lse;
  return out;
}

/** The `k` most likely ids of a full row, most likely first (ties to the lower id). */
export function topIds(row: FullRow, k: number): number[] {
  const best: number[] = [];
  if (k <= 0) return best;
  for (let i = 0; i < row.vocab; i++) {
    const v = row.logprobs[row.offset + i]!;
    if (best.length === k && v <= row.logprobs[row.offset + best[k - 1]!]!) continue;
    let at = best.length < k ? best.length : k - 1;
    best[at] = i;
    while (at > 0 && row.logprobs[row.offset + best[at - 1]!]! < v) {
      best[at] = best[at - 1]!;
      best[at - 1] = i;
      at--;
    }
  }
  return best;
}

function logprobOf(row: KnownRow, id: number, index?: Map<number, number>): number | undefined {
  if (row.kind === 'full') return id >= 0 && id < row.vocab ? row.logprobs[row.offset + id]! : undefined;
  const j = index?.get(id);
  return j === undefined ? undefined : row.logprobs[j]!;
}

function argmaxOf(row: KnownRow): number | undefined {
  if (row.kind === 'sparse' && (!row.holdsTop || row.ids.length === 0)) return undefined;
  const n = row.kind === 'full' ? row.vocab : row.ids.length;
  let best = 0;
  let max = -Infinity;
  for (let j = 0; j < n; j++) {
    const v = row.kind === 'full' ? row.logprobs[row.offset + j]! : row.logprobs[j]!;
    if (v > max) {
      max = v;
      best = j;
    }
  }
  return row.kind === 'full' ? best : row.ids[best]!;
}

function indexOf(row: SparseRow): Map<number, number> {
  const index = new Map<number, number>();
  for (let j = 0; j < row.ids.length; j++) index.set(row.ids[j]!, j);
  return index;
}

/** p ln(p/q) for one merged bucket, with 0 ln 0 = 0. */
function bucketTerm(p: number, q: number): number {
  if (p <= 0) return 0;
  if (q <= 0) return Infinity;
  return p * Math.log(p / q);
}

/**
 * The lower bounds of KL(P‖Q) and KL(Q‖P) for P the baseline's row and Q the variant's, and the
 * figures that need only the actual next token `target` (Δp, NLLs) and the argmaxes (same top).
 */
export function kldLowerBound(base: KnownRow, variant: KnownRow, target: number, options: KldBoundOptions = {}): KldBoundToken {
  const floor = options.tailFloor ?? DEFAULT_TAIL_FLOOR;
  const baseIndex = base.kind === 'sparse' ? indexOf(base) : undefined;
  const variantIndex = variant.kind === 'sparse' ? indexOf(variant) : undefined;
  const exact = base.kind === 'full' && variant.kind === 'full';
  if (exact && base.vocab !== variant.vocab) throw new Error(`the two rows have vocabularies of ${base.vocab} and ${variant.vocab} ids`);

  // S: the ids of the sparser side that the other side knows too.
  const sharedIds: number[] = [];
  if (exact) for (let i = 0; i < base.vocab; i++) sharedIds.push(i);
  else {
    const [driver, other, otherIndex] = base.kind === 'sparse' ? [base, variant, variantIndex] : [variant as SparseRow, base, baseIndex];
    for (let j = 0; j < driver.ids.length; j++) if (logprobOf(other, driver.ids[j]!, otherIndex) !== undefined) sharedIds.push(driver.ids[j]!);
  }

  let forward = 0;
  let reverse = 0;
  // Σ_S p and Σ_S q without their largest terms, which enter the tails as −expm1(ln p_max): a tail
  // of 1e-9 beside a top of 0.999999999 keeps its digits instead of cancelling in 1 − Σ.
  let pS = 0;
  let qS = 0;
  let pMax = -Infinity;
  let qMax = -Infinity;
  const inS = exact ? undefined : new Set(sharedIds);
  for (const id of sharedIds) {
    const lp = logprobOf(base, id, baseIndex)!;
    const lq = logprobOf(variant, id, variantIndex)!;
    const p = Math.exp(lp);
    const q = Math.exp(lq);
    if (lp > pMax) [pS, pMax] = [pS + (pMax === -Infinity ? 0 : Math.exp(pMax)), lp];
    else pS += p;
    if (lq > qMax) [qS, qMax] = [qS + (qMax === -Infinity ? 0 : Math.exp(qMax)), lq];
    else qS += q;
    // ln(p/q) as lp − lq: no underflow of tiny probabilities into 0/0.
    if (p > 0) forward += lq === -Infinity ? Infinity : p * (lp - lq);
    if (q > 0) reverse += lp === -Infinity ? Infinity : q * (lq - lp);
  }

  const tailOf = (row: KnownRow, restS: number, maxS: number): number => {
    if (exact) return 0;
    if (row.kind === 'sparse') {
      const tail = -Math.expm1(maxS) - restS;
      // Below the floor a partial row's tail is rounding, not mass: 0.
      return tail < floor ? 0 : tail;
    }
    let tail = 0;
    for (let i = 0; i < row.vocab; i++) if (!inS!.has(i)) tail += Math.exp(row.logprobs[row.offset + i]!);
    return tail;
  };
  const baseTail = tailOf(base, pS, pMax);
  const variantTail = tailOf(variant, qS, qMax);
  let tailFloored = false;
  const divisor = (row: KnownRow, tail: number, over: number): number => {
    if (row.kind === 'full' || over <= 0 || tail >= floor) return tail;
    tailFloored = true;
    return floor;
  };
  const forwardTail = bucketTerm(baseTail, divisor(variant, variantTail, baseTail));
  const reverseTail = bucketTerm(variantTail, divisor(base, baseTail, variantTail));

  const lpx = logprobOf(base, target, baseIndex);
  const lqx = logprobOf(variant, target, variantIndex);
  const topP = argmaxOf(base);
  const topQ = argmaxOf(variant);
  return {
    // Rounding can leave a tiny negative where the distributions agree (as compareTokenDistributions clamps).
    kld: Math.max(forward + forwardTail, 0),
    reverseKld: Math.max(reverse + reverseTail, 0),
    baseTail,
    variantTail,
    shared: sharedIds.length,
    exact,
    deltaP: lpx !== undefined && lqx !== undefined ? Math.exp(lqx) - Math.exp(lpx) : null,
    nllBase: lpx !== undefined ? -lpx : null,
    nllVariant: lqx !== undefined ? -lqx : null,
    sameTop: topP !== undefined && topQ !== undefined ? topP === topQ : null,
    tailFloored,
  };
}

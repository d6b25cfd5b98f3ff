import { logSumExp } from '../shared/stats/tokenComparison';
import type { RowRequest, ScoredRows } from './protocol';

/**
 * Log-probabilities of logits rows exactly as the in-process scorer computes them: lse by
 * logSumExp in float64 over the whole vocabulary, logprob = logit − lse (negativeLogLikelihood's
 * nll is lse − logit, so −logprob is the same double). Served perplexity then equals in-process
 * perplexity to the last bit, whatever K the client asked for.
 *
 * Rows `first .. first + targets.length − 1` of `logits` ([rows × vocab]); row r is scored against
 * targets[r − first]. `selection` picks the extra entries per row: the K most likely (ranks 1..K,
 * ties broken by the lower id, as a stable sort would), the whole vocabulary sorted the same way,
 * or a fixed list of ids (vLLM logprob_token_ids) in the given order.
 */
export function scoreRows(logits: Float32Array, first: number, targets: ArrayLike<number>, vocab: number, selection: RowRequest | { kind: 'ids'; ids: readonly number[] }): ScoredRows {
  const count = targets.length;
  const width = selection.kind === 'full' ? vocab : selection.kind === 'top' ? Math.min(selection.k, vocab) : selection.ids.length;
  const rows: ScoredRows = {
    count,
    width,
    tokens: new Int32Array(count),
    logprobs: new Float64Array(count),
    ranks: new Int32Array(count),
    ids: new Int32Array(count * width),
    values: new Float64Array(count * width),
  };
  const order = selection.kind === 'ids' ? null : new Int32Array(vocab);
  for (let r = 0; r < count; r++) {
    const offset = (first + r) * vocab;
    const target = targets[r]!;
    const { lse } = logSumExp(logits, offset, vocab);
    const targetLogit = logits[offset + target]!;
    let greater = 0;
    for (let i = 0; i < vocab; i++) if (logits[offset + i]! > targetLogit) greater++;
    rows.tokens[r] = target;
    rows.logprobs[r] = targetLogit - lse;
    rows.ranks[r] = greater + 1;
    const ids = selection.kind === 'ids' ? selection.ids : mostLikely(logits, offset, vocab, width, order!);
    for (let j = 0; j < width; j++) {
      const id = ids[j]!;
      rows.ids[r * width + j] = id;
      rows.values[r * width + j] = logits[offset + id]! - lse;
    }
  }
  return rows;
}

/** The `k` ids of largest logit, largest first, lower id first among equals. */
function mostLikely(logits: Float32Array, offset: number, vocab: number, k: number, order: Int32Array): ArrayLike<number> {
  if (k === 0) return [];
  const before = (a: number, b: number): boolean => {
    const x = logits[offset + a]!;
    const y = logits[offset + b]!;
    return x > y || (x === y && a < b);
  };
  if (k * 8 >= vocab) {
    // Many asked (K = −1 or close to it): one full sort.
    for (let i = 0; i < vocab; i++) order[i] = i;
    const sorted = Array.from(order).sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
    return sorted.slice(0, k);
  }
  // Few asked: keep the best k in a small sorted buffer (insertion), O(vocab · k) at worst.
  const best: number[] = [];
  for (let i = 0; i < vocab; i++) {
    if (best.length === k && !before(i, best[k - 1]!)) continue;
    let at = best.length === k ? k - 1 : best.length;
    if (best.length < k) best.push(i);
    while (at > 0 && before(i, best[at - 1]!)) {
      best[at] = best[at - 1]!;
      at--;
    }
    best[at] = i;
  }
  return best;
}

/** Greedy choice: the argmax (first maximum, as generateGreedy takes it), with `masked` ids left out. */
export function greedyToken(logits: Float32Array, row: number, vocab: number, masked: ReadonlySet<number> | null): number {
  const offset = row * vocab;
  let best = -1;
  let bestValue = -Infinity;
  for (let i = 0; i < vocab; i++) {
    if (masked?.has(i)) continue;
    const v = logits[offset + i]!;
    if (v > bestValue || best === -1) {
      bestValue = v;
      best = i;
    }
  }
  return best;
}

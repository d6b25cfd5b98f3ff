import { FullRow, logSoftmaxRow, SparseRow, topIds } from '../../shared/stats/partialKld';
import { negativeLogLikelihood } from '../../shared/stats/tokenComparison';
import type { ModelBackend, PromptTopK } from '../backend/modelBackend';

/**
 * One window's next-token rows from a backend that gives full rows (forward) or only its top-k
 * (promptTopK), in the one shape the partial-KLD bound takes. Row i predicts tokens[i + 1].
 */
export interface WindowRows {
  row(i: number): FullRow | SparseRow;
  /** ln P(tokens[i + 1]) at row i. */
  targetLogprob(i: number): number;
  /** The ids at row i that the other side should be asked for: a full row's top `k`, a sparse row's ids. */
  idsToAsk(i: number, k: number): number[];
  /** A top-k backend's word on the asked ids (PromptTopK.askedIdsReturned); undefined for full rows. */
  askedIdsReturned?: boolean;
}

/** A backend's figures are only a lower bound when it gives less than full rows. */
export function servesTopK(backend: ModelBackend): boolean {
  return backend.distributions.kind === 'top-k';
}

/** Fails with the variant and the reason when the backend gives no prompt log-probabilities (the engine records such units as unavailable before any pass runs). */
export function requireDistributions(backend: ModelBackend): void {
  const d = backend.distributions;
  if (d.kind === 'none') throw new Error(`${backend.variantId} gives no prompt log-probabilities: ${d.reason}`);
}

function checkedTopK(backend: ModelBackend, answer: PromptTopK, n: number): PromptTopK {
  if (answer.targetLogprobs.length !== n - 1 || answer.rows.length !== n - 1) {
    throw new Error(`${backend.variantId}: asked for the log-probabilities of ${n - 1} prompt positions, the backend returned ${answer.targetLogprobs.length} target log-probabilities and ${answer.rows.length} rows`);
  }
  return answer;
}

/** The log-probability of each next token of `tokens` (length n − 1), exact for full and top-k backends alike. */
export async function targetLogprobs(backend: ModelBackend, tokens: readonly number[]): Promise<{ at(i: number): number }> {
  requireDistributions(backend);
  if (backend.distributions.kind === 'full') {
    const scores = await backend.forward(tokens);
    const V = backend.vocabSize;
    // The full path's own arithmetic (negativeLogLikelihood), so its PPL is bit for bit the perplexity pass's.
    return { at: (i) => -negativeLogLikelihood(scores, i * V, V, tokens[i + 1]!).nll };
  }
  const answer = checkedTopK(backend, await promptTopKOf(backend)(tokens), tokens.length);
  return { at: (i) => answer.targetLogprobs[i]! };
}

function promptTopKOf(backend: ModelBackend): NonNullable<ModelBackend['promptTopK']> {
  if (!backend.promptTopK) throw new Error(`${backend.variantId} says it gives top-k log-probabilities but has no promptTopK`);
  return backend.promptTopK.bind(backend);
}

/**
 * The rows of one window. `ask[i]`, for a top-k backend, asks it for those ids at row i too (vLLM's
 * `logprob_token_ids`); whether they came back is checked per row by the caller.
 */
export async function windowRows(backend: ModelBackend, tokens: readonly number[], ask?: ReadonlyArray<readonly number[]>): Promise<WindowRows> {
  requireDistributions(backend);
  const V = backend.vocabSize;
  if (backend.distributions.kind === 'full') {
    const scores = await backend.forward(tokens);
    const cache = new Map<number, FullRow>();
    const row = (i: number): FullRow => {
      let r = cache.get(i);
      if (!r) cache.set(i, (r = { kind: 'full', logprobs: logSoftmaxRow(scores, i * V, V), offset: 0, vocab: V }));
      return r;
    };
    return { row, targetLogprob: (i) => row(i).logprobs[tokens[i + 1]!]!, idsToAsk: (i, k) => topIds(row(i), k) };
  }
  const answer = checkedTopK(backend, await promptTopKOf(backend)(tokens, ask), tokens.length);
  const row = (i: number): SparseRow => ({ kind: 'sparse', ids: answer.rows[i]!.ids, logprobs: answer.rows[i]!.logprobs, holdsTop: true });
  return { row, targetLogprob: (i) => answer.targetLogprobs[i]!, idsToAsk: (i) => Array.from(answer.rows[i]!.ids), askedIdsReturned: answer.askedIdsReturned };
}

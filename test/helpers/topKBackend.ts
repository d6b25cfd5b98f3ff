import type { DistributionSupport, GreedyOptions, GreedyResult, ModelBackend, NextTokenScores, PromptTopK } from '../../src/worker/backend/modelBackend';
import { logSoftmaxRow, topIds } from '../../src/shared/stats/partialKld';

/**
 * A served model that gives only its top-k, made from a real local model (lm-evaluation-harness's
 * dummy-model idea, on real numbers): each row of the inner model's forward pass cut to its k most
 * likely ids, plus the actual next token and, when `honoursAskedIds`, the ids asked for — what vLLM
 * returns with `prompt_logprobs: k` and `logprob_token_ids`. The target's log-probability is
 * logit − lse in float64, the full path's own arithmetic.
 */
export class TopKBackend implements ModelBackend {
  readonly distributions: DistributionSupport;
  readonly executionProvider = 'served';
  calls = 0;

  constructor(private readonly inner: ModelBackend, readonly k: number, private readonly honoursAskedIds = true, readonly variantId = `${inner.variantId}-top${k}`) {
    this.distributions = { kind: 'top-k', k };
  }

  get vocabSize(): number {
    return this.inner.vocabSize;
  }

  forward(): Promise<NextTokenScores> {
    throw new Error(`${this.variantId} gives only its top-${this.k}: forward must not be called`);
  }

  async promptTopK(tokens: readonly number[], alsoIds?: ReadonlyArray<readonly number[]>): Promise<PromptTopK> {
    this.calls++;
    const scores = await this.inner.forward(tokens);
    const V = this.vocabSize;
    const n = tokens.length;
    const targetLogprobs = new Float64Array(n - 1);
    const rows: PromptTopK['rows'] = [];
    for (let i = 0; i < n - 1; i++) {
      const logprobs = logSoftmaxRow(scores, i * V, V);
      // −(lse − logit) with lse as logSumExp forms it, so −targetLogprob is bit for bit negativeLogLikelihood's nll.
      let max = -Infinity;
      for (let j = 0; j < V; j++) if (scores[i * V + j]! > max) max = scores[i * V + j]!;
      let sum = 0;
      for (let j = 0; j < V; j++) sum += Math.exp(scores[i * V + j]! - max);
      targetLogprobs[i] = -(max + Math.log(sum) - scores[i * V + tokens[i + 1]!]!);
      const ids = [...new Set([...topIds({ kind: 'full', logprobs, offset: 0, vocab: V }, this.k), tokens[i + 1]!, ...(this.honoursAskedIds ? (alsoIds?.[i] ?? []) : [])])];
      rows.push({ ids: Int32Array.from(ids), logprobs: Float64Array.from(ids, (id) => logprobs[id]!) });
    }
    return { targetLogprobs, rows, askedIdsReturned: this.honoursAskedIds || !alsoIds?.some((a) => a.length) };
  }

  generateGreedy(promptTokens: readonly number[], options: GreedyOptions): Promise<GreedyResult> {
    return this.inner.generateGreedy(promptTokens, options);
  }

  async dispose(): Promise<void> {
    // The inner model belongs to the test.
  }
}

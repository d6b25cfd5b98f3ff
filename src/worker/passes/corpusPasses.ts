import { LockstepAccumulator, summarizeLockstep } from '../../shared/stats/fidelity';
import { GrowableFloat64 } from '../../shared/stats/growableArray';
import { summarizePerplexity } from '../../shared/stats/perplexity';
import type { LockstepUnitResult, PerplexityUnitResult, WindowTotals } from '../../shared/report/schema';
import type { ModelBackend } from '../backend/modelBackend';
import { windowTokens } from '../../shared/windows';
import type { TokenizedCorpus } from '../inputs/corpus';
import { forEachScoredToken, forEachWindow } from './windowForwards';
import { LockstepScorer } from '../scoring/lockstepScorer';
import { runPartialLockstepPass } from './partialLockstep';
import { targetLogprobs } from './partialRows';
import type { ScoredBatch } from '../scoring/scoreBatch';

export interface PassProgress {
  (done: number, total: number): void;
}

/**
 * Perplexity of one model on the corpus windows, from the actual next tokens' log-probabilities:
 * a full backend's own logits (negativeLogLikelihood, as ever) or a top-k server's target
 * log-probabilities (exact whatever its k). Returns null when cancelled.
 */
export async function runPerplexityPass(backend: ModelBackend, corpus: TokenizedCorpus, progress: PassProgress, shouldStop: () => boolean): Promise<PerplexityUnitResult | null> {
  const nll = new GrowableFloat64();
  const windowTotals: WindowTotals = { tokens: [], nll: [] };
  for (const [index, window] of corpus.windows.entries()) {
    if (shouldStop()) return null;
    const logprobs = await targetLogprobs(backend, windowTokens(corpus.tokens, window));
    const before = nll.length;
    forEachScoredToken(window, corpus.tokens, (row) => nll.push(-logprobs.at(row)));
    const scored = nll.values().subarray(before);
    windowTotals.tokens.push(scored.length);
    windowTotals.nll.push(sum(scored));
    progress(index + 1, corpus.windows.length);
  }
  return {
    kind: 'perplexity',
    variantId: backend.variantId,
    executionProvider: backend.executionProvider,
    perplexity: summarizePerplexity(nll.values(), corpus.scoredWords, corpus.scoredBytes),
    windowTotals,
  };
}

function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  return total;
}

/**
 * Baseline and variant in lockstep on the same windows: every scored token adds its full-vocabulary
 * KLD (a lower bound when a side gives only its top-k), Δp, NLLs and top-1 agreement to the accumulator; no logits are kept past their window.
 */
export async function runLockstepPass(base: ModelBackend, variant: ModelBackend, corpus: TokenizedCorpus, progress: PassProgress, shouldStop: () => boolean): Promise<LockstepUnitResult | null> {
  if (base.vocabSize !== variant.vocabSize) {
    throw new Error(`${variant.variantId} has a vocabulary of ${variant.vocabSize} tokens but the baseline ${base.variantId} has ${base.vocabSize}: no KL divergence is possible between different vocabularies. Compare variants that share the baseline's tokenizer.`);
  }
  // A side with only its top-k: the KLD becomes a lower bound (partialLockstep.ts); both full stays here, unchanged.
  if (base.distributions.kind !== 'full' || variant.distributions.kind !== 'full') return runPartialLockstepPass(base, variant, corpus, progress, shouldStop);
  const V = base.vocabSize;
  const acc = new LockstepAccumulator();
  const windowTotals: Required<WindowTotals> = { tokens: [], nll: [], kld: [] };
  // Windows are scored on a worker thread while the next window's forward passes run; at most a
  // few windows' logits are in flight, and results are folded in window order.
  const scorer = LockstepScorer.shared();
  const inFlight: Array<Promise<ScoredBatch>> = [];
  // One batch is one window, folded in window order.
  const fold = (batch: ScoredBatch): void => {
    windowTotals.tokens.push(batch.kld.length);
    windowTotals.nll.push(sum(batch.nllVariant));
    windowTotals.kld.push(sum(batch.kld));
    for (let i = 0; i < batch.kld.length; i++) {
      acc.add({ kld: batch.kld[i]!, reverseKld: batch.reverseKld[i]!, deltaP: batch.deltaP[i]!, nllBase: batch.nllBase[i]!, nllVariant: batch.nllVariant[i]!, sameTop: batch.sameTop[i] === 1 });
    }
  };
  let finished: boolean;
  try {
    finished = await forEachWindow([base, variant], corpus.tokens, corpus.windows, async (window, [baseLogits, variantLogits], index) => {
      // The scored rows are contiguous: row i − 1 − start predicts token i, for i in scoreFrom..end.
      const count = window.end - window.scoreFrom;
      const firstRow = window.scoreFrom - 1 - window.start;
      const rows = new Int32Array(count);
      const targets = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        rows[i] = i;
        targets[i] = corpus.tokens[window.scoreFrom + i]!;
      }
      // Copies of the scored rows alone (a sliding window's context rows are never scored): the
      // thread takes ownership of the buffers, which a backend's own outputs may not allow.
      const scored = (logits: Float32Array | Float64Array): Float32Array | Float64Array => logits.slice(firstRow * V, (firstRow + count) * V);
      inFlight.push(scorer.score({ base: scored(baseLogits!), variant: scored(variantLogits!), vocab: V, rows, targets }));
      if (inFlight.length > 2) fold(await inFlight.shift()!);
      progress(index + 1, corpus.windows.length);
    }, shouldStop);
    for (const pending of inFlight.splice(0)) fold(await pending);
  } catch (error) {
    // The scorer outlives this pass: jobs still in flight must not reject unhandled later.
    for (const pending of inFlight) pending.catch(() => undefined);
    throw error;
  }
  if (!finished) return null;
  return {
    kind: 'lockstep',
    variantId: variant.variantId,
    executionProvider: variant.executionProvider,
    kld: summarizeLockstep(acc),
    perplexity: summarizePerplexity(acc.nllVariant.values(), corpus.scoredWords, corpus.scoredBytes),
    windowTotals,
  };
}

import { LockstepAccumulator, summarizeLockstep } from '../../shared/stats/fidelity';
import { kldLowerBound } from '../../shared/stats/partialKld';
import { TopKAccumulator } from '../../shared/stats/partialKldSummary';
import { summarizePerplexity } from '../../shared/stats/perplexity';
import type { LockstepUnitResult, WindowTotals } from '../../shared/report/schema';
import type { ModelBackend } from '../backend/modelBackend';
import type { TokenizedCorpus } from '../inputs/corpus';
import type { PassProgress } from './corpusPasses';
import { requireDistributions, windowRows } from './partialRows';
import { windowTokens } from '../../shared/windows';

const kOf = (backend: ModelBackend): number | null => (backend.distributions.kind === 'top-k' ? backend.distributions.k : null);

/**
 * Lockstep when the baseline or the variant gives only its top-k (a served model): per scored token
 * the lower bound of KL from the ids both sides know plus one tail bucket, with the variant asked
 * for the baseline's top ids so that S holds the baseline's likely tokens. NLLs (so PPL), Δp and
 * Same top p come from the actual tokens' log-probabilities and the argmaxes, exact. Scored inline:
 * a top-k row is a handful of ids, so there is nothing worth a thread.
 */
export async function runPartialLockstepPass(base: ModelBackend, variant: ModelBackend, corpus: TokenizedCorpus, progress: PassProgress, shouldStop: () => boolean): Promise<LockstepUnitResult | null> {
  requireDistributions(base);
  requireDistributions(variant);
  const acc = new LockstepAccumulator();
  const topK = new TopKAccumulator(kOf(base), kOf(variant));
  const askK = kOf(variant) ?? kOf(base)!;
  const windowTotals: Required<WindowTotals> = { tokens: [], nll: [], kld: [] };
  let decidedSame = 0;
  for (const [index, window] of corpus.windows.entries()) {
    if (shouldStop()) return null;
    const slice = windowTokens(corpus.tokens, window);
    const baseRows = await windowRows(base, slice);
    const first = window.scoreFrom - 1 - window.start;
    const last = window.end - 1 - window.start;
    // Ask the variant for the baseline's likely ids on the scored rows only.
    const ask = variant.distributions.kind === 'top-k' ? slice.slice(1).map((_, i) => (i >= first && i < last ? baseRows.idsToAsk(i, askK) : [])) : undefined;
    const variantRows = await windowRows(variant, slice, ask);
    if (ask) topK.request(variantRows.askedIdsReturned === true);
    let nll = 0;
    let kld = 0;
    for (let i = first; i < last; i++) {
      const target = slice[i + 1]!;
      const v = variantRows.row(i);
      const b = kldLowerBound(baseRows.row(i), v, target);
      if (b.deltaP === null || b.nllBase === null || b.nllVariant === null) {
        // windowRows holds the actual token on both sides (promptTopK's rows carry it): a row without it is a broken backend.
        throw new Error(`${b.nllBase === null ? base.variantId : variant.variantId} returned no log-probability for the actual next token ${target} at position ${window.start + i + 1}`);
      }
      let returned = true;
      if (ask && v.kind === 'sparse') {
        const got = new Set(Array.from(v.ids));
        returned = ask[i]!.every((id) => got.has(id));
      }
      topK.add(b, { asked: ask !== undefined, returned });
      if (b.sameTop) decidedSame++;
      acc.add({ kld: b.kld, reverseKld: b.reverseKld, deltaP: b.deltaP, nllBase: b.nllBase, nllVariant: b.nllVariant, sameTop: b.sameTop === true });
      nll += b.nllVariant;
      kld += b.kld;
    }
    windowTotals.tokens.push(last - first);
    windowTotals.nll.push(nll);
    windowTotals.kld.push(kld);
    progress(index + 1, corpus.windows.length);
  }
  const kldReport = summarizeLockstep(acc);
  const facts = topK.summary();
  if (facts.sameTopDecided < acc.count) {
    // Same top p over the tokens where both argmaxes are known, never counting the unknown as a miss.
    const n = facts.sameTopDecided;
    const p = n ? decidedSame / n : NaN;
    kldReport.sameTop = { value: p, se: Math.sqrt((p * (1 - p)) / (n - 1)) };
  }
  kldReport.bound = 'lower';
  kldReport.topK = facts;
  return {
    kind: 'lockstep',
    variantId: variant.variantId,
    executionProvider: variant.executionProvider,
    kld: kldReport,
    perplexity: summarizePerplexity(acc.nllVariant.values(), corpus.scoredWords, corpus.scoredBytes),
    windowTotals,
  };
}

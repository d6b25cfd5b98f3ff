import { readFileSync } from 'node:fs';
import type { RunCard } from '../../shared/report/schema';
import type { PerplexityReport } from '../../shared/stats/perplexity';
import type { ModelBackend } from '../backend/modelBackend';
import { LlamaCppBackend } from '../backend/llamaCppBackend';
import { tokenizeCorpus } from '../inputs/corpus';
import { PassProgress, runPerplexityPass } from '../passes/corpusPasses';
import type { PreparedRun } from '../runSetup';

/**
 * Puts what a GGUF variant's load learned (the binary, GPU layers, threads, batch, the tokenizer
 * check) on its run card entry; returns whether the card changed and must be written again.
 */
export function recordLoadedBackend(card: RunCard, backend: ModelBackend): boolean {
  if (!(backend instanceof LlamaCppBackend)) return false;
  const entry = card.variants.find((v) => v.id === backend.variantId);
  if (!entry) return false;
  entry.llamaCpp = backend.card;
  return true;
}

/**
 * A GGUF whose own tokenizer disagrees with the baseline's: no token-level PPL or KLD against the
 * baseline (the positions would not line up). Its perplexity on its own tokenization of the same
 * corpus, with the same windows, gives the word- and byte-level figures, which compare across
 * tokenizers; they come back with the refusal. Null when the variant is not such a GGUF.
 */
export async function mismatchedTokenizerOutcome(
  backend: ModelBackend,
  prepared: PreparedRun,
  progress: PassProgress,
  shouldStop: () => boolean,
): Promise<{ unavailable: string; ownTokenizationPerplexity?: PerplexityReport } | null> {
  if (!(backend instanceof LlamaCppBackend) || !backend.tokenizerDisagrees || backend.distributions.kind !== 'none') return null;
  const reason = backend.distributions.reason;
  const corpusFile = prepared.spec.corpus?.path;
  if (!corpusFile) return { unavailable: reason };
  const own = backend.ownTokenization();
  const corpus = tokenizeCorpus(corpusFile, readFileSync(corpusFile, 'utf8'), own.tokenizer, prepared.spec.windows);
  const result = await runPerplexityPass(own.backend, corpus, progress, shouldStop);
  if (!result) return { unavailable: reason };
  const p = result.perplexity;
  return {
    unavailable: `${reason}. On its own tokenization (${p.tokens} tokens, same corpus and windows): word-level perplexity ${p.wordPerplexity.value.toFixed(4)}, byte-level perplexity ${p.bytePerplexity.value.toFixed(4)} (${p.bitsPerByte.value.toFixed(4)} bits per byte) — compare these with the baseline's word- and byte-level figures.`,
    ownTokenizationPerplexity: p,
  };
}

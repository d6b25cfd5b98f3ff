import { meanAndError } from './summary';

/** Perplexity family over scored tokens (lm-evaluation-harness definitions), each ± uncertainty. */
export interface PerplexityReport {
  tokens: number;
  words: number;
  bytes: number;
  meanNll: { value: number; se: number };
  tokenPerplexity: { value: number; se: number };
  wordPerplexity: { value: number; se: number };
  bytePerplexity: { value: number; se: number };
  bitsPerByte: { value: number; se: number };
}

/**
 * `words` and `bytes` are those of the scored text. The uncertainty of Σnll/words is
 * se(mean nll)·tokens/words, propagated through exp the same way as token perplexity.
 */
export function summarizePerplexity(nll: Float64Array, words: number, bytes: number): PerplexityReport {
  const { mean, se } = meanAndError(nll);
  const total = mean * nll.length;
  const perWord = total / words;
  const perWordSe = (se * nll.length) / words;
  const perByte = total / bytes;
  const perByteSe = (se * nll.length) / bytes;
  return {
    tokens: nll.length,
    words,
    bytes,
    meanNll: { value: mean, se },
    tokenPerplexity: { value: Math.exp(mean), se: Math.exp(mean) * se },
    wordPerplexity: { value: Math.exp(perWord), se: Math.exp(perWord) * perWordSe },
    bytePerplexity: { value: Math.exp(perByte), se: Math.exp(perByte) * perByteSe },
    bitsPerByte: { value: perByte / Math.LN2, se: perByteSe / Math.LN2 },
  };
}

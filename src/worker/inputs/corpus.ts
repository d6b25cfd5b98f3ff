import { InputError } from '../../shared/errors';
import { EvalWindow, planWindows, WindowScheme } from '../../shared/windows';
import type { TextTokenizer } from '../backend/modelBackend';

/** The corpus as the model sees it: one token stream, its windows, and the text they score. */
export interface TokenizedCorpus {
  file: string;
  tokens: number[];
  windows: EvalWindow[];
  /** Words and UTF-8 bytes of the scored text, for word- and byte-level perplexity. */
  scoredWords: number;
  scoredBytes: number;
}

export function tokenizeCorpus(file: string, text: string, tokenizer: TextTokenizer, scheme: WindowScheme): TokenizedCorpus {
  const tokens = tokenizer.encode(text, true);
  if (tokens.length < scheme.contextLength) {
    throw new InputError(
      file,
      `The corpus is ${tokens.length} tokens, shorter than one window of ${scheme.contextLength} tokens.`,
      'Use a longer corpus file, or lower the context length (CLI --context, setting quantlens.contextLength).',
    );
  }
  // The id the tokenizer starts a text with (what llama-perplexity puts first in each chunk), if any.
  const bos = scheme.kind === 'second-half' ? tokenizer.encode('', true)[0] : undefined;
  const windows = planWindows(tokens.length, scheme, bos);
  // Word and byte counts of exactly the text whose tokens are scored (with stride = context, each
  // later window's first token has no predecessor in its window and is not scored).
  let scoredWords = 0;
  let scoredBytes = 0;
  const encoder = new TextEncoder();
  for (const w of windows) {
    const text = tokenizer.decode(tokens.slice(w.scoreFrom, w.end));
    scoredWords += text.split(/\s+/).filter(Boolean).length;
    scoredBytes += encoder.encode(text).length;
  }
  return {
    file,
    tokens,
    windows,
    scoredWords,
    scoredBytes,
  };
}

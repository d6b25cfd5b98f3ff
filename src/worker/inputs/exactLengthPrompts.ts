import type { TextTokenizer } from '../backend/modelBackend';

/** The corpus as performance prompts are cut from it: the tokens the tokenizer puts first (BOS) and the text's tokens. */
export interface PromptSource {
  prefix: number[];
  text: number[];
}

/**
 * Tokenizes enough of the corpus for `tokensNeeded` prompt tokens (all of it when a first cut is
 * short), and finds the prefix the tokenizer adds by comparing with and without special tokens.
 */
export function promptSource(tokenizer: TextTokenizer, corpus: string, tokensNeeded: number): PromptSource {
  const cut = (chars: number): PromptSource => {
    const text = corpus.slice(0, chars);
    const withSpecial = tokenizer.encode(text, true);
    const plain = tokenizer.encode(text, false);
    let start = 0;
    while (start + plain.length <= withSpecial.length && plain.some((t, i) => withSpecial[start + i] !== t)) start++;
    return { prefix: start + plain.length <= withSpecial.length ? withSpecial.slice(0, start) : [], text: plain };
  };
  const first = cut(tokensNeeded * 16 + 1024);
  return first.text.length >= tokensNeeded || corpus.length <= tokensNeeded * 16 + 1024 ? first : cut(corpus.length);
}

/**
 * `count` prompts of exactly `length` tokens: the prefix, then consecutive slices of the corpus's
 * token stream (prompt i starts where prompt i − 1 ended), wrapping around a short corpus.
 * Prompt 0 is the prefix and the corpus's first tokens.
 */
export function exactLengthPrompts(source: PromptSource, length: number, count: number): number[][] {
  const prefix = source.prefix.slice(0, length);
  const body = length - prefix.length;
  if (source.text.length === 0 && body > 0) return [];
  return Array.from({ length: count }, (_, p) => [...prefix, ...Array.from({ length: body }, (_, i) => source.text[(p * body + i) % source.text.length]!)]);
}

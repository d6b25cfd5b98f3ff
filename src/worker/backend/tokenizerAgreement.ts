/**
 * Does another stack (a server's /tokenize, a GGUF file's own tokenizer) turn the same texts into
 * the same ids as the model folder's tokenizer? Perplexity and KLD compare distributions position
 * by position, so one differing id misaligns every score after it: a mismatch refuses them, and
 * says exactly where, rather than scoring quietly wrong.
 */
export type TokenizerAgreement =
  | { agrees: true; texts: number; tokens: number }
  | {
      agrees: false;
      /** Index of the first text that differs. */
      textIndex: number;
      /** First differing position in that text's ids (= the shorter length when one is a prefix of the other). */
      position: number;
      /** Ids at that position; undefined where that side has ended. */
      localId: number | undefined;
      otherId: number | undefined;
      localLength: number;
      otherLength: number;
      /** A short, one-line piece of the text around the mismatch (untrusted: show as text). */
      excerpt: string;
    };

/**
 * Compares `local[i]` with `other[i]` for every text. `decodePrefix` (optional) turns the agreeing
 * local ids before the mismatch into text, so the excerpt can point at the spot; without it the
 * excerpt is the text's start.
 */
export function compareTokenizations(
  texts: readonly string[],
  local: ReadonlyArray<readonly number[]>,
  other: ReadonlyArray<readonly number[]>,
  decodePrefix?: (ids: readonly number[]) => string,
): TokenizerAgreement {
  if (local.length !== texts.length || other.length !== texts.length) throw new Error(`compareTokenizations: ${texts.length} texts but ${local.length} local and ${other.length} other tokenizations`);
  let tokens = 0;
  for (let t = 0; t < texts.length; t++) {
    const a = local[t]!;
    const b = other[t]!;
    const n = Math.min(a.length, b.length);
    let position = 0;
    while (position < n && a[position] === b[position]) position++;
    if (position === a.length && position === b.length) {
      tokens += a.length;
      continue;
    }
    return {
      agrees: false,
      textIndex: t,
      position,
      localId: a[position],
      otherId: b[position],
      localLength: a.length,
      otherLength: b.length,
      excerpt: excerptAt(texts[t]!, decodePrefix ? decodePrefix(a.slice(0, position)).length : 0),
    };
  }
  return { agrees: true, texts: texts.length, tokens };
}

/** One sentence for a mismatch: which text, which position, which ids, where in the text. */
export function describeDisagreement(result: Extract<TokenizerAgreement, { agrees: false }>, otherName: string): string {
  const id = (v: number | undefined) => (v === undefined ? 'end of text' : `id ${v}`);
  return `text ${result.textIndex + 1}, token ${result.position}: the local tokenizer gives ${id(result.localId)}, ${otherName} gives ${id(result.otherId)} (near ${JSON.stringify(result.excerpt)}; ${result.localLength} vs ${result.otherLength} tokens)`;
}

/** About 40 characters of `text` from a little before `offset`, on one line. */
function excerptAt(text: string, offset: number): string {
  const start = Math.max(0, Math.min(offset, text.length) - 10);
  const piece = text.slice(start, start + 40).replace(/\s+/g, ' ');
  return `${start > 0 ? '…' : ''}${piece}${start + 40 < text.length ? '…' : ''}`;
}

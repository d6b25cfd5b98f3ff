/**
 * GPT-2 byte-level conventions, exactly as Hugging Face tokenizers (and so transformers.js) apply
 * them: text is split by the GPT-2 regex, and each UTF-8 byte becomes one printable character.
 */

/** The GPT-2 pre-tokenizer pattern used by the ByteLevel pre-tokenizer with `use_regex: true`. */
const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** bytes_to_unicode from GPT-2: printable bytes map to themselves, the rest to code points ≥ 256. */
function makeByteToChar(): string[] {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const table: string[] = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    table[b] = printable.includes(b) ? String.fromCodePoint(b) : String.fromCodePoint(256 + extra++);
  }
  return table;
}

export const BYTE_TO_CHAR: readonly string[] = makeByteToChar();

/** Splits text into pre-tokens and maps each to its byte-level character string. */
export function preTokenize(text: string): string[] {
  const encoder = new TextEncoder();
  return (text.match(GPT2_SPLIT) ?? []).map((piece) =>
    Array.from(encoder.encode(piece), (b) => BYTE_TO_CHAR[b]).join(''),
  );
}

/**
 * Where a text file stops being UTF-8. Node decodes bad bytes to U+FFFD without a word, and a
 * corpus of random bytes then "evaluates" to a perplexity of tens of thousands; the run says so
 * instead, naming the first bad byte.
 */
import { isUtf8 } from 'node:buffer';

export interface Utf8Fault {
  /** 0-based offset of the first byte of the first ill-formed sequence. */
  offset: number;
  /** That byte and up to three after it, as the message shows them ("0xC3 0x28 …"). */
  shown: string;
}

/** null for valid UTF-8 (checked natively; the byte scan runs only on a bad file). */
export function findInvalidUtf8(bytes: Uint8Array): Utf8Fault | null {
  if (isUtf8(bytes)) return null;
  const offset = firstIllFormedSequence(bytes);
  const near = Array.from(bytes.subarray(offset, offset + 4), (b) => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`);
  return { offset, shown: `${near.join(' ')}${offset + 4 < bytes.length ? ' …' : ''}` };
}

/**
 * The well-formed byte sequences of Unicode 15 table 3-7 (no overlongs, no surrogates, nothing
 * past U+10FFFF): the allowed range of the second byte depends on the lead byte; later bytes are
 * 0x80–0xBF.
 */
function firstIllFormedSequence(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const form = sequenceForm(lead);
    if (!form) return i;
    const [length, low, high] = form;
    if (i + length > bytes.length) return i;
    const second = bytes[i + 1]!;
    if (second < low || second > high) return i;
    for (let k = 2; k < length; k++) {
      const b = bytes[i + k]!;
      if (b < 0x80 || b > 0xbf) return i;
    }
    i += length;
  }
  // isUtf8 said no; a scan that disagrees points at the end rather than nowhere.
  return bytes.length;
}

/** [sequence length, lowest second byte, highest second byte] for a lead byte, or null. */
function sequenceForm(lead: number): [number, number, number] | null {
  if (lead >= 0xc2 && lead <= 0xdf) return [2, 0x80, 0xbf];
  if (lead === 0xe0) return [3, 0xa0, 0xbf];
  if (lead === 0xed) return [3, 0x80, 0x9f];
  if (lead >= 0xe1 && lead <= 0xef) return [3, 0x80, 0xbf];
  if (lead === 0xf0) return [4, 0x90, 0xbf];
  if (lead >= 0xf1 && lead <= 0xf3) return [4, 0x80, 0xbf];
  if (lead === 0xf4) return [4, 0x80, 0x8f];
  return null;
}

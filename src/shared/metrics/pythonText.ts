/**
 * The Python string operations the reference tools are written with, reproduced exactly where JS
 * differs: str.split() with no argument splits on Python's Unicode whitespace (which includes
 * \x1c–\x1f and \x85 but not \ufeff, unlike JS \s), and Python indexes strings by code point.
 */

const PY_WHITESPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const WHITESPACE_RUN = new RegExp(`[${PY_WHITESPACE}]+`);
const LEADING = new RegExp(`^[${PY_WHITESPACE}]+`);
const TRAILING = new RegExp(`[${PY_WHITESPACE}]+$`);

/** Python `s.split()`: runs of whitespace separate, no empty strings. */
export function pySplit(text: string): string[] {
  const trimmed = pyStrip(text);
  return trimmed === '' ? [] : trimmed.split(WHITESPACE_RUN);
}

/** Python `re.split(r"\s+", text)`: like pySplit, but leading/trailing whitespace gives empty strings. */
export function pyRegexSplit(text: string): string[] {
  return text.split(WHITESPACE_RUN);
}

export function pyStrip(text: string): string {
  return text.replace(LEADING, '').replace(TRAILING, '');
}

export function pyRstrip(text: string): string {
  return text.replace(TRAILING, '');
}

/** Python `str.lower()` (full Unicode case mapping, as JS toLowerCase). */
export function pyLower(text: string): string {
  return text.toLowerCase();
}

/** The code points of a string (Python's characters). */
export function codePoints(text: string): string[] {
  return Array.from(text);
}

/** Python's `string.punctuation`. */
export const ASCII_PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

/** Counts of each key. */
export function countKeys(keys: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

/** Counts of the n-grams of `units` (keys joined by `separator`). */
export function countNgrams(units: readonly string[], n: number, separator: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= units.length; i++) {
    const key = n === 1 ? units[i]! : units.slice(i, i + n).join(separator);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Σ over keys of min(count in a, count in b): the size of the multiset intersection. */
export function overlap(a: Map<string, number>, b: Map<string, number>): number {
  let total = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const [key, count] of small) {
    const other = large.get(key);
    if (other !== undefined) total += Math.min(count, other);
  }
  return total;
}

export function sumCounts(counts: Map<string, number>): number {
  let total = 0;
  for (const c of counts.values()) total += c;
  return total;
}

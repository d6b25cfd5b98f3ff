import { loadavg } from 'node:os';
/**
 * The pure parts of bench/scale: which realistic fixture lives where in the cache and how
 * make-fixtures is asked for it, the exact-length corpus cut, and the text tables it prints.
 */
import { join } from 'node:path';

/** One realistic fixture the bench needs: a shape, optionally reduced, and the variants to write. */
export interface ScaleFixture {
  shape: 'smollm2-135m' | 'qwen2.5-0.5b';
  /** Undefined: the shape's own layer count. */
  layers?: number;
  /** Undefined: the shape's own BPE vocabulary. */
  bpeVocab?: number;
  variants: readonly string[];
}

/**
 * The cache folder of a fixture: one parent per (shape, layers, vocab, variants), since
 * make-fixtures names every reduced folder `<shape>-reduced` inside its --out.
 */
export function fixtureParent(cache: string, f: ScaleFixture): string {
  return join(cache, `${f.shape}-L${f.layers ?? 'full'}-V${f.bpeVocab ?? 'full'}-${f.variants.join('.')}`);
}

/** The model folder make-fixtures writes inside fixtureParent. */
export function fixtureFolder(cache: string, f: ScaleFixture): string {
  const reduced = f.layers !== undefined || f.bpeVocab !== undefined;
  return join(fixtureParent(cache, f), reduced ? `${f.shape}-reduced` : f.shape);
}

/** make-fixtures' arguments for a fixture (after the script path). */
export function makeFixturesArgs(cache: string, f: ScaleFixture): string[] {
  const reduce = [...(f.layers !== undefined ? ['--layers', String(f.layers)] : []), ...(f.bpeVocab !== undefined ? ['--bpe-vocab', String(f.bpeVocab)] : [])];
  return ['--realistic', f.shape, '--out', fixtureParent(cache, f), '--variants', f.variants.join(','), ...reduce];
}

/** The first `count` tokens of `tokens` repeated as often as needed (a corpus of an exact length). */
export function exactLengthTokens(tokens: readonly number[], count: number): number[] {
  if (!tokens.length) throw new Error('exactLengthTokens: the source text tokenized to nothing');
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) out[i] = tokens[i % tokens.length]!;
  return out;
}

/** A plain text table: a header row, a rule, right-aligned cells except the first column. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Median of a non-empty list. */
/** The 1/5/15-minute load averages, as the benches print them beside their timings. */
export function loadAverageText(): string {
  return loadavg().map((x) => x.toFixed(2)).join(' ');
}

export function median(xs: readonly number[]): number {
  if (!xs.length) throw new Error('median of nothing');
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

import { formatBytes, formatMs, formatNumber, formatPercent, formatSigned, formatWithError } from '../format';
import type { DistributionSummary } from '../stats/summary';
import type { VariantSummary } from './schema';

/**
 * The headline quantities of a run, one entry each: how to read it from a variant summary, how it
 * prints, its unit, which direction is better, and its CSV key. Every view derives from this list
 * — the CLI / Markdown / HTML / text table (resultsTable.ts), the CSV export (exports.ts), the
 * results panel's table and its trade-off plot axes (panel/metricsCatalog.ts) — so a new quantity
 * is one entry here. The list's order is the order every view shows them in.
 */

/** A number read from a report in the quantity's base unit (bytes, ms, a fraction, nats), ± its standard error when known. */
export interface Reading {
  value: number;
  se?: number;
}

export type Direction = 'lower' | 'higher';

/** How a reading prints in the text tables. */
export type TextFormat =
  | { style: 'bytes' }
  | { style: 'ms' }
  | { style: 'percent'; digits: number }
  | { style: 'number'; digits: number; withSe: boolean }
  /** A difference: signed value ± se. */
  | { style: 'signed'; digits: number };

export interface Quantity {
  /** Stable id: the panel's column and axis ids, its saved state. */
  id: string;
  /** Long name: panel column headers, plot axis titles and pickers. */
  label: string;
  /** Short header in the text tables; absent when the quantity is not one of their columns. */
  column?: string;
  /** The unit the panel shows (the base unit times `scale`). */
  unit: string;
  /** Base unit → panel unit (bytes → MiB, fraction → %). */
  scale: number;
  direction: Direction;
  format: TextFormat;
  read(v: VariantSummary): Reading | undefined;
  /**
   * Quantities that already measure the difference from the baseline (KLD, Same top p, RMS Δp,
   * ΔPPL…): the baseline's value against itself. The text tables print "—" for the baseline, the
   * panel this value ± 0, and the panel draws no second "Δ vs baseline" under them.
   */
  vsBaseline?: { baselineValue: number };
  /** The quantity whose reading is this one's paired difference from the baseline (same tokens): PPL → ΔPPL. */
  pairedDelta?: string;
  /** Raw number columns of the CSV export (base unit), the se column when it has one. */
  csv?: { key: string; seKey?: string };
  /** On the results panel's table and trade-off plot: 'cost' quantities on the x axis, 'fidelity' on y. */
  panelAxis?: 'cost' | 'fidelity';
  /**
   * The run-level goal quantity (report/runQuantities.ts) the panel's column and axis show goals of;
   * a threshold converts to the panel unit by `scale`, or by `toAxis` when it is another quantity's.
   */
  goal?: { quantity: string; toAxis?(threshold: number, baseline: VariantSummary | undefined): number | undefined };
  /** Its id and title in a comparison of two runs (compare/variantChanges.ts and the comparison exports). */
  compare?: { id: string; title: string };
  /** A KLD read from top-k rows is only a lower bound: the views print "≥ x (top-k, tail p_T)". */
  lowerBound?(v: VariantSummary): LowerBoundNote | undefined;
}

/** What makes a reading a lower bound: the top-k seen and the mean tail mass it could not see (a fraction). */
export interface LowerBoundNote {
  k: number;
  tailMass: number;
}

/** The KLD of this variant is a lower bound (a side gave only its top-k), or undefined when exact. */
export function kldLowerBound(v: VariantSummary): LowerBoundNote | undefined {
  const kld = v.kld;
  if (kld?.bound !== 'lower') return undefined;
  return { k: kld.topK?.k ?? NaN, tailMass: kld.topK?.baseTailMass.mean ?? NaN };
}

/** "top-20, tail 0.8%": what the bound saw, for the text beside a "≥". */
export function lowerBoundText(note: LowerBoundNote): string {
  return `top-${note.k}, tail ${formatPercent(note.tailMass, 1)}`;
}

/**
 * Standard error of a latency mean: std/√n. (The summary's ci95 uses Student t with n − 1 degrees
 * of freedom, so its width over 2·1.96 would overstate the se — 6.5× with 2 repetitions.)
 */
function meanReading(d: DistributionSummary | null | undefined): Reading | undefined {
  return d ? { value: d.mean, se: d.n > 1 ? d.std / Math.sqrt(d.n) : undefined } : undefined;
}

const MIB = 2 ** -20;

export const QUANTITIES: readonly Quantity[] = [
  {
    id: 'size', label: 'Disk size', column: 'size', unit: 'MiB', scale: MIB, direction: 'lower', format: { style: 'bytes' },
    read: (v) => (v.sizeBytes > 0 ? { value: v.sizeBytes, se: 0 } : undefined) /* 0: a served variant, its files out of sight */, csv: { key: 'size_bytes' }, panelAxis: 'cost', goal: { quantity: 'disk_size' }, compare: { id: 'size_bytes', title: 'size bytes' },
  },
  {
    id: 'ppl', label: 'Perplexity', column: 'PPL', unit: '', scale: 1, direction: 'lower', format: { style: 'number', digits: 4, withSe: true },
    read: (v) => v.perplexity?.tokenPerplexity, pairedDelta: 'deltaPpl', csv: { key: 'ppl', seKey: 'ppl_se' }, panelAxis: 'fidelity', goal: { quantity: 'ppl_ratio', toAxis: (t, base) => (base?.perplexity ? t * base.perplexity.tokenPerplexity.value : undefined) }, compare: { id: 'ppl', title: 'PPL' },
  },
  {
    id: 'deltaPpl', label: 'ΔPPL', column: 'ΔPPL', unit: '', scale: 1, direction: 'lower', format: { style: 'signed', digits: 3 },
    read: (v) => v.deltaPerplexity, vsBaseline: { baselineValue: 0 }, csv: { key: 'delta_ppl', seKey: 'delta_ppl_se' }, compare: { id: 'delta_ppl', title: 'ΔPPL vs baseline' },
  },
  {
    id: 'kld', label: 'Mean KLD', column: 'mean KLD', unit: 'nats', scale: 1, direction: 'lower', format: { style: 'number', digits: 3, withSe: true },
    read: (v) => (v.kld ? { value: v.kld.kld.mean, se: v.kld.kld.se } : undefined), vsBaseline: { baselineValue: 0 }, csv: { key: 'mean_kld', seKey: 'mean_kld_se' }, panelAxis: 'fidelity', goal: { quantity: 'kld_mean' }, compare: { id: 'kld_mean', title: 'mean KLD' }, lowerBound: kldLowerBound,
  },
  {
    id: 'sameTop', label: 'Same top p', column: 'same top', unit: '%', scale: 100, direction: 'higher', format: { style: 'percent', digits: 1 },
    read: (v) => v.kld?.sameTop, vsBaseline: { baselineValue: 1 }, csv: { key: 'same_top_p' }, panelAxis: 'fidelity', goal: { quantity: 'same_top' }, compare: { id: 'same_top', title: 'same top p' },
  },
  {
    id: 'rmsDp', label: 'RMS Δp', column: 'RMS Δp', unit: '%', scale: 100, direction: 'lower', format: { style: 'percent', digits: 2 },
    read: (v) => v.kld?.rmsDeltaP, vsBaseline: { baselineValue: 0 }, csv: { key: 'rms_dp' }, panelAxis: 'fidelity', goal: { quantity: 'rms_delta_p' }, compare: { id: 'rms_dp', title: 'RMS Δp' },
  },
  {
    id: 'ttft', label: 'TTFT', column: 'TTFT', unit: 'ms', scale: 1, direction: 'lower', format: { style: 'ms' },
    read: (v) => meanReading(v.performance?.ttftMs), csv: { key: 'ttft_ms' }, panelAxis: 'cost', goal: { quantity: 'ttft' }, compare: { id: 'ttft_ms', title: 'TTFT ms' },
  },
  {
    id: 'tpot', label: 'TPOT', column: 'TPOT', unit: 'ms', scale: 1, direction: 'lower', format: { style: 'ms' },
    read: (v) => meanReading(v.performance?.tpotMs), csv: { key: 'tpot_ms' }, panelAxis: 'cost', goal: { quantity: 'tpot' }, compare: { id: 'tpot_ms', title: 'TPOT ms' },
  },
  {
    id: 'throughput', label: 'Throughput', column: 'tok/s', unit: 'tok/s', scale: 1, direction: 'higher', format: { style: 'number', digits: 3, withSe: false },
    read: (v) => meanReading(v.performance?.outputTokensPerSecond), csv: { key: 'tokens_per_s' }, panelAxis: 'cost', goal: { quantity: 'tokens_per_second' }, compare: { id: 'tokens_per_s', title: 'tok/s' },
  },
  {
    id: 'peakRss', label: 'Peak memory (RSS)', column: 'peak RSS', unit: 'MiB', scale: MIB, direction: 'lower', format: { style: 'bytes' },
    read: (v) => (typeof v.performance?.peakRssBytes === 'number' ? { value: v.performance.peakRssBytes } : undefined), csv: { key: 'peak_rss_bytes' }, panelAxis: 'cost', goal: { quantity: 'peak_rss' }, compare: { id: 'peak_rss_bytes', title: 'peak RSS bytes' },
  },
  // Beyond the headline table (CSV, comparisons): their CSV columns come after the headline ones, so those keep their places.
  {
    id: 'pplRatio', label: 'PPL ratio', unit: '', scale: 1, direction: 'lower', format: { style: 'number', digits: 4, withSe: true },
    read: (v) => v.kld?.pplRatio, vsBaseline: { baselineValue: 1 }, csv: { key: 'ppl_ratio', seKey: 'ppl_ratio_se' },
  },
  {
    id: 'kldP99', label: 'KLD p99', unit: 'nats', scale: 1, direction: 'lower', format: { style: 'number', digits: 3, withSe: false },
    read: (v) => {
      const p99 = v.kld?.kld.percentiles['99'];
      return p99 === undefined ? undefined : { value: p99 };
    },
    vsBaseline: { baselineValue: 0 }, csv: { key: 'kld_p99' }, compare: { id: 'kld_p99', title: 'KLD p99' }, lowerBound: kldLowerBound,
  },
  {
    id: 'itl', label: 'ITL', unit: 'ms', scale: 1, direction: 'lower', format: { style: 'ms' },
    read: (v) => meanReading(v.performance?.itlMs), csv: { key: 'itl_ms' },
  },
  {
    id: 'loadTime', label: 'Load time', unit: 'ms', scale: 1, direction: 'lower', format: { style: 'ms' },
    read: (v) => (typeof v.performance?.loadMs === 'number' ? { value: v.performance.loadMs } : undefined), csv: { key: 'load_ms' },
  },
  // Set only when the KLD columns are lower bounds (a served side gave only its top-k): empty cells mean exact.
  {
    id: 'kldBoundTopK', label: 'KLD lower bound: top-k', unit: '', scale: 1, direction: 'higher', format: { style: 'number', digits: 0, withSe: false },
    read: (v) => { const b = kldLowerBound(v); return b ? { value: b.k } : undefined; }, csv: { key: 'kld_lower_bound_top_k' },
  },
  {
    id: 'kldTailMass', label: 'KLD lower bound: mean tail mass', unit: '%', scale: 100, direction: 'lower', format: { style: 'percent', digits: 1 },
    read: (v) => { const b = kldLowerBound(v); return b ? { value: b.tailMass } : undefined; }, csv: { key: 'kld_tail_mass' },
  },
];

export function quantityById(id: string): Quantity | undefined {
  return QUANTITIES.find((q) => q.id === id);
}

/** A quantity in a two-run comparison: its comparison id and title, lower or higher is better. */
export function compareInfo(id: string): { metric: string; title: string; lowerIsBetter: boolean } {
  const q = quantityById(id);
  if (!q?.compare) throw new Error(`no comparable headline quantity "${id}"`);
  return { metric: q.compare.id, title: q.compare.title, lowerIsBetter: q.direction === 'lower' };
}

/** The text-table cell of a quantity for a variant: "—" where there is no reading, and for the baseline on a vs-baseline quantity. */
export function quantityText(q: Quantity, v: VariantSummary): string {
  const r = v.isBaseline && q.vsBaseline ? undefined : q.read(v);
  if (!r) return '—';
  const bound = q.lowerBound?.(v);
  return bound ? `≥ ${readingText(q, r)} (${lowerBoundText(bound)})` : readingText(q, r);
}

function readingText(q: Quantity, r: Reading): string {
  switch (q.format.style) {
    case 'bytes':
      return formatBytes(r.value);
    case 'ms':
      return formatMs(r.value);
    case 'percent':
      return formatPercent(r.value, q.format.digits);
    case 'number':
      return q.format.withSe ? formatWithError(r.value, r.se, q.format.digits) : formatNumber(r.value, q.format.digits);
    case 'signed':
      return `${formatSigned(r.value, q.format.digits)} ± ${formatNumber(r.se, 2)}`;
  }
}

/** The quantities with CSV columns, in the catalog's order. */
const CSV_QUANTITIES = QUANTITIES.filter((q) => q.csv !== undefined);

/** The CSV column keys of every quantity: its key, then its se key where it has one. */
export function quantityCsvKeys(): string[] {
  return CSV_QUANTITIES.flatMap((q) => (q.csv!.seKey ? [q.csv!.key, q.csv!.seKey] : [q.csv!.key]));
}

/** One variant's cells under quantityCsvKeys(): raw base-unit numbers as the report holds them, the baseline's included. */
export function quantityCsvCells(v: VariantSummary): Array<number | undefined> {
  return CSV_QUANTITIES.flatMap((q) => {
    const r = q.read(v);
    return q.csv!.seKey ? [r?.value, r?.se] : [r?.value];
  });
}

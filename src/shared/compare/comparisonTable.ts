import { formatBytes, formatNumber, formatPercent, formatSigned } from '../format';
import type { MetricChange, RunComparison } from './types';

/** The comparison as rows: what the CLI prints, the panel shows and the exports write. */
export const COMPARISON_COLUMNS = ['variant', 'metric', 'run A', 'run B', 'Δ (B − A)', '95% CI', 'change', 'method', 'verdict'] as const;

export function comparisonRows(comparison: RunComparison): string[][] {
  return comparison.variants.flatMap((v) => v.metrics.map((m) => [v.variantId, m.title, ...formatChange(m)]));
}

/** run A, run B, Δ, CI, relative change, method (with what was paired), verdict. */
export function formatChange(m: MetricChange): string[] {
  const bytes = m.metric.endsWith('_bytes');
  const value = (x: number | null): string => (x === null ? '—' : bytes ? formatBytes(x) : formatNumber(x, 4));
  const signed = (x: number | null): string => (x === null ? '—' : bytes ? `${x > 0 ? '+' : ''}${formatBytes(x)}` : formatSigned(x, 3));
  return [
    value(m.a),
    value(m.b),
    signed(m.delta),
    m.ci ? `[${signed(m.ci.low)}, ${signed(m.ci.high)}]` : '—',
    m.relative === null ? '—' : `${m.relative > 0 ? '+' : ''}${formatPercent(m.relative, 1)}`,
    m.pairedOn ? `${m.method} (${m.pairedOn.n} ${m.pairedOn.unit})` : m.method,
    m.verdict,
  ];
}

export const CARD_DIFFERENCE_COLUMNS = ['group', 'field', 'run A', 'run B'] as const;

export function cardDifferenceRows(comparison: RunComparison): string[][] {
  return comparison.cardDifferences.map((d) => [d.group, d.path, d.a ?? '(absent)', d.b ?? '(absent)']);
}

export const CHECKLIST_COLUMNS = ['check', 'scope', 'status', 'detail'] as const;

export function checklistRows(comparison: RunComparison): string[][] {
  return comparison.comparability.map((c) => [c.title, c.scope, c.status, c.detail]);
}

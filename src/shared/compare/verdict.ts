import type { ChangeMethod, Verdict } from './types';

/**
 * Judges a change B − A by its 95% interval and the metric's direction: the interval above zero is a
 * rise, below zero a fall, straddling zero is within the noise. Without an interval nothing is
 * claimed; an exact zero (bytes on disk, identical windows) is unchanged.
 */
export function verdictOf(delta: number | null, ci: { low: number; high: number } | null, lowerIsBetter: boolean, method: ChangeMethod): Verdict {
  if (delta === null || !Number.isFinite(delta)) return 'not-tested';
  if (method === 'none' || ci === null || !Number.isFinite(ci.low) || !Number.isFinite(ci.high)) return 'not-tested';
  if (delta === 0 && ci.low === 0 && ci.high === 0) return 'unchanged';
  const rose = ci.low > 0;
  const fell = ci.high < 0;
  if (!rose && !fell) return 'within-noise';
  return rose === lowerIsBetter ? 'regressed' : 'improved';
}

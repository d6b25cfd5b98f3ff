import type { PerformanceCell, PerformanceUnitResult } from '../../shared/report/schema';

/** A performance unit's headline figures: its first cell's (PerformanceUnitResult's convention), in-process or served alike. */
export function headlineFigures(cells: readonly PerformanceCell[]): Pick<PerformanceUnitResult, 'promptTokens' | 'outputTokens' | 'ttftMs' | 'tpotMs' | 'itlMs' | 'e2eMs' | 'outputTokensPerSecond'> {
  const head = cells[0]!;
  return {
    promptTokens: head.inputTokens,
    outputTokens: head.outputTokens,
    ttftMs: head.ttftMs,
    tpotMs: head.tpotMs,
    itlMs: head.itlMs,
    e2eMs: head.e2eMs,
    outputTokensPerSecond: head.outputTokensPerSecond,
  };
}

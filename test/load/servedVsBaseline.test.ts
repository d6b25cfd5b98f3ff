import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { PerformanceCell, PerformanceUnitResult } from '../../src/shared/report/schema';
import { summarizeDistribution } from '../../src/shared/stats/summary';
import { compareWithBaseline } from '../../src/worker/servedPerformance';

function cell(inputTokens: number, outputTokens: number, concurrency: number, tpot: number[], ttft: number[]): PerformanceCell {
  return { inputTokens, outputTokens, batchSize: 1, concurrency, tpotMs: summarizeDistribution(tpot), ttftMs: summarizeDistribution(ttft) } as unknown as PerformanceCell;
}

function unit(variantId: string, executionProvider: string, cells: PerformanceCell[]): PerformanceUnitResult {
  return { kind: 'performance', variantId, executionProvider, cells } as unknown as PerformanceUnitResult;
}

test('served cells are set against the baseline cell of the same workload, marked as another stack', () => {
  const baseline = unit('fp32', 'cpu', [cell(64, 32, 1, [2, 2, 2, 2.2], [10, 10, 10, 10.4]), cell(64, 32, 4, [4, 4, 4, 4.4], [20, 20, 20, 20.8])]);
  const served = unit('q4s', 'served', [cell(64, 32, 1, [1, 1, 1, 1.1], [5, 5, 5, 5.2]), cell(64, 32, 16, [9, 9, 9, 9], [50, 50, 50, 50]), cell(128, 32, 1, [1, 1, 1, 1], [5, 5, 5, 5])]);
  compareWithBaseline(served, baseline);
  const [c1, c16, long] = served.cells!;
  assert.equal(c1!.vsBaseline!.tpotRatio, 1.025 / 2.05);
  assert.equal(c1!.vsBaseline!.ttftRatio, 5.05 / 10.1);
  assert.equal(c1!.vsBaseline!.otherStack, true);
  assert.equal(c1!.vsBaseline!.resolved, true);
  assert.equal(c16!.vsBaseline, undefined, 'no baseline cell at concurrency 16');
  assert.equal(long!.vsBaseline, undefined, 'no baseline cell with 128 input tokens');

  // A served baseline (another endpoint): the same kind of stack, no mark.
  const servedBase = unit('ref', 'served', [cell(64, 32, 1, [2, 2, 2, 2.2], [10, 10, 10, 10.4])]);
  const other = unit('q4s', 'served', [cell(64, 32, 1, [1, 1, 1, 1.1], [5, 5, 5, 5.2])]);
  compareWithBaseline(other, servedBase);
  assert.equal(other.cells![0]!.vsBaseline!.otherStack, undefined);
});

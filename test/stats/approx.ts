import { strict as assert } from 'node:assert';

/** Fails with both numbers and the gap when |actual − expected| > tolerance. */
export function assertClose(actual: number, expected: number, tolerance: number, label: string): void {
  assert.ok(
    Number.isFinite(actual) && Math.abs(actual - expected) <= tolerance,
    `${label}: got ${actual}, expected ${expected} ± ${tolerance} (off by ${Math.abs(actual - expected)})`,
  );
}

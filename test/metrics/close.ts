import { strict as assert } from 'node:assert';

/** Fails with both numbers when |actual − expected| > tolerance (relative above 1). */
export function near(actual: number, expected: number, tolerance: number, label: string): void {
  const scale = Math.max(1, Math.abs(expected));
  assert.ok(
    Math.abs(actual - expected) <= tolerance * scale || (Number.isNaN(actual) && Number.isNaN(expected)),
    `${label}: got ${actual}, expected ${expected} ± ${tolerance}`,
  );
}

/**
 * Axis ticks at "nice" numbers (1, 2, 2.5 or 5 × a power of ten) covering [min, max], about
 * `target` of them, with the decimals their step needs (so 0.05, 0.10, 0.15 read alike).
 */
export interface AxisTicks {
  values: number[];
  /** Decimals every tick label is written with. */
  decimals: number;
}

function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

export function niceTicks(min: number, max: number, target = 6): AxisTicks {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max <= min) return { values: Number.isFinite(min) ? [min] : [], decimals: 0 };
  const step = niceStep((max - min) / Math.max(target - 1, 1));
  const first = Math.ceil(min / step - 1e-9);
  const last = Math.floor(max / step + 1e-9);
  // Multiplying integers by the step (not adding steps up) keeps 0.1 + 0.2 drift out of the labels.
  const values = Array.from({ length: last - first + 1 }, (_, i) => (first + i) * step).map((v) => (Math.abs(v) < step * 1e-9 ? 0 : v));
  const stepDecimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const decimals = step % 1 === 0 ? 0 : Number.isInteger(step * 10 ** stepDecimals) ? stepDecimals : stepDecimals + 1;
  return { values, decimals: Math.min(decimals, 12) };
}

export function tickLabel(value: number, decimals: number): string {
  return value.toFixed(decimals);
}

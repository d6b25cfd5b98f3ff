/**
 * Whether a difference from the baseline is distinguishable from noise at ~95%: |Δ| > 1.96·se(Δ).
 * For paired quantities (ΔPPL on the same tokens) pass the paired se; for independent measurements
 * (latencies of separate processes) combine the two standard errors as sqrt(seA² + seB²).
 */
export function isSignificant(delta: number, seOfDelta: number, z = 1.96): boolean | null {
  if (!Number.isFinite(delta) || !Number.isFinite(seOfDelta)) return null;
  if (seOfDelta === 0) return delta !== 0;
  return Math.abs(delta) > z * seOfDelta;
}

/** Standard error of a difference of two independent means. */
export function independentSe(seA: number, seB: number): number {
  return Math.sqrt(seA * seA + seB * seB);
}

/** Standard error of a mean from a 95% CI half-width (Student t already applied when the CI was made). */
export function seFromCi95(ci: readonly [number, number], n: number, t975: number): number {
  return n > 1 ? (ci[1] - ci[0]) / 2 / t975 : NaN;
}

/** A seeded generator so the same command always writes byte-identical model files. */
export class SeededRandom {
  private state: number;
  private spareNormal: number | undefined;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** mulberry32: uniform in [0, 1). */
  uniform(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Standard normal by Box–Muller. */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const value = this.spareNormal;
      this.spareNormal = undefined;
      return value;
    }
    const u = Math.max(this.uniform(), 1e-12);
    const v = this.uniform();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }

  normalArray(length: number, std: number): Float32Array {
    const out = new Float32Array(length);
    for (let i = 0; i < length; i++) out[i] = this.normal() * std;
    return out;
  }
}

/**
 * Fills `out[start, end)` with uniform noise of standard deviation `std` from its own mulberry32
 * stream: one integer hash per value and no Box–Muller, so hundreds of millions of weights take
 * seconds. Used where only the scale matters (the realistic-shape models' untrained weights).
 */
export function fillUniform(out: Float32Array, std: number, seed: number, start = 0, end = out.length): void {
  const width = std * Math.sqrt(12); // uniform on [−w/2, w/2] has std w/√12
  let state = seed | 0;
  for (let i = start; i < end; i++) {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5) * width;
  }
}

/** A 32-bit seed from a name (FNV-1a), so each tensor has its own stream whatever the order. */
export function seedOf(name: string, base: number): number {
  let hash = (0x811c9dc5 ^ base) >>> 0;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

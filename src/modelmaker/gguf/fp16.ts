/**
 * IEEE half precision as ggml stores it (`ggml_half`): float32 → float16 rounds to nearest, ties to
 * even (what ggml_compute_fp32_to_fp16 and F16C's vcvtps2ph both do), with subnormals, infinities
 * and NaN. Node 20 has no Math.f16round, so the conversion works on the float32 bits.
 */
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function fp32ToFp16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 | (mantissa >>> 13) : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow → infinity
  if (e <= 0) {
    if (e < -10) return sign; // below half the smallest subnormal → ±0
    mantissa |= 0x800000; // implicit bit
    const shift = 14 - e;
    const half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    const rounded = rest > midpoint || (rest === midpoint && (half & 1)) ? half + 1 : half;
    return sign | rounded;
  }
  const half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // Carrying into the exponent is right: it rounds up to the next binade (or to infinity).
  return sign | (rest > 0x1000 || (rest === 0x1000 && (half & 1)) ? half + 1 : half);
}

export function fp16BitsToFp32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** The float32 value a float16 round trip gives (GGML_FP16_TO_FP32(GGML_FP32_TO_FP16(x))). */
export function roundToFp16(value: number): number {
  return fp16BitsToFp32(fp32ToFp16Bits(value));
}

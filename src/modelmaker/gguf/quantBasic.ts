import { fp16BitsToFp32, fp32ToFp16Bits } from './fp16';

/**
 * Ports of ggml-quants.c's reference quantizers for the simple block types (quantize_row_q8_0_ref,
 * quantize_row_q4_0_ref) and their dequantizers. ggml computes in float32: every intermediate here
 * goes through Math.fround so the bytes match what the C code writes.
 */
const f = Math.fround;

/** C `roundf`: half away from zero. */
function roundf(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** Q8_0: per 32 elements, d = amax/127 (fp16), q = roundf(x/d) as int8. Block: d (2 bytes), qs[32]. */
export function quantizeQ8_0(x: Float32Array): Uint8Array {
  const nb = x.length / 32;
  const out = new Uint8Array(nb * 34);
  const view = new DataView(out.buffer);
  for (let i = 0; i < nb; i++) {
    let amax = 0;
    for (let j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[i * 32 + j]!));
    const d = f(amax / 127);
    const id = d ? f(1 / d) : 0;
    view.setUint16(i * 34, fp32ToFp16Bits(d), true);
    for (let j = 0; j < 32; j++) view.setInt8(i * 34 + 2 + j, roundf(f(x[i * 32 + j]! * id)));
  }
  return out;
}

export function dequantizeQ8_0(bytes: Uint8Array, n: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const y = new Float32Array(n);
  for (let i = 0; i < n / 32; i++) {
    const d = fp16BitsToFp32(view.getUint16(i * 34, true));
    for (let j = 0; j < 32; j++) y[i * 32 + j] = f(view.getInt8(i * 34 + 2 + j) * d);
  }
  return y;
}

/**
 * Q4_0: per 32 elements, the signed value of largest magnitude `max` sets d = max/-8 (fp16); q =
 * min(15, (int8)(x/d + 8.5)). Byte j holds element j (low nibble) and element j+16 (high nibble).
 */
export function quantizeQ4_0(x: Float32Array): Uint8Array {
  const nb = x.length / 32;
  const out = new Uint8Array(nb * 18);
  const view = new DataView(out.buffer);
  for (let i = 0; i < nb; i++) {
    let amax = 0;
    let max = 0;
    for (let j = 0; j < 32; j++) {
      const v = x[i * 32 + j]!;
      if (amax < Math.abs(v)) {
        amax = Math.abs(v);
        max = v;
      }
    }
    const d = f(max / -8);
    const id = d ? f(1 / d) : 0;
    view.setUint16(i * 18, fp32ToFp16Bits(d), true);
    for (let j = 0; j < 16; j++) {
      const x0 = f(f(x[i * 32 + j]! * id) + 8.5);
      const x1 = f(f(x[i * 32 + 16 + j]! * id) + 8.5);
      // (int8_t) truncates toward zero; the values are in [0.5, 16.5] here, so it never wraps.
      const xi0 = Math.min(15, Math.trunc(x0));
      const xi1 = Math.min(15, Math.trunc(x1));
      out[i * 18 + 2 + j] = xi0 | (xi1 << 4);
    }
  }
  return out;
}

export function dequantizeQ4_0(bytes: Uint8Array, n: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const y = new Float32Array(n);
  for (let i = 0; i < n / 32; i++) {
    const d = fp16BitsToFp32(view.getUint16(i * 18, true));
    for (let j = 0; j < 16; j++) {
      const b = bytes[i * 18 + 2 + j]!;
      y[i * 32 + j] = f(((b & 0x0f) - 8) * d);
      y[i * 32 + 16 + j] = f(((b >> 4) - 8) * d);
    }
  }
  return y;
}

export function encodeF32(x: Float32Array): Uint8Array {
  const copy = Float32Array.from(x);
  return new Uint8Array(copy.buffer);
}

export function encodeF16(x: Float32Array): Uint8Array {
  const out = new Uint16Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = fp32ToFp16Bits(x[i]!);
  return new Uint8Array(out.buffer);
}

export function decodeF16(bytes: Uint8Array, n: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = fp16BitsToFp32(view.getUint16(i * 2, true));
  return y;
}

/**
 * Q5_0 (quantize_row_q5_0_ref): d = max/-16, q = min(31, (int8)(x/d + 16.5)); the low nibbles pack
 * like Q4_0 and the fifth bits go to a little-endian uint32 `qh` (bit j: element j, bit j+16:
 * element j+16). llama-quantize's fallback for Q4_K rows shorter than 256.
 */
export function quantizeQ5_0(x: Float32Array): Uint8Array {
  const nb = x.length / 32;
  const out = new Uint8Array(nb * 22);
  const view = new DataView(out.buffer);
  for (let i = 0; i < nb; i++) {
    let amax = 0;
    let max = 0;
    for (let j = 0; j < 32; j++) {
      const v = x[i * 32 + j]!;
      if (amax < Math.abs(v)) {
        amax = Math.abs(v);
        max = v;
      }
    }
    const d = f(max / -16);
    const id = d ? f(1 / d) : 0;
    view.setUint16(i * 22, fp32ToFp16Bits(d), true);
    let qh = 0;
    for (let j = 0; j < 16; j++) {
      const xi0 = Math.min(31, Math.trunc(f(f(x[i * 32 + j]! * id) + 16.5)));
      const xi1 = Math.min(31, Math.trunc(f(f(x[i * 32 + 16 + j]! * id) + 16.5)));
      out[i * 22 + 6 + j] = (xi0 & 0x0f) | ((xi1 & 0x0f) << 4);
      qh |= ((xi0 & 0x10) >> 4) << j;
      qh |= ((xi1 & 0x10) >> 4) << (j + 16);
    }
    view.setUint32(i * 22 + 2, qh >>> 0, true);
  }
  return out;
}

export function dequantizeQ5_0(bytes: Uint8Array, n: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const y = new Float32Array(n);
  for (let i = 0; i < n / 32; i++) {
    const d = fp16BitsToFp32(view.getUint16(i * 22, true));
    const qh = view.getUint32(i * 22 + 2, true);
    for (let j = 0; j < 16; j++) {
      const b = bytes[i * 22 + 6 + j]!;
      const h0 = ((qh >>> j) << 4) & 0x10;
      const h1 = (qh >>> (j + 12)) & 0x10;
      y[i * 32 + j] = f((((b & 0x0f) | h0) - 16) * d);
      y[i * 32 + 16 + j] = f((((b >> 4) | h1) - 16) * d);
    }
  }
  return y;
}

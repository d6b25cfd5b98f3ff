import { fp16BitsToFp32, fp32ToFp16Bits } from './fp16';

/**
 * Ports of ggml-quants.c's reference K-quant quantizers (quantize_row_q4_K_ref with
 * make_qkx2_quants, quantize_row_q6_K_ref with make_qx_quants) and their dequantizers, for rows
 * that are whole 256-element super-blocks. Every float operation is rounded to float32 in C's
 * evaluation order (ggml-base builds without FMA contraction), so the bytes match ggml's.
 */
const f = Math.fround;
const QK_K = 256;
const GROUP_MAX_EPS = f(1e-15);

const nearestScratch = new Float32Array(1);
const nearestBits = new Int32Array(nearestScratch.buffer);
/** ggml's nearest_int: add 1.5·2^23 in float32 and read the mantissa (round half to even). */
export function nearestInt(value: number): number {
  nearestScratch[0] = f(value) + 12582912;
  return (nearestBits[0]! & 0x007fffff) - 0x00400000;
}

/** make_qkx2_quants: an asymmetric (scale, min) fit over n values by a search of 0..nstep steps. */
function makeQkx2Quants(n: number, nmax: number, x: Float32Array, weights: Float32Array, L: Uint8Array, Laux: Uint8Array, rmin: number, rdelta: number, nstep: number): { scale: number; theMin: number } {
  let min = x[0]!;
  let max = x[0]!;
  let sumW = weights[0]!;
  let sumX = f(sumW * x[0]!);
  for (let i = 1; i < n; i++) {
    if (x[i]! < min) min = x[i]!;
    if (x[i]! > max) max = x[i]!;
    const w = weights[i]!;
    sumW = f(sumW + w);
    sumX = f(sumX + f(w * x[i]!));
  }
  if (min > 0) min = 0;
  if (max === min) {
    L.fill(0, 0, n);
    return { scale: 0, theMin: -min };
  }
  let iscale = f(nmax / f(max - min));
  let scale = f(1 / iscale);
  let bestError = 0;
  for (let i = 0; i < n; i++) {
    const l = nearestInt(f(iscale * f(x[i]! - min)));
    L[i] = Math.max(0, Math.min(nmax, l));
    const diff = f(f(f(scale * L[i]!) + min) - x[i]!);
    bestError = f(bestError + f(weights[i]! * f(diff * diff)));
  }
  if (nstep < 1) return { scale, theMin: -min };
  for (let is = 0; is <= nstep; is++) {
    iscale = f(f(f(rmin + f(rdelta * is)) + nmax) / f(max - min));
    let sumL = 0;
    let sumL2 = 0;
    let sumXL = 0;
    for (let i = 0; i < n; i++) {
      const l = Math.max(0, Math.min(nmax, nearestInt(f(iscale * f(x[i]! - min)))));
      Laux[i] = l;
      const w = weights[i]!;
      sumL = f(sumL + f(w * l));
      sumL2 = f(sumL2 + f(f(w * l) * l));
      sumXL = f(sumXL + f(f(w * l) * x[i]!));
    }
    const D = f(f(sumW * sumL2) - f(sumL * sumL));
    if (D > 0) {
      let thisScale = f(f(f(sumW * sumXL) - f(sumX * sumL)) / D);
      let thisMin = f(f(f(sumL2 * sumX) - f(sumL * sumXL)) / D);
      if (thisMin > 0) {
        thisMin = 0;
        thisScale = f(sumXL / sumL2);
      }
      let curError = 0;
      for (let i = 0; i < n; i++) {
        const diff = f(f(f(thisScale * Laux[i]!) + thisMin) - x[i]!);
        curError = f(curError + f(weights[i]! * f(diff * diff)));
      }
      if (curError < bestError) {
        L.set(Laux.subarray(0, n));
        bestError = curError;
        scale = thisScale;
        min = thisMin;
      }
    }
  }
  return { scale, theMin: -min };
}

function getScaleMinK4(j: number, q: Uint8Array): [number, number] {
  if (j < 4) return [q[j]! & 63, q[j + 4]! & 63];
  return [(q[j + 4]! & 0xf) | ((q[j - 4]! >> 6) << 4), (q[j + 4]! >> 4) | ((q[j]! >> 6) << 4)];
}

/** Q4_K block (144 bytes): d, dmin (fp16), scales[12] (6-bit scale and min per 32), qs[128]. */
export function quantizeQ4_K(input: Float32Array): Uint8Array {
  const nb = input.length / QK_K;
  const out = new Uint8Array(nb * 144);
  const view = new DataView(out.buffer);
  const L = new Uint8Array(QK_K);
  const Laux = new Uint8Array(32);
  const weights = new Float32Array(32);
  const mins = new Float32Array(8);
  const scales = new Float32Array(8);
  for (let i = 0; i < nb; i++) {
    const x = input.subarray(i * QK_K, (i + 1) * QK_K);
    let maxScale = 0;
    let maxMin = 0;
    for (let j = 0; j < 8; j++) {
      const xs = x.subarray(32 * j, 32 * j + 32);
      let sumX2 = 0;
      for (let l = 0; l < 32; l++) sumX2 = f(sumX2 + f(xs[l]! * xs[l]!));
      const avX = f(Math.sqrt(f(sumX2 / 32)));
      for (let l = 0; l < 32; l++) weights[l] = f(avX + Math.abs(xs[l]!));
      const fit = makeQkx2Quants(32, 15, xs, weights, L.subarray(32 * j, 32 * j + 32), Laux, -1, f(0.1), 20);
      scales[j] = fit.scale;
      mins[j] = fit.theMin;
      if (scales[j]! > maxScale) maxScale = scales[j]!;
      if (mins[j]! > maxMin) maxMin = mins[j]!;
    }
    const invScale = maxScale > 0 ? f(63 / maxScale) : 0;
    const invMin = maxMin > 0 ? f(63 / maxMin) : 0;
    const sc = out.subarray(i * 144 + 4, i * 144 + 16);
    for (let j = 0; j < 8; j++) {
      const ls = Math.min(63, nearestInt(f(invScale * scales[j]!)) & 0xff);
      const lm = Math.min(63, nearestInt(f(invMin * mins[j]!)) & 0xff);
      if (j < 4) {
        sc[j] = ls;
        sc[j + 4] = lm;
      } else {
        sc[j + 4] = (ls & 0xf) | ((lm & 0xf) << 4);
        sc[j - 4]! |= (ls >> 4) << 6;
        sc[j]! |= (lm >> 4) << 6;
      }
    }
    const dBits = fp32ToFp16Bits(f(maxScale / 63));
    const dminBits = fp32ToFp16Bits(f(maxMin / 63));
    view.setUint16(i * 144, dBits, true);
    view.setUint16(i * 144 + 2, dminBits, true);
    for (let j = 0; j < 8; j++) {
      const [s, m] = getScaleMinK4(j, sc);
      const d = f(fp16BitsToFp32(dBits) * s);
      if (!d) continue;
      const dm = f(fp16BitsToFp32(dminBits) * m);
      for (let ii = 0; ii < 32; ii++) L[32 * j + ii] = Math.max(0, Math.min(15, nearestInt(f(f(x[32 * j + ii]! + dm) / d))));
    }
    const q = out.subarray(i * 144 + 16, i * 144 + 144);
    for (let j = 0, o = 0; j < QK_K; j += 64, o += 32) {
      for (let l = 0; l < 32; l++) q[o + l] = L[j + l]! | (L[j + l + 32]! << 4);
    }
  }
  return out;
}

export function dequantizeQ4_K(bytes: Uint8Array, n: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const y = new Float32Array(n);
  let k = 0;
  for (let i = 0; i < n / QK_K; i++) {
    const d = fp16BitsToFp32(view.getUint16(i * 144, true));
    const min = fp16BitsToFp32(view.getUint16(i * 144 + 2, true));
    const sc = bytes.subarray(i * 144 + 4, i * 144 + 16);
    const q = bytes.subarray(i * 144 + 16, i * 144 + 144);
    for (let j = 0, is = 0, o = 0; j < QK_K; j += 64, is += 2, o += 32) {
      const [s1, m1] = getScaleMinK4(is, sc);
      const [s2, m2] = getScaleMinK4(is + 1, sc);
      const d1 = f(d * s1), mm1 = f(min * m1), d2 = f(d * s2), mm2 = f(min * m2);
      for (let l = 0; l < 32; l++) y[k++] = f(f(d1 * (q[o + l]! & 0xf)) - mm1);
      for (let l = 0; l < 32; l++) y[k++] = f(f(d2 * (q[o + l]! >> 4)) - mm2);
    }
  }
  return y;
}

/** make_qx_quants with rmse_type 1 (weights x²) and no importance: a symmetric scale search. */
function makeQxQuants(n: number, nmax: number, x: Float32Array, L: Int8Array): number {
  let max = 0;
  let amax = 0;
  for (let i = 0; i < n; i++) {
    const ax = Math.abs(x[i]!);
    if (ax > amax) {
      amax = ax;
      max = x[i]!;
    }
  }
  if (amax < GROUP_MAX_EPS) {
    L.fill(0, 0, n);
    return 0;
  }
  let iscale = f(-nmax / max);
  let sumlx = 0;
  let suml2 = 0;
  for (let i = 0; i < n; i++) {
    const l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(f(iscale * x[i]!))));
    L[i] = l + nmax;
    const w = f(x[i]! * x[i]!);
    sumlx = f(sumlx + f(f(w * x[i]!) * l));
    suml2 = f(suml2 + f(f(w * l) * l));
  }
  let scale = suml2 ? f(sumlx / suml2) : 0;
  let best = f(scale * sumlx);
  for (let is = -9; is <= 9; is++) {
    if (is === 0) continue;
    iscale = f(-f(nmax + f(f(0.1) * is)) / max);
    sumlx = 0;
    suml2 = 0;
    for (let i = 0; i < n; i++) {
      const l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(f(iscale * x[i]!))));
      const w = f(x[i]! * x[i]!);
      sumlx = f(sumlx + f(f(w * x[i]!) * l));
      suml2 = f(suml2 + f(f(w * l) * l));
    }
    if (suml2 > 0 && f(sumlx * sumlx) > f(best * suml2)) {
      for (let i = 0; i < n; i++) L[i] = nmax + Math.max(-nmax, Math.min(nmax - 1, nearestInt(f(iscale * x[i]!))));
      scale = f(sumlx / suml2);
      best = f(scale * sumlx);
    }
  }
  return scale;
}

/** Q6_K block (210 bytes): ql[128] (low 4 bits), qh[64] (high 2 bits), scales[16] (int8), d (fp16). */
export function quantizeQ6_K(input: Float32Array): Uint8Array {
  const nb = input.length / QK_K;
  const out = new Uint8Array(nb * 210);
  const view = new DataView(out.buffer);
  const L = new Int8Array(QK_K);
  const scales = new Float32Array(16);
  for (let i = 0; i < nb; i++) {
    const x = input.subarray(i * QK_K, (i + 1) * QK_K);
    const base = i * 210;
    let maxScale = 0;
    let maxAbsScale = 0;
    for (let ib = 0; ib < 16; ib++) {
      const scale = makeQxQuants(16, 32, x.subarray(16 * ib, 16 * ib + 16), L.subarray(16 * ib, 16 * ib + 16));
      scales[ib] = scale;
      if (Math.abs(scale) > maxAbsScale) {
        maxAbsScale = Math.abs(scale);
        maxScale = scale;
      }
    }
    if (maxAbsScale < GROUP_MAX_EPS) continue; // an all-zero block: every byte 0, d = +0
    const iscale = f(-128 / maxScale);
    const dBits = fp32ToFp16Bits(f(1 / iscale));
    view.setUint16(base + 208, dBits, true);
    for (let ib = 0; ib < 16; ib++) view.setInt8(base + 192 + ib, Math.min(127, nearestInt(f(iscale * scales[ib]!))));
    for (let j = 0; j < 16; j++) {
      const d = f(fp16BitsToFp32(dBits) * view.getInt8(base + 192 + j));
      if (!d) continue;
      for (let ii = 0; ii < 16; ii++) {
        const l = Math.max(-32, Math.min(31, nearestInt(f(x[16 * j + ii]! / d))));
        L[16 * j + ii] = l + 32;
      }
    }
    for (let j = 0, ql = base, qh = base + 128; j < QK_K; j += 128, ql += 64, qh += 32) {
      for (let l = 0; l < 32; l++) {
        const q1 = L[j + l]! & 0xf;
        const q2 = L[j + l + 32]! & 0xf;
        const q3 = L[j + l + 64]! & 0xf;
        const q4 = L[j + l + 96]! & 0xf;
        out[ql + l] = q1 | (q3 << 4);
        out[ql + l + 32] = q2 | (q4 << 4);
        out[qh + l] = (L[j + l]! >> 4) | ((L[j + l + 32]! >> 4) << 2) | ((L[j + l + 64]! >> 4) << 4) | ((L[j + l + 96]! >> 4) << 6);
      }
    }
  }
  return out;
}

export function dequantizeQ6_K(bytes: Uint8Array, n: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const y = new Float32Array(n);
  for (let i = 0; i < n / QK_K; i++) {
    const base = i * 210;
    const d = fp16BitsToFp32(view.getUint16(base + 208, true));
    for (let part = 0; part < 2; part++) {
      const ql = base + part * 64;
      const qh = base + 128 + part * 32;
      const sc = base + 192 + part * 8;
      const yo = i * QK_K + part * 128;
      for (let l = 0; l < 32; l++) {
        const is = l >> 4;
        const q1 = ((bytes[ql + l]! & 0xf) | (((bytes[qh + l]! >> 0) & 3) << 4)) - 32;
        const q2 = ((bytes[ql + l + 32]! & 0xf) | (((bytes[qh + l]! >> 2) & 3) << 4)) - 32;
        const q3 = ((bytes[ql + l]! >> 4) | (((bytes[qh + l]! >> 4) & 3) << 4)) - 32;
        const q4 = ((bytes[ql + l + 32]! >> 4) | (((bytes[qh + l]! >> 6) & 3) << 4)) - 32;
        y[yo + l] = f(f(d * view.getInt8(sc + is)) * q1);
        y[yo + l + 32] = f(f(d * view.getInt8(sc + is + 2)) * q2);
        y[yo + l + 64] = f(f(d * view.getInt8(sc + is + 4)) * q3);
        y[yo + l + 96] = f(f(d * view.getInt8(sc + is + 6)) * q4);
      }
    }
  }
  return y;
}

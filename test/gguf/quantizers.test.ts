// The quantizers against ggml's block layout: one block of each type checked byte for byte, and
// dequantized values within each format's error bound on varied data.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fp16BitsToFp32, fp32ToFp16Bits } from '../../src/modelmaker/gguf/fp16';
import { decodeF16, dequantizeQ4_0, dequantizeQ5_0, dequantizeQ8_0, encodeF16, quantizeQ4_0, quantizeQ5_0, quantizeQ8_0 } from '../../src/modelmaker/gguf/quantBasic';
import { dequantizeQ4_K, dequantizeQ6_K, nearestInt, quantizeQ4_K, quantizeQ6_K } from '../../src/modelmaker/gguf/quantK';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

test('float16 conversion rounds to nearest even, keeps subnormals, overflows to infinity', () => {
  assert.equal(fp32ToFp16Bits(1), 0x3c00);
  assert.equal(fp32ToFp16Bits(-2), 0xc000);
  assert.equal(fp32ToFp16Bits(65504), 0x7bff);
  assert.equal(fp32ToFp16Bits(65520), 0x7c00, 'half-way to the next binade above 65504 rounds up to infinity');
  assert.equal(fp32ToFp16Bits(0.1), 0x2e66);
  assert.equal(fp32ToFp16Bits(1 + 2 ** -11), 0x3c00, 'a tie goes to the even mantissa');
  assert.equal(fp32ToFp16Bits(1 + 3 * 2 ** -11), 0x3c02, 'a tie goes to the even mantissa (up)');
  assert.equal(fp32ToFp16Bits(2 ** -24), 0x0001, 'smallest subnormal');
  assert.equal(fp32ToFp16Bits(2 ** -25), 0x0000, 'half the smallest subnormal is a tie to even: zero');
  assert.equal(fp32ToFp16Bits(3 * 2 ** -25), 0x0002);
  assert.equal(fp32ToFp16Bits(-0), 0x8000);
  assert.ok(Number.isNaN(fp16BitsToFp32(fp32ToFp16Bits(NaN))));
  assert.equal(fp16BitsToFp32(0x3555), 0.333251953125);
});

test('nearest_int is round-half-to-even, as ggml\'s float trick gives', () => {
  assert.deepEqual([0.5, 1.5, 2.5, -0.5, -1.5, 2.4999, -7.6].map(nearestInt), [0, 2, 2, -0, -2, 2, -8].map((v) => v || 0));
});

test('Q8_0: one block by hand — d = amax/127 as fp16, q = roundf(x/d), halves away from zero', () => {
  // amax 127 → d = 1 (fp16 0x3c00), so each q is roundf(x).
  const x = Float32Array.from({ length: 32 }, (_, j) => (j === 0 ? -127 : j === 1 ? 127 : j - 16 + 0.5));
  const q = [-127, 127, ...Array.from({ length: 30 }, (_, k) => { const v = k + 2 - 16 + 0.5; return v < 0 ? -Math.round(-v) : Math.round(v); })];
  const expected = Buffer.concat([Buffer.from([0x00, 0x3c]), Buffer.from(Int8Array.from(q).buffer)]);
  assert.equal(hex(quantizeQ8_0(x)), expected.toString('hex'));
  assert.equal(q[15], -1, '-0.5 rounds to -1 (roundf, not to even)');
  assert.equal(q[16], 1, '0.5 rounds to 1');
});

test('Q4_0: one block by hand — d = max/-8 from the signed extreme, q = min(15, trunc(x/d + 8.5)), element j and j+16 share a byte', () => {
  // max = -8 (largest magnitude, negative) → d = 1, q = min(15, trunc(x + 8.5)).
  const x = Float32Array.from({ length: 32 }, (_, j) => (j === 0 ? -8 : (j % 16) - 8 + (j >= 16 ? 0.75 : 0.25)));
  const q = Array.from(x, (v) => Math.min(15, Math.trunc(v + 8.5)));
  const bytes = [0x00, 0x3c, ...Array.from({ length: 16 }, (_, j) => q[j]! | (q[j + 16]! << 4))];
  assert.equal(hex(quantizeQ4_0(x)), hex(Uint8Array.from(bytes)));
  assert.equal(q[31], 15, '7.75 + 8.5 clamps to 15');
  // Positive extreme: d = max/-8 is negative, so the largest value maps to q = 0.
  const flipped = quantizeQ4_0(Float32Array.from(x, (v) => -v));
  assert.equal(fp16BitsToFp32(flipped[0]! | (flipped[1]! << 8)), -1);
});

test('Q5_0: one block by hand — fifth bits in a little-endian uint32 after d', () => {
  const x = Float32Array.from({ length: 32 }, (_, j) => (j === 0 ? -16 : j - 16));
  // d = -16/-16 = 1, q = min(31, trunc(x + 16.5)) = x + 16.
  const q = Array.from(x, (v) => Math.min(31, Math.trunc(v + 16.5)));
  let qh = 0;
  for (let j = 0; j < 16; j++) qh |= ((q[j]! >> 4) & 1) << j | (((q[j + 16]! >> 4) & 1) << (j + 16));
  const expected = Buffer.alloc(22);
  expected.writeUInt16LE(0x3c00, 0);
  expected.writeUInt32LE(qh >>> 0, 2);
  for (let j = 0; j < 16; j++) expected[6 + j] = (q[j]! & 15) | ((q[j + 16]! & 15) << 4);
  assert.equal(hex(quantizeQ5_0(x)), expected.toString('hex'));
});

/** One 256-value super-block with dyadic values (exact in C and JS) and a shifted sub-block. */
const SUPER_BLOCK = Float32Array.from({ length: 256 }, (_, i) => (((i * 37) % 101) - 50) / 16 + (i % 3 === 0 ? 0.03125 : 0) + (i >= 128 && i < 160 ? 4 : 0));

// Made from SUPER_BLOCK by ggml's quantize_row_q4_K_ref / quantize_row_q6_K_ref (ggml-quants.c at
// llama.cpp 01243c58, compiled with gcc -O2 on x86-64, no FMA contraction).
const GGML_Q4_K = 'a51f802af8f4f8f63cf9fafb0fa6f886b0157bd1378ce348ae046ac0167bd2379df359be056ac1268ce2389df459bf15268ce248ad0459b0157bd1379ce348ae046ac0267bd2379df359be156ac1268c9ef55abf177cc3288de449ae065bb2177cd3389de54aaf066bc3277cd4399ef5056bc1278cd3389ef45ab0166bc2278de349ae055ab1167cd2388de449af056b';
const GGML_Q6_K = 'd058bf37be26ad048c047bf27ad168d0c941ea63db73fb741d950ea72fc841c9bf35ad269c048df26be069d157c038bdfa72ec930d752d970fb630d850ca62eb63d54ac042b83aaf15970c820469ec6146b82ed356fb70e3880a7025971db235c841d962eb63fc740c951ea63fb840c9d129b30b921c74fe86ee67ff47d129b118b1c66cb11b6c861b71c61cb1cb6cb2e49339e48e39d34e34934de49239e44ed4a108d47d08a17c14a148d4bd08d57df8518c2451f8244df8218df4518c245138c636c937c938ca8084c8c938cac8362317';

test('Q4_K: one super-block equals ggml\'s reference quantizer byte for byte (d, dmin, 12 packed 6-bit scales/mins, 128 nibbles)', () => {
  const bytes = quantizeQ4_K(SUPER_BLOCK);
  assert.equal(bytes.length, 144);
  assert.equal(hex(bytes), GGML_Q4_K);
});

test('Q6_K: one super-block equals ggml\'s reference quantizer byte for byte (ql, qh, 16 int8 scales, d)', () => {
  const bytes = quantizeQ6_K(SUPER_BLOCK);
  assert.equal(bytes.length, 210);
  assert.equal(hex(bytes), GGML_Q6_K);
});

test('an all-zero block dequantizes to exact zeros in every type (Q4_0/Q5_0 store d = -0 and the zero point, as ggml does)', () => {
  const zeros = new Float32Array(256);
  for (const [q, dq] of [[quantizeQ8_0, dequantizeQ8_0], [quantizeQ4_0, dequantizeQ4_0], [quantizeQ5_0, dequantizeQ5_0], [quantizeQ4_K, dequantizeQ4_K], [quantizeQ6_K, dequantizeQ6_K]] as const) {
    const bytes = q(zeros);
    assert.ok(dq(bytes, 256).every((v) => v === 0), q.name);
  }
  assert.equal(hex(quantizeQ4_0(zeros.subarray(0, 32))), '0080' + '88'.repeat(16), 'd = 0/-8 = -0, every q = 8');
  assert.ok(quantizeQ6_K(zeros).every((b) => b === 0) && quantizeQ4_K(zeros).every((b) => b === 0) && quantizeQ8_0(zeros).every((b) => b === 0));
});

/** Deterministic weights with a spread of scales, outliers and one-signed blocks. */
function weights(n: number): Float32Array {
  let s = 20261203;
  const rnd = (): number => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  return Float32Array.from({ length: n }, (_, i) => {
    const scale = 10 ** -((i >> 8) % 4);
    const v = (rnd() + rnd() + rnd() - 1.5) * scale * (rnd() < 0.01 ? 6 : 1);
    return ((i >> 8) % 5 === 3) ? Math.abs(v) : v;
  });
}

test('dequantized values stay within each format\'s bound of the float weights', () => {
  const x = weights(256 * 32);
  const blockMax = (i: number, size: number): number => {
    const start = Math.floor(i / size) * size;
    let m = 0;
    for (let j = start; j < start + size; j++) m = Math.max(m, Math.abs(x[j]!));
    return m;
  };
  // Per element, in units of the block's largest magnitude: half a step plus the fp16 rounding of d
  // (Q8_0: step amax/127); Q4_0/Q5_0 reach a full step at the clamped end (x = -max maps past 15/31).
  // Small blocks put d among fp16's subnormals, whose spacing is 2^-24: q·2^-25 more at most.
  const checks: Array<[string, Float32Array, (i: number) => number]> = [
    ['F16', decodeF16(encodeF16(x), x.length), (i) => Math.abs(x[i]!) * 2 ** -11 + 2 ** -25],
    ['Q8_0', dequantizeQ8_0(quantizeQ8_0(x), x.length), (i) => blockMax(i, 32) * (0.5 / 127 + 2 ** -11) * 1.0001 + 127 * 2 ** -25],
    ['Q5_0', dequantizeQ5_0(quantizeQ5_0(x), x.length), (i) => blockMax(i, 32) * (1 / 16 + 2 ** -10) * 1.0001 + 16 * 2 ** -25],
    ['Q4_0', dequantizeQ4_0(quantizeQ4_0(x), x.length), (i) => blockMax(i, 32) * (1 / 8 + 2 ** -10) * 1.0001 + 8 * 2 ** -25],
  ];
  for (const [name, y, bound] of checks) {
    for (let i = 0; i < x.length; i++) assert.ok(Math.abs(y[i]! - x[i]!) <= bound(i), `${name} element ${i}: ${x[i]} → ${y[i]} (bound ${bound(i)})`);
  }
  // K-quants fit scales (and Q4_K mins) by search, so bound the error relative to each 256-block's RMS:
  // 4-bit asymmetric ≈ range/30 per element, 6-bit ≈ range/126; the outliers widen the range.
  for (const [name, y, limit] of [['Q4_K', dequantizeQ4_K(quantizeQ4_K(x), x.length), 0.12], ['Q6_K', dequantizeQ6_K(quantizeQ6_K(x), x.length), 0.05]] as const) {
    for (let b = 0; b < x.length / 256; b++) {
      let err = 0;
      let ref = 0;
      for (let i = b * 256; i < (b + 1) * 256; i++) {
        err += (y[i]! - x[i]!) ** 2;
        ref += x[i]! ** 2;
      }
      const relative = Math.sqrt(err / ref);
      assert.ok(relative < limit, `${name} block ${b}: relative RMS error ${relative}`);
    }
  }
});

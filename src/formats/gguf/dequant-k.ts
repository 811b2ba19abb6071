/**
 * Dequantization of GGML's 256-element "k-quant" super-blocks (`block_q2_K` … `block_q6_K` in
 * ggml-common.h), following ggml's `dequantize_row_q*_K`. Each function decodes every whole block in
 * `src` into `dst`. Intermediate float32 roundings of the reference are reproduced with `Math.fround`
 * (a float64 product or difference of two float32 values, rounded once to float32, equals the float32
 * operation), so results match the reference bit for bit.
 *
 * Layouts (bytes):
 *   Q2_K (84)  = scales[16] (4-bit scale | 4-bit min), qs[64] (2-bit), d:f16, dmin:f16
 *   Q3_K (110) = hmask[32], qs[64] (2-bit), scales[12] (16 × 6-bit, biased by 32), d:f16
 *   Q4_K (144) = d:f16, dmin:f16, scales[12] (8 × 6-bit scale + 8 × 6-bit min), qs[128] (4-bit)
 *   Q5_K (176) = d:f16, dmin:f16, scales[12], qh[32], qs[128]
 *   Q6_K (210) = ql[128] (low 4 bits), qh[64] (high 2 bits), scales:i8[16], d:f16
 */
import { halfLookupTable } from "../decode.js";

const fround = Math.fround;

function f16(half: Float32Array, src: Uint8Array, p: number): number {
  return half[src[p]! | (src[p + 1]! << 8)]!;
}

export function dequantizeQ2_K(src: Uint8Array, dst: Float32Array): void {
  const half = halfLookupTable();
  const blocks = Math.floor(src.byteLength / 84);
  for (let b = 0, p = 0, o = 0; b < blocks; b++, p += 84) {
    const d = f16(half, src, p + 80);
    const dmin = f16(half, src, p + 82);
    let is = 0;
    for (let n = 0; n < 2; n++) {
      const q = p + 16 + n * 32;
      for (let shift = 0; shift < 8; shift += 2) {
        for (let part = 0; part < 2; part++) {
          const sc = src[p + is++]!;
          const dl = fround(d * (sc & 0x0f));
          const ml = fround(dmin * (sc >> 4));
          const base = q + part * 16;
          for (let l = 0; l < 16; l++) dst[o++] = fround(dl * ((src[base + l]! >> shift) & 3)) - ml;
        }
      }
    }
  }
}

export function dequantizeQ3_K(src: Uint8Array, dst: Float32Array): void {
  const half = halfLookupTable();
  const scales = new Float64Array(16);
  const blocks = Math.floor(src.byteLength / 110);
  for (let b = 0, p = 0, o = 0; b < blocks; b++, p += 110) {
    const d = f16(half, src, p + 108);
    const s = p + 96;
    for (let j = 0; j < 16; j++) {
      const low = j < 8 ? src[s + j]! & 0x0f : src[s + j - 8]! >> 4;
      const high = (src[s + 8 + (j & 3)]! >> (2 * (j >> 2))) & 3;
      scales[j] = fround(d * ((low | (high << 4)) - 32));
    }
    let is = 0;
    let mask = 1;
    for (let n = 0; n < 2; n++) {
      const q = p + 32 + n * 32;
      for (let shift = 0; shift < 8; shift += 2) {
        for (let part = 0; part < 2; part++) {
          const dl = scales[is++]!;
          const base = part * 16;
          for (let l = 0; l < 16; l++) {
            const low = (src[q + base + l]! >> shift) & 3;
            const sub = src[p + base + l]! & mask ? 0 : 4;
            dst[o++] = dl * (low - sub);
          }
        }
        mask <<= 1;
      }
    }
  }
}

/**
 * The 8 sub-block scales and mins of a Q4_K/Q5_K block: 6-bit values packed in the 12 bytes at
 * `p + 4`, multiplied by the block's fp16 `d` (at `p`) and `dmin` (at `p + 2`).
 */
function scalesAndMins(
  half: Float32Array,
  src: Uint8Array,
  p: number,
  scales: Float64Array,
  mins: Float64Array,
) {
  const d = f16(half, src, p);
  const dmin = f16(half, src, p + 2);
  const s = p + 4;
  for (let j = 0; j < 8; j++) {
    let sc: number;
    let m: number;
    if (j < 4) {
      sc = src[s + j]! & 63;
      m = src[s + j + 4]! & 63;
    } else {
      sc = (src[s + j + 4]! & 0x0f) | ((src[s + j - 4]! >> 6) << 4);
      m = (src[s + j + 4]! >> 4) | ((src[s + j]! >> 6) << 4);
    }
    scales[j] = fround(d * sc);
    mins[j] = fround(dmin * m);
  }
}

export function dequantizeQ4_K(src: Uint8Array, dst: Float32Array): void {
  const half = halfLookupTable();
  const scales = new Float64Array(8);
  const mins = new Float64Array(8);
  const blocks = Math.floor(src.byteLength / 144);
  for (let b = 0, p = 0, o = 0; b < blocks; b++, p += 144) {
    scalesAndMins(half, src, p, scales, mins);
    for (let j = 0; j < 4; j++) {
      const d1 = scales[2 * j]!;
      const m1 = mins[2 * j]!;
      const d2 = scales[2 * j + 1]!;
      const m2 = mins[2 * j + 1]!;
      const q = p + 16 + j * 32;
      for (let l = 0; l < 32; l++) dst[o + l] = fround(d1 * (src[q + l]! & 0x0f)) - m1;
      for (let l = 0; l < 32; l++) dst[o + 32 + l] = fround(d2 * (src[q + l]! >> 4)) - m2;
      o += 64;
    }
  }
}

export function dequantizeQ5_K(src: Uint8Array, dst: Float32Array): void {
  const half = halfLookupTable();
  const scales = new Float64Array(8);
  const mins = new Float64Array(8);
  const blocks = Math.floor(src.byteLength / 176);
  for (let b = 0, p = 0, o = 0; b < blocks; b++, p += 176) {
    scalesAndMins(half, src, p, scales, mins);
    const qh = p + 16;
    for (let j = 0; j < 4; j++) {
      const d1 = scales[2 * j]!;
      const m1 = mins[2 * j]!;
      const d2 = scales[2 * j + 1]!;
      const m2 = mins[2 * j + 1]!;
      const q = p + 48 + j * 32;
      const bit1 = 2 * j;
      const bit2 = 2 * j + 1;
      for (let l = 0; l < 32; l++) {
        const high = ((src[qh + l]! >> bit1) & 1) << 4;
        dst[o + l] = fround(d1 * ((src[q + l]! & 0x0f) | high)) - m1;
      }
      for (let l = 0; l < 32; l++) {
        const high = ((src[qh + l]! >> bit2) & 1) << 4;
        dst[o + 32 + l] = fround(d2 * ((src[q + l]! >> 4) | high)) - m2;
      }
      o += 64;
    }
  }
}

export function dequantizeQ6_K(src: Uint8Array, dst: Float32Array): void {
  const half = halfLookupTable();
  const scales = new Float64Array(16);
  const blocks = Math.floor(src.byteLength / 210);
  for (let b = 0, p = 0, o = 0; b < blocks; b++, p += 210) {
    const d = f16(half, src, p + 208);
    for (let j = 0; j < 16; j++) scales[j] = fround(d * ((src[p + 192 + j]! << 24) >> 24));
    for (let n = 0; n < 2; n++) {
      const ql = p + n * 64;
      const qh = p + 128 + n * 32;
      const sc = n * 8;
      for (let l = 0; l < 32; l++) {
        const is = sc + (l >> 4);
        const h = src[qh + l]!;
        const a = src[ql + l]!;
        const c = src[ql + l + 32]!;
        dst[o + l] = scales[is]! * (((a & 0x0f) | ((h & 3) << 4)) - 32);
        dst[o + l + 32] = scales[is + 2]! * (((c & 0x0f) | (((h >> 2) & 3) << 4)) - 32);
        dst[o + l + 64] = scales[is + 4]! * (((a >> 4) | (((h >> 4) & 3) << 4)) - 32);
        dst[o + l + 96] = scales[is + 6]! * (((c >> 4) | (((h >> 6) & 3) << 4)) - 32);
      }
      o += 128;
    }
  }
}

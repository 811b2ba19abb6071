/**
 * Dequantization of GGML's 32-element "legacy" block types, following the block layouts of ggml
 * (`block_q4_0` … `block_q8_0` in ggml-common.h). Each function decodes every whole block in `src` into
 * `dst` (which must have room for blocks × 32 values). Where ggml rounds an intermediate product to
 * float32 before adding, so do we (`Math.fround`), so results match the reference bit for bit.
 *
 * Layouts (bytes): Q4_0 = d:f16, qs[16]        Q4_1 = d:f16, m:f16, qs[16]
 *                  Q5_0 = d:f16, qh:u32, qs[16] Q5_1 = d:f16, m:f16, qh:u32, qs[16]
 *                  Q8_0 = d:f16, qs:i8[32]
 * 4-bit values: the low nibbles of qs[0..15] are elements 0..15, the high nibbles elements 16..31;
 * Q5 adds bit j of qh as the fifth bit of element j.
 */
import { halfLookupTable } from "../decode.js";

const fround = Math.fround;

export function dequantizeQ4_0(src: Uint8Array, dst: Float32Array): void {
  const half = halfLookupTable();
  const blocks = Math.floor(src.byteLength / 18);
  for (let b = 0, p = 0, o = 0; b < blocks; b++, p += 18, o += 32) {
    const d = half[src[p]! | (src[p + 1]! << 8)]!;
    for (let j = 0; j < 16; j++) {
      const q = src[p + 2 + j]!;
      dst[o + j] = ((q & 0x0f) - 8) * d;
      dst[o + j + 16] = ((q >> 4) - 8) * d;
    }
  }
}

export function dequantizeQ4_1(src: Uint8Array, dst: Float32Array): void {
  const half = halfLookupTable();
  const blocks = Math.floor(src.byteLength / 20);
  for (let b = 0, p = 0, o = 0; b < blocks; b++, p += 20, o += 32) {
    const d = half[src[p]! | (src[p + 1]! << 8)]!;
    const m = half[src[p + 2]! | (src[p + 3]! << 8)]!;
    for (let j = 0; j < 16; j++) {
      const q = src[p + 4 + j]!;
      dst[o + j] = fround((q & 0x0f) * d) + m;
      dst[o + j + 16] = fround((q >> 4) * d) + m;
    }
  }
}

function readU32(src: Uint8Array, p: number): number {
  return (src[p]! | (src[p + 1]! << 8) | (src[p + 2]! << 16) | (src[p + 3]! << 24)) >>> 0;
}

export function dequantizeQ5_0(src: Uint8Array, dst: Float32Array): void {
  const half = halfLookupTable();
  const blocks = Math.floor(src.byteLength / 22);
  for (let b = 0, p = 0, o = 0; b < blocks; b++, p += 22, o += 32) {
    const d = half[src[p]! | (src[p + 1]! << 8)]!;
    const qh = readU32(src, p + 2);
    for (let j = 0; j < 16; j++) {
      const q = src[p + 6 + j]!;
      const high0 = ((qh >>> j) & 1) << 4;
      const high1 = ((qh >>> (j + 16)) & 1) << 4;
      dst[o + j] = (((q & 0x0f) | high0) - 16) * d;
      dst[o + j + 16] = (((q >> 4) | high1) - 16) * d;
    }
  }
}

export function dequantizeQ5_1(src: Uint8Array, dst: Float32Array): void {
  const half = halfLookupTable();
  const blocks = Math.floor(src.byteLength / 24);
  for (let b = 0, p = 0, o = 0; b < blocks; b++, p += 24, o += 32) {
    const d = half[src[p]! | (src[p + 1]! << 8)]!;
    const m = half[src[p + 2]! | (src[p + 3]! << 8)]!;
    const qh = readU32(src, p + 4);
    for (let j = 0; j < 16; j++) {
      const q = src[p + 8 + j]!;
      const high0 = ((qh >>> j) & 1) << 4;
      const high1 = ((qh >>> (j + 16)) & 1) << 4;
      dst[o + j] = fround(((q & 0x0f) | high0) * d) + m;
      dst[o + j + 16] = fround(((q >> 4) | high1) * d) + m;
    }
  }
}

export function dequantizeQ8_0(src: Uint8Array, dst: Float32Array): void {
  const half = halfLookupTable();
  const blocks = Math.floor(src.byteLength / 34);
  for (let b = 0, p = 0, o = 0; b < blocks; b++, p += 34, o += 32) {
    const d = half[src[p]! | (src[p + 1]! << 8)]!;
    for (let j = 0; j < 32; j++) dst[o + j] = ((src[p + 2 + j]! << 24) >> 24) * d;
  }
}

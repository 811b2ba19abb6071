// GGML's 256-value "k-quant" super-blocks → float32 (block_q2_K … block_q6_K in ggml-common.h,
// dequantize_row_q*_K in ggml-quants.c). Each function decodes `blocks` whole blocks from src into
// dst (blocks × 256 float32). Sub-block scales are float32 products rounded once, as in ggml.
// Reference, bit for bit: src/formats/gguf/dequant-k.ts.
import { halfToF32 } from "./half";
import { emitMul, emitMulAdd } from "./lanes";

const LOW = i8x16.splat(0x0f);
const ZERO = i8x16.splat(0);

export function decodeQ2_K(src: usize, blocks: i32, dst: usize): void {
  for (let b = 0; b < blocks; b++, src += 84) {
    const d = halfToF32(<u32>load<u16>(src + 80));
    const dmin = halfToF32(<u32>load<u16>(src + 82));
    let is = 0;
    for (let n = 0; n < 2; n++) {
      const q = src + 16 + n * 32;
      for (let shift = 0; shift < 8; shift += 2) {
        for (let part = 0; part < 2; part++, is++, dst += 64) {
          const sc = <u32>load<u8>(src + is);
          const dl = f32x4.splat(d * <f32>(sc & 0x0f));
          const negMl = f32x4.splat(-(dmin * <f32>(sc >> 4)));
          const v = v128.and(i8x16.shr_u(v128.load(q + part * 16), shift), i8x16.splat(3));
          emitMulAdd(v, dl, negMl, dst);
        }
      }
    }
  }
}

export function decodeQ3_K(src: usize, blocks: i32, dst: usize): void {
  const four = i8x16.splat(4);
  for (let b = 0; b < blocks; b++, src += 110) {
    const d = halfToF32(<u32>load<u16>(src + 108));
    const s = src + 96;
    let is = 0;
    let mask: u32 = 1;
    for (let n = 0; n < 2; n++) {
      const q = src + 32 + n * 32;
      for (let shift = 0; shift < 8; shift += 2) {
        const maskv = i8x16.splat(<i8>mask);
        for (let part = 0; part < 2; part++, is++, dst += 64) {
          const low = is < 8 ? <u32>load<u8>(s + is) & 0x0f : <u32>load<u8>(s + is - 8) >> 4;
          const high = (<u32>load<u8>(s + 8 + (is & 3)) >> (2 * (is >> 2))) & 3;
          const dl = f32x4.splat(d * <f32>(<i32>(low | (high << 4)) - 32));
          const values = v128.and(i8x16.shr_u(v128.load(q + part * 16), shift), i8x16.splat(3));
          const cleared = i8x16.eq(v128.and(v128.load(src + part * 16), maskv), ZERO);
          emitMul(i8x16.sub(values, v128.and(cleared, four)), dl, dst);
        }
        mask <<= 1;
      }
    }
  }
}

/** Scale j (0..7) of a Q4_K/Q5_K block: 6 bits packed in the 12 bytes at s, times d. */
@inline
function kScale(s: usize, j: i32, d: f32): f32 {
  const sc = j < 4
    ? <u32>load<u8>(s + j) & 63
    : (<u32>load<u8>(s + j + 4) & 0x0f) | ((<u32>load<u8>(s + j - 4) >> 6) << 4);
  return d * <f32>sc;
}

/** Min j (0..7) of a Q4_K/Q5_K block, times dmin. */
@inline
function kMin(s: usize, j: i32, dmin: f32): f32 {
  const m = j < 4
    ? <u32>load<u8>(s + j + 4) & 63
    : (<u32>load<u8>(s + j + 4) >> 4) | ((<u32>load<u8>(s + j) >> 6) << 4);
  return dmin * <f32>m;
}

export function decodeQ4_K(src: usize, blocks: i32, dst: usize): void {
  for (let b = 0; b < blocks; b++, src += 144) {
    const d = halfToF32(<u32>load<u16>(src));
    const dmin = halfToF32(<u32>load<u16>(src + 2));
    const s = src + 4;
    for (let j = 0; j < 4; j++, dst += 256) {
      const d1 = f32x4.splat(kScale(s, 2 * j, d));
      const m1 = f32x4.splat(-kMin(s, 2 * j, dmin));
      const d2 = f32x4.splat(kScale(s, 2 * j + 1, d));
      const m2 = f32x4.splat(-kMin(s, 2 * j + 1, dmin));
      const q = src + 16 + j * 32;
      for (let h = 0; h < 2; h++) {
        const v = v128.load(q + h * 16);
        emitMulAdd(v128.and(v, LOW), d1, m1, dst + h * 64);
        emitMulAdd(i8x16.shr_u(v, 4), d2, m2, dst + 128 + h * 64);
      }
    }
  }
}

export function decodeQ5_K(src: usize, blocks: i32, dst: usize): void {
  const sixteen = i8x16.splat(0x10);
  for (let b = 0; b < blocks; b++, src += 176) {
    const d = halfToF32(<u32>load<u16>(src));
    const dmin = halfToF32(<u32>load<u16>(src + 2));
    const s = src + 4;
    const qh = src + 16;
    for (let j = 0; j < 4; j++, dst += 256) {
      const d1 = f32x4.splat(kScale(s, 2 * j, d));
      const m1 = f32x4.splat(-kMin(s, 2 * j, dmin));
      const d2 = f32x4.splat(kScale(s, 2 * j + 1, d));
      const m2 = f32x4.splat(-kMin(s, 2 * j + 1, dmin));
      const shift1: i32 = 1 << (2 * j);
      const shift2: i32 = shift1 << 1;
      const bit1 = i8x16.splat(<i8>shift1);
      const bit2 = i8x16.splat(<i8>shift2);
      const q = src + 48 + j * 32;
      for (let h = 0; h < 2; h++) {
        const v = v128.load(q + h * 16);
        const hb = v128.load(qh + h * 16);
        const high1 = v128.andnot(sixteen, i8x16.eq(v128.and(hb, bit1), ZERO));
        const high2 = v128.andnot(sixteen, i8x16.eq(v128.and(hb, bit2), ZERO));
        emitMulAdd(v128.or(v128.and(v, LOW), high1), d1, m1, dst + h * 64);
        emitMulAdd(v128.or(i8x16.shr_u(v, 4), high2), d2, m2, dst + 128 + h * 64);
      }
    }
  }
}

export function decodeQ6_K(src: usize, blocks: i32, dst: usize): void {
  const three = i8x16.splat(3);
  const bias = i8x16.splat(32);
  for (let b = 0; b < blocks; b++, src += 210) {
    const d = halfToF32(<u32>load<u16>(src + 208));
    for (let n = 0; n < 2; n++, dst += 512) {
      const ql = src + n * 64;
      const qhp = src + 128 + n * 32;
      const sc = src + 192 + n * 8;
      for (let h = 0; h < 2; h++) {
        const a = v128.load(ql + h * 16);
        const c = v128.load(ql + 32 + h * 16);
        const hb = v128.load(qhp + h * 16);
        const v1 = v128.or(v128.and(a, LOW), i8x16.shl(v128.and(hb, three), 4));
        const v2 = v128.or(v128.and(c, LOW), i8x16.shl(v128.and(i8x16.shr_u(hb, 2), three), 4));
        const v3 = v128.or(i8x16.shr_u(a, 4), i8x16.shl(v128.and(i8x16.shr_u(hb, 4), three), 4));
        const v4 = v128.or(i8x16.shr_u(c, 4), i8x16.shl(i8x16.shr_u(hb, 6), 4));
        const is = sc + h;
        const out = dst + h * 64;
        emitMul(i8x16.sub(v1, bias), f32x4.splat(d * <f32>load<i8>(is)), out);
        emitMul(i8x16.sub(v2, bias), f32x4.splat(d * <f32>load<i8>(is + 2)), out + 128);
        emitMul(i8x16.sub(v3, bias), f32x4.splat(d * <f32>load<i8>(is + 4)), out + 256);
        emitMul(i8x16.sub(v4, bias), f32x4.splat(d * <f32>load<i8>(is + 6)), out + 384);
      }
    }
  }
}

// IEEE half (and FP8) → float32 by exponent rebasing: the magnitude bits are moved into float32
// position and multiplied by a power of two, which is exact for normal and subnormal values alike
// (WebAssembly never flushes subnormals); exponent-all-ones codes are mapped to ±Inf/NaN separately.
// Reference: halfToFloat / fp8 tables in src/formats/decode.ts.

/** 2^112: rebases a half's exponent (bias 15) shifted into float32 position (bias 127). */
export const HALF_REBASE: f32 = reinterpret<f32>(0x77800000);
/** 2^120: rebases an E4M3 exponent (bias 7). */
export const E4M3_REBASE: f32 = reinterpret<f32>(0x7b800000);

/** One half (low 16 bits of h) → float32, exactly. */
@inline
export function halfToF32(h: u32): f32 {
  const magnitude = h & 0x7fff;
  const sign = (h & 0x8000) << 16;
  if (magnitude >= 0x7c00) return reinterpret<f32>(sign | 0x7f800000 | ((magnitude & 0x3ff) << 13));
  return reinterpret<f32>(reinterpret<u32>(reinterpret<f32>(magnitude << 13) * HALF_REBASE) | sign);
}

/** Four halves (u32 lanes holding 16-bit codes) → four float32. */
@inline
export function halfToF32x4(h: v128): v128 {
  const magnitude = v128.and(h, i32x4.splat(0x7fff));
  const sign = i32x4.shl(v128.and(h, i32x4.splat(0x8000)), 16);
  const shifted = i32x4.shl(magnitude, 13);
  const finite = f32x4.mul(shifted, f32x4.splat(HALF_REBASE));
  const special = v128.or(shifted, i32x4.splat(0x7f800000));
  const isSpecial = i32x4.gt_s(magnitude, i32x4.splat(0x7bff));
  return v128.or(v128.bitselect(special, finite, isSpecial), sign);
}

/** Four E4M3 "fn" codes (u32 lanes) → float32: no infinities, S.1111.111 is NaN. */
@inline
export function e4m3ToF32x4(b: v128): v128 {
  const magnitude = v128.and(b, i32x4.splat(0x7f));
  const sign = i32x4.shl(v128.and(b, i32x4.splat(0x80)), 24);
  const value = f32x4.mul(i32x4.shl(magnitude, 20), f32x4.splat(E4M3_REBASE));
  const nan = i32x4.eq(magnitude, i32x4.splat(0x7f));
  return v128.or(v128.bitselect(i32x4.splat(0x7fc00000), value, nan), sign);
}

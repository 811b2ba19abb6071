// Widening helpers shared by the quantized decoders: 16 small integers in i8 lanes → 16 float32,
// scaled (and offset) the way ggml's dequantizers do it: one float32 multiply, then one float32 add,
// so results match the float32 reference bit for bit (no fused multiply-add).

/** out[0..16) = f32(q[k]) * scale, q signed i8 lanes. */
@inline
export function emitMul(q: v128, scale: v128, out: usize): void {
  const lo = i16x8.extend_low_i8x16_s(q);
  const hi = i16x8.extend_high_i8x16_s(q);
  v128.store(out, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(lo)), scale));
  v128.store(out + 16, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(lo)), scale));
  v128.store(out + 32, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(hi)), scale));
  v128.store(out + 48, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(hi)), scale));
}

/** out[0..16) = f32(q[k]) * scale + offset (two roundings), q signed i8 lanes. */
@inline
export function emitMulAdd(q: v128, scale: v128, offset: v128, out: usize): void {
  const lo = i16x8.extend_low_i8x16_s(q);
  const hi = i16x8.extend_high_i8x16_s(q);
  v128.store(out, f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(lo)), scale), offset));
  v128.store(out + 16, f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(lo)), scale), offset));
  v128.store(out + 32, f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(hi)), scale), offset));
  v128.store(out + 48, f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(hi)), scale), offset));
}

/** 16 bytes whose lane k is 0x10 when bit (first + k) of `bits` is set, else 0 (Q5 high bits). */
@inline
export function highBits(bits: u32, first: i32): v128 {
  const spread = i8x16.swizzle(
    i32x4.splat(bits >>> first),
    i8x16(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1),
  );
  const mask = i8x16(1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32, 64, -128);
  return v128.and(i8x16.eq(v128.and(spread, mask), mask), i8x16.splat(0x10));
}

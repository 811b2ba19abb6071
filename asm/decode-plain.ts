// Plain (one code per value) element types → float32: BF16, F16, FP8 E4M3/E5M2, and a per-block
// rescale used for FP8 block scales. Reference: decodeToFloat32 in src/formats/decode.ts.
import { e4m3ToF32x4, halfToF32, halfToF32x4 } from "./half";

/** bfloat16 → float32, n values from src to dst (dst may not overlap src). */
export function decodeBf16(src: usize, n: i32, dst: usize): void {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const v = v128.load(src + (<usize>i << 1));
    v128.store(dst + (<usize>i << 2), i32x4.shl(i32x4.extend_low_i16x8_u(v), 16));
    v128.store(dst + (<usize>i << 2) + 16, i32x4.shl(i32x4.extend_high_i16x8_u(v), 16));
  }
  for (; i < n; i++) store<u32>(dst + (<usize>i << 2), <u32>load<u16>(src + (<usize>i << 1)) << 16);
}

/** IEEE half → float32, n values. */
export function decodeF16(src: usize, n: i32, dst: usize): void {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const v = v128.load(src + (<usize>i << 1));
    v128.store(dst + (<usize>i << 2), halfToF32x4(i32x4.extend_low_i16x8_u(v)));
    v128.store(dst + (<usize>i << 2) + 16, halfToF32x4(i32x4.extend_high_i16x8_u(v)));
  }
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), halfToF32(<u32>load<u16>(src + (<usize>i << 1))));
}

/** FP8 E5M2 → float32: an E5M2 code is the high byte of the half with the same value. */
export function decodeF8E5M2(src: usize, n: i32, dst: usize): void {
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const v = v128.load(src + <usize>i);
    const lo = i16x8.shl(i16x8.extend_low_i8x16_u(v), 8);
    const hi = i16x8.shl(i16x8.extend_high_i8x16_u(v), 8);
    const out = dst + (<usize>i << 2);
    v128.store(out, halfToF32x4(i32x4.extend_low_i16x8_u(lo)));
    v128.store(out + 16, halfToF32x4(i32x4.extend_high_i16x8_u(lo)));
    v128.store(out + 32, halfToF32x4(i32x4.extend_low_i16x8_u(hi)));
    v128.store(out + 48, halfToF32x4(i32x4.extend_high_i16x8_u(hi)));
  }
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), halfToF32(<u32>load<u8>(src + <usize>i) << 8));
}

/** FP8 E4M3 ("fn": finite only, S.1111.111 = NaN) → float32. */
export function decodeF8E4M3(src: usize, n: i32, dst: usize): void {
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const v = v128.load(src + <usize>i);
    const lo = i16x8.extend_low_i8x16_u(v);
    const hi = i16x8.extend_high_i8x16_u(v);
    const out = dst + (<usize>i << 2);
    v128.store(out, e4m3ToF32x4(i32x4.extend_low_i16x8_u(lo)));
    v128.store(out + 16, e4m3ToF32x4(i32x4.extend_high_i16x8_u(lo)));
    v128.store(out + 32, e4m3ToF32x4(i32x4.extend_low_i16x8_u(hi)));
    v128.store(out + 48, e4m3ToF32x4(i32x4.extend_high_i16x8_u(hi)));
  }
  for (; i < n; i++) {
    const b = <u32>load<u8>(src + <usize>i);
    store<f32>(dst + (<usize>i << 2), f32x4.extract_lane(e4m3ToF32x4(i32x4.splat(b)), 0));
  }
}

/** Multiplies the n float32 values at ptr in place, run j of `block` values by the float32 scales[j]
 * (FP8 checkpoints' per-block `weight_scale_inv` along a row). */
export function scaleBlocks(ptr: usize, n: i32, scales: usize, block: i32): void {
  for (let start = 0, j = 0; start < n; start += block, j++) {
    const end = min(n, start + block);
    const s = load<f32>(scales + (<usize>j << 2));
    const sv = f32x4.splat(s);
    let i = start;
    for (; i + 4 <= end; i += 4) {
      const at = ptr + (<usize>i << 2);
      v128.store(at, f32x4.mul(v128.load(at), sv));
    }
    for (; i < end; i++) {
      const at = ptr + (<usize>i << 2);
      store<f32>(at, load<f32>(at) * s);
    }
  }
}

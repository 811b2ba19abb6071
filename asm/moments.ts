// Streaming moments of float32 values (sum, sum of squares around a shift, min, max). The reference
// implementation is the pure-TS `finiteMomentsTs` in src/fingerprint/tensor-stats.ts;
// test/perf/wasm-kernels.test.ts checks agreement.
//
// moments*(ptr, n, shift, out): sum and sum of squares of (value − shift) in float64, min and max of
// n values at ptr, written as four f64 at out. Returns 1, or 0 when a NaN or ±Inf made a sum
// non-finite (the caller then redoes the chunk in TS, which counts them).
import { decodeBf16 } from "./decode-plain";

/** Adds n float32 values at ptr into the four f64 at out (sum, sum of squares, min, max). */
function accumulate(ptr: usize, n: i32, shift: f64, out: usize): void {
  const sh = f64x2.splat(shift);
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0), q0 = f64x2.splat(0), q1 = f64x2.splat(0);
  let mn = f32x4.splat(<f32>shift), mx = f32x4.splat(<f32>shift);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(ptr + (<usize>i << 2));
    mn = f32x4.min(mn, v);
    mx = f32x4.max(mx, v);
    const lo = f64x2.sub(f64x2.promote_low_f32x4(v), sh);
    const hi = f64x2.sub(f64x2.promote_low_f32x4(v128.shuffle<i32>(v, v, 2, 3, 0, 1)), sh);
    s0 = f64x2.add(s0, lo);
    s1 = f64x2.add(s1, hi);
    q0 = f64x2.add(q0, f64x2.mul(lo, lo));
    q1 = f64x2.add(q1, f64x2.mul(hi, hi));
  }
  const s = f64x2.add(s0, s1);
  const q = f64x2.add(q0, q1);
  let sum = load<f64>(out) + f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  let squares = load<f64>(out + 8) + f64x2.extract_lane(q, 0) + f64x2.extract_lane(q, 1);
  let lowest = min(load<f64>(out + 16), <f64>min(min(f32x4.extract_lane(mn, 0), f32x4.extract_lane(mn, 1)), min(f32x4.extract_lane(mn, 2), f32x4.extract_lane(mn, 3))));
  let highest = max(load<f64>(out + 24), <f64>max(max(f32x4.extract_lane(mx, 0), f32x4.extract_lane(mx, 1)), max(f32x4.extract_lane(mx, 2), f32x4.extract_lane(mx, 3))));
  for (; i < n; i++) {
    const v = <f64>load<f32>(ptr + (<usize>i << 2));
    const d = v - shift;
    sum += d;
    squares += d * d;
    lowest = min(lowest, v);
    highest = max(highest, v);
  }
  store<f64>(out, sum);
  store<f64>(out + 8, squares);
  store<f64>(out + 16, lowest);
  store<f64>(out + 24, highest);
}

@inline
function start(shift: f64, out: usize): void {
  store<f64>(out, 0);
  store<f64>(out + 8, 0);
  store<f64>(out + 16, shift);
  store<f64>(out + 24, shift);
}

@inline
function finite(out: usize): i32 {
  const s = load<f64>(out);
  const q = load<f64>(out + 8);
  return i32(s - s == 0 && q - q == 0);
}

/** float32 values. */
export function momentsF32(ptr: usize, n: i32, shift: f64, out: usize): i32 {
  start(shift, out);
  accumulate(ptr, n, shift, out);
  return finite(out);
}

/** Values per block decoded into the scratch area before accumulating (16 KiB: stays in L1). */
const BLOCK: i32 = 4096;

/** bfloat16 values (little-endian): decoded block by block into scratch (n*2 bytes after ptr,
 * 16-byte aligned, BLOCK*4 bytes long) and accumulated while the block is in cache. */
export function momentsBf16(ptr: usize, n: i32, shift: f64, out: usize): i32 {
  start(shift, out);
  const scratch = (ptr + (<usize>n << 1) + 15) & ~(<usize>15);
  for (let i = 0; i < n; i += BLOCK) {
    const m = min(BLOCK, n - i);
    decodeBf16(ptr + (<usize>i << 1), m, scratch);
    accumulate(scratch, m, shift, out);
  }
  return finite(out);
}

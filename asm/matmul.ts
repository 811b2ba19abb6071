// C = A·Bᵀ in float32 for row-major A [m × n] and B [p × n] (both read along their rows), C [m × p].
// Cache-blocked: B is taken JB rows × KC columns at a time (64 KiB, stays in L2) and every group of
// four A rows (KC columns each, stays in L1) is multiplied against it two B rows at a time with eight
// SIMD accumulators. Summation order differs from the TS reference (src/fingerprint/weights-linalg.ts)
// only by float32 rounding.

/** Columns (floats) of A and B taken at a time. */
const KC = 256;
/** Rows of B taken at a time. */
const JB = 64;

@inline
function sum4(v: v128): f32 {
  const pair = f32x4.add(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(pair, 0) + f32x4.extract_lane(pair, 1);
}

/** Adds rows i..i+3 of A times rows j, j+1 of B over columns [k0, k0+kc) into C. */
@inline
function block4x2(a: usize, b: usize, c: usize, n: i32, p: i32, i: i32, j: i32, k0: i32, kc: i32): void {
  const stride = <usize>n << 2;
  const a0 = a + ((<usize>i * <usize>n + <usize>k0) << 2);
  const a1 = a0 + stride;
  const a2 = a1 + stride;
  const a3 = a2 + stride;
  const b0 = b + ((<usize>j * <usize>n + <usize>k0) << 2);
  const b1 = b0 + stride;
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let t: usize = 0;
  const end = <usize>(kc & ~3) << 2;
  for (; t < end; t += 16) {
    const x0 = v128.load(b0 + t);
    const x1 = v128.load(b1 + t);
    let y = v128.load(a0 + t);
    c00 = f32x4.add(c00, f32x4.mul(y, x0));
    c01 = f32x4.add(c01, f32x4.mul(y, x1));
    y = v128.load(a1 + t);
    c10 = f32x4.add(c10, f32x4.mul(y, x0));
    c11 = f32x4.add(c11, f32x4.mul(y, x1));
    y = v128.load(a2 + t);
    c20 = f32x4.add(c20, f32x4.mul(y, x0));
    c21 = f32x4.add(c21, f32x4.mul(y, x1));
    y = v128.load(a3 + t);
    c30 = f32x4.add(c30, f32x4.mul(y, x0));
    c31 = f32x4.add(c31, f32x4.mul(y, x1));
  }
  let s00 = sum4(c00), s01 = sum4(c01), s10 = sum4(c10), s11 = sum4(c11);
  let s20 = sum4(c20), s21 = sum4(c21), s30 = sum4(c30), s31 = sum4(c31);
  for (const last = <usize>kc << 2; t < last; t += 4) {
    const x0 = load<f32>(b0 + t);
    const x1 = load<f32>(b1 + t);
    s00 += load<f32>(a0 + t) * x0;
    s01 += load<f32>(a0 + t) * x1;
    s10 += load<f32>(a1 + t) * x0;
    s11 += load<f32>(a1 + t) * x1;
    s20 += load<f32>(a2 + t) * x0;
    s21 += load<f32>(a2 + t) * x1;
    s30 += load<f32>(a3 + t) * x0;
    s31 += load<f32>(a3 + t) * x1;
  }
  const row = <usize>p << 2;
  const o = c + ((<usize>i * <usize>p + <usize>j) << 2);
  store<f32>(o, load<f32>(o) + s00);
  store<f32>(o + 4, load<f32>(o + 4) + s01);
  store<f32>(o + row, load<f32>(o + row) + s10);
  store<f32>(o + row + 4, load<f32>(o + row + 4) + s11);
  store<f32>(o + 2 * row, load<f32>(o + 2 * row) + s20);
  store<f32>(o + 2 * row + 4, load<f32>(o + 2 * row + 4) + s21);
  store<f32>(o + 3 * row, load<f32>(o + 3 * row) + s30);
  store<f32>(o + 3 * row + 4, load<f32>(o + 3 * row + 4) + s31);
}

/** Adds row i of A times row j of B over columns [k0, k0+kc) into C. */
@inline
function block1x1(a: usize, b: usize, c: usize, n: i32, p: i32, i: i32, j: i32, k0: i32, kc: i32): void {
  const x = a + ((<usize>i * <usize>n + <usize>k0) << 2);
  const y = b + ((<usize>j * <usize>n + <usize>k0) << 2);
  let acc = f32x4.splat(0);
  let t: usize = 0;
  const end = <usize>(kc & ~3) << 2;
  for (; t < end; t += 16) acc = f32x4.add(acc, f32x4.mul(v128.load(x + t), v128.load(y + t)));
  let s = sum4(acc);
  for (const last = <usize>kc << 2; t < last; t += 4) s += load<f32>(x + t) * load<f32>(y + t);
  const o = c + ((<usize>i * <usize>p + <usize>j) << 2);
  store<f32>(o, load<f32>(o) + s);
}

/** C [m × p] = A [m × n] · B [p × n]ᵀ, all float32 row-major; C must not overlap A or B. */
export function multiplyTransposed(a: usize, m: i32, n: i32, b: usize, p: i32, c: usize): void {
  memory.fill(c, 0, (<usize>m * <usize>p) << 2);
  for (let j0 = 0; j0 < p; j0 += JB) {
    const j1 = min(p, j0 + JB);
    for (let k0 = 0; k0 < n; k0 += KC) {
      const kc = min(KC, n - k0);
      let i = 0;
      for (; i + 4 <= m; i += 4) {
        let j = j0;
        for (; j + 2 <= j1; j += 2) block4x2(a, b, c, n, p, i, j, k0, kc);
        for (; j < j1; j++) {
          for (let r = 0; r < 4; r++) block1x1(a, b, c, n, p, i + r, j, k0, kc);
        }
      }
      for (; i < m; i++) {
        for (let j = j0; j < j1; j++) block1x1(a, b, c, n, p, i, j, k0, kc);
      }
    }
  }
}

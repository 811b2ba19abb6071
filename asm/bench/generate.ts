// Benchmark-only WebAssembly kernels (compiled by scripts/bench/generator-wasm.ts when the benchmark
// starts; not part of the shipped kernels): a counter-based Gaussian generator, low-rank updates,
// blocked Hadamard rotations and float32 → BF16 / FP8-E4M3 encoders, so that multi-GB synthetic
// checkpoints are written at memory speed. Every value is a function of (key, index), so any row of
// any tensor can be regenerated on its own (permuted copies read the reference's rows out of order).

/** lowbias32 (Chris Wellons' integer hash): a bijective 32-bit mixer, four lanes at once. */
@inline
function mix(x: v128): v128 {
  x = v128.xor(x, i32x4.shr_u(x, 16));
  x = i32x4.mul(x, i32x4.splat(0x7feb352d));
  x = v128.xor(x, i32x4.shr_u(x, 15));
  x = i32x4.mul(x, i32x4.splat(<i32>0x846ca68b));
  return v128.xor(x, i32x4.shr_u(x, 16));
}

/** Sum of the four bytes of each 32-bit lane. */
@inline
function byteSums(x: v128): v128 {
  return i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(x));
}

/** Mean and standard deviation of a sum of 8 independent uniform bytes (Irwin–Hall, n = 8). */
const SUM_MEAN: f32 = 1020;
const SUM_INV_STD: f32 = <f32>(1.0 / Math.sqrt(8.0 * (65536.0 - 1.0) / 12.0));

/**
 * dst[i] = std · z(key, first + i) for i < n: z is the sum of the 8 bytes of two chained hashes of the
 * index, centred and scaled to unit variance (Irwin–Hall(8), a Gaussian approximation with tails
 * bounded at ±4.9σ); n a multiple of 4.
 */
export function gaussian(dst: usize, n: i32, first: u32, key0: u32, key1: u32, std: f32): void {
  const k0 = i32x4.splat(key0);
  const k1 = i32x4.splat(key1);
  const scale = f32x4.splat(std * SUM_INV_STD);
  const mean = f32x4.splat(SUM_MEAN);
  let counter = i32x4.add(i32x4.splat(first), i32x4(0, 1, 2, 3));
  const step = i32x4.splat(4);
  for (let i = 0; i < n; i += 4) {
    const a = mix(v128.xor(counter, k0));
    const b = mix(i32x4.add(a, k1));
    const sum = f32x4.convert_i32x4_u(i32x4.add(byteSums(a), byteSums(b)));
    v128.store(dst + (<usize>i << 2), f32x4.mul(f32x4.sub(sum, mean), scale));
    counter = i32x4.add(counter, step);
  }
}

/** Row r of dst [rows × cols] += Σ_k u[r·rank + k] · vt[k·cols + …] (a rank-`rank` update); cols % 4 == 0. */
export function addLowRank(dst: usize, rows: i32, cols: i32, u: usize, vt: usize, rank: i32): void {
  for (let r = 0; r < rows; r++) {
    const row = dst + ((<usize>r * <usize>cols) << 2);
    for (let k = 0; k < rank; k++) {
      const f = f32x4.splat(load<f32>(u + ((<usize>(r * rank + k)) << 2)));
      const v = vt + ((<usize>k * <usize>cols) << 2);
      for (let c = 0; c < cols; c += 4) {
        const at = row + (<usize>c << 2);
        v128.store(at, f32x4.add(v128.load(at), f32x4.mul(f, v128.load(v + (<usize>c << 2)))));
      }
    }
  }
}

/** dst[i] += a · src[i], n values (n % 4 == 0). */
export function axpy(dst: usize, src: usize, n: i32, a: f32): void {
  const av = f32x4.splat(a);
  for (let i = 0; i < n; i += 4) {
    const at = dst + (<usize>i << 2);
    v128.store(at, f32x4.add(v128.load(at), f32x4.mul(av, v128.load(src + (<usize>i << 2)))));
  }
}

/** dst[r][c] = src[r][index[c]] · mul[c] for a [rows × cols] float32 matrix (a signed, scaled column
 * permutation); index holds i32, mul float32; dst must not overlap src. */
export function gatherCols(src: usize, rows: i32, cols: i32, index: usize, mul: usize, dst: usize): void {
  for (let r = 0; r < rows; r++) {
    const from = src + ((<usize>r * <usize>cols) << 2);
    const to = dst + ((<usize>r * <usize>cols) << 2);
    for (let c = 0; c < cols; c++) {
      const at = <usize>c << 2;
      store<f32>(to + at, load<f32>(from + (<usize>load<i32>(index + at) << 2)) * load<f32>(mul + at));
    }
  }
}

/** dst [rows × cols] ·= rowScale[r] · colScale[c]; cols % 4 == 0. */
export function scaleRowsCols(dst: usize, rows: i32, cols: i32, rowScale: usize, colScale: usize): void {
  for (let r = 0; r < rows; r++) {
    const row = dst + ((<usize>r * <usize>cols) << 2);
    const f = f32x4.splat(load<f32>(rowScale + (<usize>r << 2)));
    for (let c = 0; c < cols; c += 4) {
      const at = row + (<usize>c << 2);
      v128.store(at, f32x4.mul(f32x4.mul(v128.load(at), f), v128.load(colScale + (<usize>c << 2))));
    }
  }
}

/** In-place orthonormal Walsh–Hadamard transform of every block of `block` (a power of two, ≥ 4)
 * consecutive values in each of `rows` rows of `cols` values (cols a multiple of block). */
export function hadamardRows(ptr: usize, rows: i32, cols: i32, block: i32): void {
  const norm = f32x4.splat(<f32>(1.0 / Math.sqrt(<f64>block)));
  for (let r = 0; r < rows; r++) {
    for (let b0 = 0; b0 < cols; b0 += block) {
      const base = ptr + ((<usize>r * <usize>cols + <usize>b0) << 2);
      // Strides 1 and 2 inside each group of four lanes.
      for (let i = 0; i < block; i += 4) {
        const at = base + (<usize>i << 2);
        const v = v128.load(at);
        const s1 = v128.shuffle<f32>(v, v, 1, 0, 3, 2);
        const t = v128.bitselect(f32x4.sub(s1, v), f32x4.add(v, s1), i32x4(0, -1, 0, -1));
        const s2 = v128.shuffle<f32>(t, t, 2, 3, 0, 1);
        v128.store(at, v128.bitselect(f32x4.sub(s2, t), f32x4.add(t, s2), i32x4(0, 0, -1, -1)));
      }
      for (let h = 4; h < block; h <<= 1) {
        for (let i = 0; i < block; i += h << 1) {
          for (let j = i; j < i + h; j += 4) {
            const x = base + (<usize>j << 2);
            const y = x + (<usize>h << 2);
            const a = v128.load(x);
            const c = v128.load(y);
            v128.store(x, f32x4.add(a, c));
            v128.store(y, f32x4.sub(a, c));
          }
        }
      }
      for (let i = 0; i < block; i += 4) {
        const at = base + (<usize>i << 2);
        v128.store(at, f32x4.mul(v128.load(at), norm));
      }
    }
  }
}

/** In-place orthonormal Walsh–Hadamard transform across rows: every block of `block` consecutive rows
 * of a [rows × cols] matrix is mixed (a rotation of each column); cols % 4 == 0. */
export function hadamardAcross(ptr: usize, rows: i32, cols: i32, block: i32): void {
  const norm = f32x4.splat(<f32>(1.0 / Math.sqrt(<f64>block)));
  const stride = <usize>cols << 2;
  for (let b0 = 0; b0 < rows; b0 += block) {
    for (let h = 1; h < block; h <<= 1) {
      for (let i = 0; i < block; i += h << 1) {
        for (let j = i; j < i + h; j++) {
          const x = ptr + <usize>(b0 + j) * stride;
          const y = x + <usize>h * stride;
          for (let c: usize = 0; c < stride; c += 16) {
            const a = v128.load(x + c);
            const d = v128.load(y + c);
            v128.store(x + c, f32x4.add(a, d));
            v128.store(y + c, f32x4.sub(a, d));
          }
        }
      }
    }
    for (let j = 0; j < block; j++) {
      const x = ptr + <usize>(b0 + j) * stride;
      for (let c: usize = 0; c < stride; c += 16) v128.store(x + c, f32x4.mul(v128.load(x + c), norm));
    }
  }
}

/** float32 → bfloat16 bits, round to nearest even, n values (finite values; n % 8 == 0). */
export function encodeBf16(src: usize, n: i32, dst: usize): void {
  const half = i32x4.splat(0x7fff);
  const one = i32x4.splat(1);
  for (let i = 0; i < n; i += 8) {
    const a = v128.load(src + (<usize>i << 2));
    const b = v128.load(src + (<usize>i << 2) + 16);
    const ra = i32x4.shr_u(i32x4.add(i32x4.add(a, half), v128.and(i32x4.shr_u(a, 16), one)), 16);
    const rb = i32x4.shr_u(i32x4.add(i32x4.add(b, half), v128.and(i32x4.shr_u(b, 16), one)), 16);
    v128.store(dst + (<usize>i << 1), i16x8.narrow_i32x4_u(ra, rb));
  }
}

/** Four float32 (already divided by their block scale, |x| ≤ 448) → E4M3 codes in i32 lanes, round
 * to nearest even: subnormals (|x| < 2^-6) are nearest(|x|·2^9), whose code 8 continues into the
 * normals; normals keep 3 mantissa bits of the float32 and rebias the exponent (127 → 7). */
@inline
function e4m3x4(x: v128): v128 {
  const a = f32x4.abs(x);
  const sub = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(a, f32x4.splat(512))));
  const bits = i32x4.sub(a, i32x4.splat(120 << 23));
  const rounded = i32x4.add(i32x4.add(bits, i32x4.splat(0x7ffff)), v128.and(i32x4.shr_u(bits, 20), i32x4.splat(1)));
  const normal = i32x4.min_u(i32x4.shr_u(rounded, 20), i32x4.splat(0x7e));
  const code = v128.bitselect(sub, normal, f32x4.lt(a, f32x4.splat(0.015625)));
  return v128.or(code, v128.and(i32x4.shr_u(x, 24), i32x4.splat(0x80)));
}

/**
 * Quantize a [rows × cols] float32 block-row (rows ≤ 128, cols % 16 == 0) to FP8 E4M3 with one float32
 * scale per 128 × 128 tile (DeepSeek-V3's `weight_scale_inv`: value ≈ code · scale): scale =
 * max|x| / 448. Writes rows × cols bytes at dst and ceil(cols / 128) scales at scales.
 */
export function encodeFp8Blocks(src: usize, rows: i32, cols: i32, dst: usize, scales: usize): void {
  for (let c0 = 0, t = 0; c0 < cols; c0 += 128, t++) {
    const c1 = min(cols, c0 + 128);
    let m = f32x4.splat(0);
    for (let r = 0; r < rows; r++) {
      const row = src + ((<usize>r * <usize>cols) << 2);
      for (let c = c0; c < c1; c += 4) m = f32x4.max(m, f32x4.abs(v128.load(row + (<usize>c << 2))));
    }
    const amax = max(max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
    const scale: f32 = amax > 0 ? amax / 448 : 1;
    store<f32>(scales + (<usize>t << 2), scale);
    const inv = f32x4.splat(1 / scale);
    for (let r = 0; r < rows; r++) {
      const row = src + ((<usize>r * <usize>cols) << 2);
      const out = dst + <usize>r * <usize>cols;
      for (let c = c0; c < c1; c += 16) {
        const at = row + (<usize>c << 2);
        const q0 = e4m3x4(f32x4.mul(v128.load(at), inv));
        const q1 = e4m3x4(f32x4.mul(v128.load(at + 16), inv));
        const q2 = e4m3x4(f32x4.mul(v128.load(at + 32), inv));
        const q3 = e4m3x4(f32x4.mul(v128.load(at + 48), inv));
        v128.store(out + <usize>c, i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(q0, q1), i16x8.narrow_i32x4_u(q2, q3)));
      }
    }
  }
}

/** First byte of linear memory not used by the module itself. */
export function heapBase(): usize {
  return __heap_base;
}

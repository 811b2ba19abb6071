/**
 * The WASM product A·Bᵀ agrees with the pure-TS reference to float32 rounding, for any shape (rows not
 * a multiple of the 4×2 register block, columns not a multiple of the SIMD width or the cache block)
 * and across the pieces the wrapper splits large operands into.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { multiplyTransposed, multiplyTransposedTs } from "../../src/fingerprint/weights-linalg.js";
import { wasmKernels } from "../../src/kernels/wasm.js";

const kernels = wasmKernels()!;

function random(n: number, seed: number): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  });
}

/** |wasm − ts| ≤ 1e-5 · Σ|a·b| per entry (float32 rounding of sums of n products, either order). */
function assertClose(a: Float32Array, m: number, n: number, b: Float32Array, p: number): void {
  const wasm = kernels.multiplyTransposed(a, m, n, b, p);
  const ts = multiplyTransposedTs(a, m, n, b, p);
  assert.equal(wasm.length, m * p);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < p; j++) {
      let magnitude = 0;
      for (let t = 0; t < n; t++) magnitude += Math.abs(a[i * n + t]! * b[j * n + t]!);
      const diff = Math.abs(wasm[i * p + j]! - ts[i * p + j]!);
      assert.ok(
        diff <= 1e-5 * magnitude + 1e-30,
        `(${i}, ${j}) of ${m}×${n}·(${p}×${n})ᵀ: ${wasm[i * p + j]} vs ${ts[i * p + j]}`,
      );
    }
  }
}

test("WASM A·Bᵀ equals the TS reference on random shapes", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 11 }),
      fc.integer({ min: 0, max: 600 }),
      fc.integer({ min: 0, max: 9 }),
      fc.nat(),
      (m, n, p, seed) => assertClose(random(m * n, seed), m, n, random(p * n, seed + 1), p),
    ),
    { numRuns: 150 },
  );
});

test("WASM A·Bᵀ across cache blocks and the wrapper's pieces (B larger than 8 MiB)", () => {
  const m = 5;
  const n = 4100;
  const p = 520; // 520 × 4100 × 4 bytes > 8 MiB: two pieces of B
  assertClose(random(m * n, 1), m, n, random(p * n, 2), p);
});

test("multiplyTransposed routes through the kernel and keeps the [m × p] layout", () => {
  const a = Float32Array.from([1, 2, 3, 4, 5, 6]); // 2 × 3
  const b = Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1]); // 4 × 3
  assert.deepEqual(multiplyTransposed(a, 2, 3, b, 4), Float32Array.from([1, 2, 3, 6, 4, 5, 6, 15]));
  assert.deepEqual(kernels.multiplyTransposed(a, 2, 3, b, 4), Float32Array.from([1, 2, 3, 6, 4, 5, 6, 15]));
});

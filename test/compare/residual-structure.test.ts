/**
 * The fast spectral test (Gram matrix of the small side through the SIMD product, or matrix–vector
 * products through it when both sides are large) gives what 40 steps of plain power iteration on the
 * residual give, and balancing gives what dividing by row then column RMS in float64 gives.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { balanceResidual, spectralRatio } from "../../src/compare/residual-structure.js";
import { seededRandom } from "../../src/stats/rng.js";

/** The reference: x ← RᵀR·x / ‖RᵀR·x‖, 40 times, in float64, from the same seeded start. */
function referenceRatio(r: Float32Array, rows: number, cols: number): number {
  let squares = 0;
  for (const v of r) squares += v * v;
  const random = seededRandom(7);
  let x = Float64Array.from({ length: cols }, () => random() - 0.5);
  let sigma = 0;
  for (let it = 0; it < 40; it++) {
    const y = new Float64Array(rows);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) y[i]! += r[i * cols + j]! * x[j]!;
    const next = new Float64Array(cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) next[j]! += r[i * cols + j]! * y[i]!;
    const norm = Math.sqrt(next.reduce((s, v) => s + v * v, 0));
    sigma = Math.sqrt(norm);
    x = next.map((v) => v / norm);
  }
  return sigma / (Math.sqrt(squares / r.length) * (Math.sqrt(rows) + Math.sqrt(cols)));
}

function referenceBalance(r: Float32Array, rows: number, cols: number): Float64Array {
  const out = Float64Array.from(r);
  if (cols % 32 === 0) {
    for (let s = 0; s < out.length; s += 32) {
      const rms = Math.sqrt(out.subarray(s, s + 32).reduce((a, v) => a + v * v, 0) / 32);
      if (rms > 0) for (let t = s; t < s + 32; t++) out[t]! /= rms;
    }
  }
  for (let i = 0; i < rows; i++) {
    const rms = Math.sqrt(out.subarray(i * cols, (i + 1) * cols).reduce((a, v) => a + v * v, 0) / cols);
    if (rms > 0) for (let j = 0; j < cols; j++) out[i * cols + j]! /= rms;
  }
  for (let j = 0; j < cols; j++) {
    let sum = 0;
    for (let i = 0; i < rows; i++) sum += out[i * cols + j]! ** 2;
    const rms = Math.sqrt(sum / rows);
    if (rms > 0) for (let i = 0; i < rows; i++) out[i * cols + j]! /= rms;
  }
  return out;
}

const random = seededRandom(11);
const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

for (const [rows, cols] of [
  [48, 300],
  [300, 48],
  [2, 7],
  [64, 64],
  [1030, 1100],
] as const) {
  test(`spectralRatio and balanceResidual agree with the plain float64 reference: ${rows} × ${cols}`, () => {
    const u = Array.from({ length: rows }, gaussian);
    const v = Array.from({ length: cols }, gaussian);
    for (const lowRank of [0, 0.5]) {
      const r = Float32Array.from(
        { length: rows * cols },
        (_, i) => gaussian() + lowRank * u[Math.floor(i / cols)]! * v[i % cols]!,
      );
      const balanced = balanceResidual(r, rows, cols);
      const expected = referenceBalance(r, rows, cols);
      for (let i = 0; i < r.length; i++)
        assert.ok(Math.abs(balanced[i]! - expected[i]!) <= 1e-5 * Math.abs(expected[i]!) + 1e-6);
      const fast = spectralRatio(balanced, rows, cols);
      const slow = referenceRatio(balanced, rows, cols);
      assert.ok(Math.abs(fast - slow) <= 1e-5 * slow, `${fast} vs ${slow} (low rank ${lowRank})`);
    }
  });
}

test("spectralRatio of an all-zero residual is 0", () => {
  assert.equal(spectralRatio(new Float32Array(12), 3, 4), 0);
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  correlation,
  multiply,
  multiplyTransposed,
  upperIndex,
} from "../../src/fingerprint/weights-linalg.js";
import { randomPermutation, seededRandom } from "../../src/stats/rng.js";

function naive(
  a: Float32Array,
  m: number,
  n: number,
  b: (t: number, j: number) => number,
  p: number,
): number[] {
  const out: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < p; j++) {
      let sum = 0;
      for (let t = 0; t < n; t++) sum += a[i * n + t]! * b(t, j);
      out.push(sum);
    }
  }
  return out;
}

describe("fingerprint linear algebra", () => {
  const random = seededRandom(5);
  const matrix = (rows: number, cols: number) =>
    Float32Array.from({ length: rows * cols }, () => random() - 0.5);

  it("multiplies blocked and unblocked shapes exactly like the textbook loops", () => {
    for (const [m, n, p] of [
      [1, 1, 1],
      [3, 5, 2],
      [4, 8, 3],
      [7, 9, 6],
      [9, 3, 1],
    ] as const) {
      const a = matrix(m, n);
      const bt = matrix(p, n);
      const got = Array.from(multiplyTransposed(a, m, n, bt, p));
      naive(a, m, n, (t, j) => bt[j * n + t]!, p).forEach((v, i) => {
        assert.ok(Math.abs(v - got[i]!) < 1e-5);
      });
      const b = matrix(n, p);
      const got2 = Array.from(multiply(a, m, n, b, p));
      naive(a, m, n, (t, j) => b[t * p + j]!, p).forEach((v, i) => {
        assert.ok(Math.abs(v - got2[i]!) < 1e-5);
      });
    }
  });

  it("indexes strict upper triangles, correlates, and permutes deterministically", () => {
    const n = 5;
    const seen: number[] = [];
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) seen.push(upperIndex(i, j, n));
    assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(upperIndex(3, 1, n), upperIndex(1, 3, n));
    assert.ok(Math.abs(correlation([1, 2, 3], [2, 4, 6]) - 1) < 1e-12);
    assert.ok(Math.abs(correlation([1, 2, 3], [3, 2, 1]) + 1) < 1e-12);
    assert.equal(correlation([1, 1, 1], [1, 2, 3]), 0);
    const perm = Array.from(randomPermutation(10, seededRandom(3)));
    assert.deepEqual(
      [...perm].sort((x, y) => x - y),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    assert.deepEqual(Array.from(randomPermutation(10, seededRandom(3))), perm);
  });
});

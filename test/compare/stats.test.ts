import assert from "node:assert/strict";
import { test } from "node:test";
import { spectralRatio } from "../../src/compare/residual-structure.js";
import { solveAssignment } from "../../src/compare/stats/assignment.js";
import { centredCorrelation, spearman } from "../../src/stats/correlation.js";
import {
  chiSquareSfEven,
  erfc,
  fisherCombine,
  medianCombine,
  normalSf,
} from "../../src/stats/distributions.js";
import { seededRandom } from "../../src/stats/rng.js";

const random = seededRandom(1);
const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

test("normal tail matches scipy far into the tail", () => {
  assert.ok(Math.abs(normalSf(1.959963984540054) - 0.025) < 1e-15);
  assert.ok(Math.abs(normalSf(-9) - (1 - 1.1285884059538e-19)) < 1e-15);
  assert.ok(Math.abs(normalSf(9) / 1.1285884059538324e-19 - 1) < 1e-12);
  assert.ok(Math.abs(erfc(0.5) - 0.4795001221869535) < 1e-15);
});

test("chi-square sf for even dof and Fisher combination", () => {
  assert.ok(Math.abs(chiSquareSfEven(2, 2) - Math.exp(-1)) < 1e-15);
  assert.ok(Math.abs(chiSquareSfEven(10, 6) - 0.12465201948308108) < 1e-14);
  assert.ok(Math.abs(fisherCombine([0.05]) - 0.05) < 1e-12);
  assert.throws(() => chiSquareSfEven(1, 3), RangeError);
});

test("median combination is not carried by one tiny p-value", () => {
  assert.ok(medianCombine([1e-30, 0.5, 0.6, 0.7]) > 0.3);
  assert.ok(medianCombine([1e-30, 1e-20, 1e-25, 0.7]) < 1e-35);
});

test("assignment finds the optimum of a known matrix", () => {
  const cost = Float64Array.from([4, 1, 3, 2, 0, 5, 3, 2, 2]);
  assert.deepEqual([...solveAssignment(cost, 3, 3)], [1, 0, 2]);
  const rect = Float64Array.from([9, 1, 9, 9, 9, 9, 9, 1]);
  assert.deepEqual([...solveAssignment(rect, 2, 4)], [1, 3]);
  assert.throws(() => solveAssignment(rect, 4, 2), RangeError);
});

test("correlations: centred, Spearman with ties", () => {
  assert.ok(Math.abs(centredCorrelation([1, 2, 3], [2, 4, 6.5]) - 0.9979487157886733) < 1e-12);
  assert.equal(spearman([1, 2, 2, 3], [10, 20, 20, 30]), 1);
  assert.equal(centredCorrelation([1, 1, 1], [1, 2, 3]), 0);
});

test("spectral ratio: ≈1 for noise, far above for a low-rank update", () => {
  const rows = 100;
  const columns = 80;
  const noise = Float64Array.from({ length: rows * columns }, gaussian);
  assert.ok(Math.abs(spectralRatio(noise, rows, columns) - 1) < 0.15);
  const u = Array.from({ length: rows }, gaussian);
  const v = Array.from({ length: columns }, gaussian);
  const lowRank = Float64Array.from(
    { length: rows * columns },
    (_, i) => u[Math.floor(i / columns)]! * v[i % columns]! + 0.1 * noise[i]!,
  );
  assert.ok(spectralRatio(lowRank, rows, columns) > 3);
});

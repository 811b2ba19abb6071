/**
 * The direct comparison's pieces on values built here: quantization grids found in float values,
 * float formats found in float32 values, the unchanged share against chance, and residual structure
 * (rounding and noise vs a training-like update).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { compareValues, residualExplained, unchangedShare } from "../../src/compare/direct.js";
import { effectiveDtype, quantizationSteps } from "../../src/compare/rounding.js";
import { seededRandom } from "../../src/stats/rng.js";

const random = seededRandom(11);
const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const ROWS = 64;
const COLS = 128;

function q8RoundTrip(values: Float32Array): Float32Array {
  const out = new Float32Array(values.length);
  for (let start = 0; start < values.length; start += 32) {
    let max = 0;
    for (let t = start; t < start + 32; t++) max = Math.max(max, Math.abs(values[t]!));
    const step = max / 127;
    for (let t = start; t < start + 32; t++) out[t] = Math.round(values[t]! / step) * step;
  }
  return out;
}

/** Q5_1-style affine grid: x = min + step·q, q ∈ 0..31. */
function q51RoundTrip(values: Float32Array): Float32Array {
  const out = new Float32Array(values.length);
  for (let start = 0; start < values.length; start += 32) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let t = start; t < start + 32; t++) {
      lo = Math.min(lo, values[t]!);
      hi = Math.max(hi, values[t]!);
    }
    const step = (hi - lo) / 31;
    for (let t = start; t < start + 32; t++) out[t] = lo + Math.round((values[t]! - lo) / step) * step;
  }
  return out;
}

const weights = () => Float32Array.from({ length: ROWS * COLS }, () => 0.02 * gaussian());

test("quantization grids are found in float values; plain and noised values have none", () => {
  const values = weights();
  assert.ok(quantizationSteps(q8RoundTrip(values), COLS, "F32") !== undefined);
  assert.ok(quantizationSteps(q51RoundTrip(values), COLS, "F32") !== undefined);
  assert.equal(quantizationSteps(values, COLS, "F32"), undefined);
  const noised = Float32Array.from(q8RoundTrip(values), (v) => v + 1e-5 * gaussian());
  assert.equal(quantizationSteps(noised, COLS, "F32"), undefined);
  // A quantized dtype always has its grid.
  assert.equal(quantizationSteps(values, COLS, "Q4_0")?.fromDtype, true);
});

test("float32 values that half or bfloat16 hold exactly read as that format", () => {
  const values = weights();
  const half = Float32Array.from(values, (v) => {
    // Half: 11 significant bits for normals, multiples of 2^-24 below 2^-14 (subnormals).
    const scaled = 2 ** Math.min(24, 10 - Math.floor(Math.log2(Math.abs(v))));
    return Math.round(v * scaled) / scaled;
  });
  assert.equal(effectiveDtype(half, "F32"), "F16");
  const bf16 = Float32Array.from(values, (v) => {
    const buffer = new Float32Array([v]);
    new Uint32Array(buffer.buffer)[0]! &= 0xffff0000;
    return buffer[0]!;
  });
  assert.equal(effectiveDtype(bf16, "F32"), "BF16");
  assert.equal(effectiveDtype(values, "F32"), "F32");
  assert.equal(effectiveDtype(values, "Q8_0"), "Q8_0");
});

test("a quantized copy is unchanged within its step; independent values are unchanged at chance level only", () => {
  const values = weights();
  const copy = compareValues(
    "m",
    "mlp",
    { values: q8RoundTrip(values), cols: COLS, dtype: "F32" },
    { values, cols: COLS, dtype: "F32" },
    values.length,
  );
  assert.equal(copy.quantized, "suspect");
  assert.ok(copy.withinRounding > 0.999, `${copy.withinRounding}`);
  assert.ok(unchangedShare(copy) > 0.99);
  assert.ok(residualExplained(copy));
  const other = weights();
  const independent = compareValues(
    "m",
    "mlp",
    { values: q8RoundTrip(other), cols: COLS, dtype: "F32" },
    { values, cols: COLS, dtype: "F32" },
    values.length,
  );
  assert.ok(independent.withinRounding < 0.05);
  assert.ok(unchangedShare(independent) < 0.01, `${unchangedShare(independent)}`);
  assert.ok(Math.abs(independent.correlation) < 0.05);
});

test("residual structure: added i.i.d. noise is explained, a low-rank update (training) is not", () => {
  const values = weights();
  const noised = Float32Array.from(values, (v) => v + 0.002 * gaussian());
  const n = compareValues(
    "m",
    "mlp",
    { values: noised, cols: COLS, dtype: "F32" },
    { values, cols: COLS, dtype: "F32" },
    values.length,
  );
  assert.ok(n.structure !== null && n.structure < 1.3, `noise structure ${n.structure}`);
  assert.ok(residualExplained(n));
  const u = Array.from({ length: ROWS }, gaussian);
  const v = Array.from({ length: COLS }, gaussian);
  const trained = Float32Array.from(
    values,
    (x, i) => x + 0.002 * (u[Math.floor(i / COLS)]! * v[i % COLS]! + 0.3 * gaussian()),
  );
  const t = compareValues(
    "m",
    "mlp",
    { values: trained, cols: COLS, dtype: "F32" },
    { values, cols: COLS, dtype: "F32" },
    values.length,
  );
  assert.ok(t.structure !== null && t.structure > 2, `update structure ${t.structure}`);
  assert.equal(residualExplained(t), false);
  // A bit-equal copy: nothing to explain.
  const same = compareValues(
    "m",
    "mlp",
    { values, cols: COLS, dtype: "F32" },
    { values, cols: COLS, dtype: "F32" },
    values.length,
  );
  assert.equal(same.bitEqual, 1);
  assert.equal(same.structure, null);
});

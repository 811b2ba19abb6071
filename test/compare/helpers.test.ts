import assert from "node:assert/strict";
import { test } from "node:test";
import { alignNeurons } from "../../src/compare/neuron-match.js";
import { looksBlockQuantized } from "../../src/compare/quantization-grid.js";
import { randomPermutation, seededRandom } from "../../src/compare/stats/rng.js";

const random = seededRandom(11);
const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

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

test("a Q8_0-style round trip sits on the block grid; the original and noised copies do not", () => {
  const values = Float32Array.from({ length: 32 * 64 }, gaussian);
  assert.equal(looksBlockQuantized(q8RoundTrip(values)), true);
  assert.equal(looksBlockQuantized(values), false);
  assert.equal(
    looksBlockQuantized(Float32Array.from(q8RoundTrip(values), (v) => v + 1e-3 * gaussian())),
    false,
  );
  assert.equal(looksBlockQuantized(new Float32Array(31)), false);
});

test("neuron matching undoes a permutation with per-neuron scales, and leaves aligned neurons alone", () => {
  const rows = 24;
  const columns = 16;
  const reference = Float32Array.from({ length: rows * columns }, gaussian);
  const order = randomPermutation(rows, random);
  const scales = Array.from({ length: rows }, () => 0.5 + 2 * random());
  const suspect = new Float32Array(reference.length);
  for (let i = 0; i < rows; i++)
    for (let k = 0; k < columns; k++)
      suspect[order[i]! * columns + k] = reference[i * columns + k]! / scales[i]!;
  const matched = alignNeurons(suspect, reference, rows, columns, true);
  assert.equal(matched.permuted, true);
  assert.ok(matched.rescale > 0.1);
  for (let i = 0; i < reference.length; i++) assert.ok(Math.abs(matched.values[i]! - reference[i]!) < 1e-4);
  const same = alignNeurons(reference, reference, rows, columns, true);
  assert.equal(same.permuted, false);
  assert.equal(same.rescale, 0);
});

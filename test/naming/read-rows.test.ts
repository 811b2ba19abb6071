/**
 * Row reads (`CanonicalModel.readRows`, `storedRows`) must give exactly the rows of the whole canonical
 * tensor, whatever layout transforms sit between storage and the canonical layout.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import type { LayoutTransform } from "../../src/naming/canonical-model.js";
import { openCanonicalModel } from "../../src/naming/open.js";
import { applyTransforms, storedRows, transformedShape } from "../../src/naming/transforms.js";
import { fixture } from "../helpers.js";

function rowsOf(data: Float32Array, cols: number, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * cols);
  for (const [i, row] of rows.entries()) out.set(data.subarray(row * cols, (row + 1) * cols), i * cols);
  return out;
}

test("storedRows maps rows through slices, interleaved slices and rotary reorders", () => {
  const transform = fc.oneof(
    fc.record({
      kind: fc.constant("slice-rows" as const),
      start: fc.nat(3),
      count: fc.integer({ min: 1, max: 4 }),
    }),
    fc.record({
      kind: fc.constant("slice-rows-interleaved" as const),
      heads: fc.constant(2),
      part: fc.nat(1),
      parts: fc.constant(2),
    }),
    fc.record({ kind: fc.constant("unpermute-rope" as const), heads: fc.constant(2) }),
  );
  fc.assert(
    fc.property(fc.array(transform, { maxLength: 3 }), fc.integer({ min: 1, max: 3 }), (chain, cols) => {
      const rows = 16;
      const data = Float32Array.from({ length: rows * cols }, (_, i) => i);
      let shape: number[];
      try {
        shape = transformedShape([rows, cols], chain as LayoutTransform[]);
      } catch {
        return; // a chain that does not fit the matrix
      }
      const whole = applyTransforms(data, [rows, cols], chain as LayoutTransform[]);
      const wanted = Array.from({ length: shape[0]! }, (_, i) => shape[0]! - 1 - i);
      const stored = storedRows([rows, cols], chain as LayoutTransform[], wanted);
      assert.ok(stored !== undefined);
      assert.deepEqual(rowsOf(data, cols, stored), rowsOf(whole, cols, wanted));
    }),
  );
});

test("storedRows refuses rows outside the matrix and gives up on a transpose", () => {
  assert.throws(() => storedRows([4, 2], [], [4]), /row 4 outside 4 rows/);
  assert.equal(storedRows([4, 2], [{ kind: "transpose" }], [0]), undefined);
  assert.deepEqual(storedRows([4, 2], [], [3, 0, 3]), [3, 0, 3]);
});

for (const path of [fixture("zoo", "base-a"), fixture("zoo", "gguf", "base-a-q4_0.gguf")]) {
  test(`readRows equals rows of the whole canonical tensor: ${path.split("/").slice(-1)[0]}`, async () => {
    const model = await openCanonicalModel(path);
    try {
      for (const tensor of model.tensors) {
        const cols = tensor.shape.length < 2 ? 1 : tensor.shape[tensor.shape.length - 1]!;
        const rows = tensor.shape.length === 0 ? 1 : tensor.shape.reduce((a, b) => a * b, 1) / cols;
        const wanted = [rows - 1, 0, Math.floor(rows / 2), 0];
        const whole = await model.read(tensor.canonical);
        assert.deepEqual(
          await model.readRows(tensor.canonical, wanted),
          rowsOf(whole, cols, wanted),
          tensor.canonical,
        );
      }
    } finally {
      await model.close();
    }
  });
}

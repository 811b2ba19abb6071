import assert from "node:assert/strict";
import { test } from "node:test";
import { FormatError } from "../../src/errors.js";
import {
  applyTransforms,
  permuteRope,
  sliceRows,
  sliceRowsInterleaved,
  transformedShape,
  transpose,
  unpermuteRope,
} from "../../src/naming/transforms.js";

const seq = (n: number) => Float32Array.from({ length: n }, (_, i) => i);

test("transpose swaps rows and columns", () => {
  // [[0,1,2],[3,4,5]] → [[0,3],[1,4],[2,5]]
  assert.deepEqual([...transpose(seq(6), 2, 3)], [0, 3, 1, 4, 2, 5]);
  assert.deepEqual(transformedShape([2, 3], [{ kind: "transpose" }]), [3, 2]);
});

test("slice-rows takes whole rows; a 1-D bias stays 1-D", () => {
  assert.deepEqual([...sliceRows(seq(12), 3, 1, 2)], [3, 4, 5, 6, 7, 8]);
  assert.deepEqual(transformedShape([4, 3], [{ kind: "slice-rows", start: 1, count: 2 }]), [2, 3]);
  assert.deepEqual(transformedShape([6], [{ kind: "slice-rows", start: 2, count: 2 }]), [2]);
  assert.deepEqual([...applyTransforms(seq(6), [6], [{ kind: "slice-rows", start: 2, count: 2 }])], [2, 3]);
});

test("slice-rows of a stacked 3-D tensor picks one expert", () => {
  // [experts 2, rows 2, cols 2]: expert 1 is values 4..7.
  const out = applyTransforms(seq(8), [2, 2, 2], [{ kind: "slice-rows", start: 2, count: 2 }]);
  assert.deepEqual([...out], [4, 5, 6, 7]);
  assert.deepEqual(transformedShape([2, 2, 2], [{ kind: "slice-rows", start: 2, count: 2 }]), [2, 2]);
});

test("interleaved slices take one part of every head (NeoX: heads, 3, headDim)", () => {
  // 2 heads × 3 parts × 1 row per part, 2 columns: rows are q0 k0 v0 q1 k1 v1.
  const rows = seq(12);
  assert.deepEqual([...sliceRowsInterleaved(rows, 6, 2, 2, 0, 3)], [0, 1, 6, 7]);
  assert.deepEqual([...sliceRowsInterleaved(rows, 6, 2, 2, 1, 3)], [2, 3, 8, 9]);
  assert.deepEqual([...sliceRowsInterleaved(rows, 6, 2, 2, 2, 3)], [4, 5, 10, 11]);
});

test("interleaved slices with partCount take a run of parts (Falcon grouped QKV)", () => {
  // 1 group of 2 queries + k + v, one row each: q q k v.
  const t = { kind: "slice-rows-interleaved", heads: 1, part: 0, parts: 4, partCount: 2 } as const;
  assert.deepEqual([...applyTransforms(seq(4), [4, 1], [t])], [0, 1]);
  assert.deepEqual(transformedShape([4, 1], [t]), [2, 1]);
});

test("rope unpermute turns Meta's adjacent pairs into HF halves, and permute inverts it", () => {
  // One head of 4 rows, 1 column: Meta order r0 r2 r1 r3 (pairs (0,2), (1,3) in HF numbering).
  const meta = Float32Array.from([10, 12, 11, 13]);
  assert.deepEqual([...unpermuteRope(meta, 4, 1, 1)], [10, 11, 12, 13]);
  assert.deepEqual([...permuteRope(Float32Array.from([10, 11, 12, 13]), 4, 1, 1)], [10, 12, 11, 13]);
  const data = seq(2 * 8 * 3);
  assert.deepEqual([...permuteRope(unpermuteRope(data, 16, 3, 2), 16, 3, 2)], [...data]);
  assert.notDeepEqual([...unpermuteRope(data, 16, 3, 2)], [...data]);
});

test("transforms compose in order: transpose, then slice", () => {
  // GPT-2 c_attn: stored [in 2, out 6]; after transpose rows are q q k k v v.
  const stored = seq(12);
  const k = applyTransforms(
    stored,
    [2, 6],
    [{ kind: "transpose" }, { kind: "slice-rows", start: 2, count: 2 }],
  );
  assert.deepEqual([...k], [2, 8, 3, 9]);
});

test("transforms that do not fit the shape are refused with a FormatError", () => {
  assert.throws(() => transformedShape([5, 2], [{ kind: "unpermute-rope", heads: 2 }]), FormatError);
  assert.throws(() => transformedShape([4, 2], [{ kind: "slice-rows", start: 3, count: 2 }]), FormatError);
  assert.throws(
    () => transformedShape([7, 2], [{ kind: "slice-rows-interleaved", heads: 2, part: 0, parts: 3 }]),
    FormatError,
  );
  assert.throws(() => transformedShape([4], [{ kind: "transpose" }]), FormatError);
  assert.throws(() => applyTransforms(seq(5), [2, 3], []), FormatError);
  // Controls: the same transforms on shapes that fit.
  assert.deepEqual(transformedShape([4, 2], [{ kind: "unpermute-rope", heads: 2 }]), [4, 2]);
  assert.deepEqual(
    transformedShape([6, 2], [{ kind: "slice-rows-interleaved", heads: 2, part: 0, parts: 3 }]),
    [2, 2],
  );
});

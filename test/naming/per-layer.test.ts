/**
 * GGUF figures given per layer (`{arch}.attention.head_count`, `head_count_kv`, `feed_forward_length` as
 * arrays of block_count values, which llama.cpp reads with get_key_or_arr): equal values are the
 * scalar, varying values are kept per layer and no single figure is invented, and llama.cpp's Q/K
 * row permutation is undone with each layer's own head count.
 */
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { figuresFromGguf } from "../../src/architecture/from-gguf.js";
import { encodeGguf, type GgufTypedValue, gguf } from "../../src/formats/gguf/writer.js";
import { openCanonicalModel } from "../../src/naming/open.js";
import { permuteRope } from "../../src/naming/transforms.js";
import { tempDir } from "../formats/build.js";
import { shared, skipUnlessShared } from "../helpers.js";

const u32s = (values: number[]) => gguf.array("uint32", new Uint32Array(values));

test("per-layer arrays: equal values give the figure, varying ones stay per layer, a wrong length is ignored", () => {
  const meta = (heads: unknown, kv?: unknown) => ({
    "general.architecture": "llama",
    "llama.block_count": 2,
    "llama.embedding_length": 32,
    "llama.attention.head_count": heads,
    ...(kv === undefined ? {} : { "llama.attention.head_count_kv": kv }),
  });
  const same = figuresFromGguf(meta(new Uint32Array([2, 2]), new Uint32Array([2, 2])));
  assert.equal(same.figures.numHeads, 2);
  assert.equal(same.figures.numKvHeads, 2);
  assert.equal(same.figures.headDim, 16);
  assert.equal(same.figures.perLayer, undefined);
  assert.deepEqual(same.notes, []);
  const varied = figuresFromGguf(meta(new Uint32Array([2, 4]), new Uint32Array([1, 2])));
  assert.equal(varied.figures.numHeads, undefined);
  assert.equal(varied.figures.numKvHeads, undefined);
  assert.equal(varied.figures.headDim, undefined);
  assert.deepEqual(varied.figures.perLayer, { numHeads: [2, 4], numKvHeads: [1, 2] });
  // head_count_kv absent: one KV head per query head, per layer too (llama.cpp's default).
  assert.deepEqual(figuresFromGguf(meta(new Uint32Array([2, 4]))).figures.perLayer, {
    numHeads: [2, 4],
    numKvHeads: [2, 4],
  });
  const wrong = figuresFromGguf(meta(new Uint32Array([2, 2, 2])));
  assert.equal(wrong.figures.numHeads, undefined);
  assert.match(wrong.notes.join(), /head_count has 3 values for 2 layers/);
  // Control: the scalar form.
  assert.equal(figuresFromGguf(meta(4, 2)).figures.numKvHeads, 2);
});

/** A two-layer llama GGUF whose layers have 2 and 4 query heads (head size 8), stored as llama.cpp does. */
async function varyingHeadsGguf(): Promise<{ path: string; q: Float32Array[]; k: Float32Array[] }> {
  const heads = [2, 4];
  const kvHeads = [1, 2];
  const headDim = 8;
  const hidden = 32;
  const values = (rows: number, seed: number) =>
    Float32Array.from({ length: rows * hidden }, (_, i) => Math.sin(seed * 1000 + i));
  const q = heads.map((h, l) => values(h * headDim, 1 + l));
  const k = kvHeads.map((h, l) => values(h * headDim, 11 + l));
  const bytes = (v: Float32Array) => new Uint8Array(Float32Array.from(v).buffer);
  const metadata: [string, GgufTypedValue][] = [
    ["general.architecture", gguf.str("llama")],
    ["llama.block_count", gguf.u32(2)],
    ["llama.embedding_length", gguf.u32(hidden)],
    ["llama.attention.head_count", u32s(heads)],
    ["llama.attention.head_count_kv", u32s(kvHeads)],
    ["llama.attention.key_length", gguf.u32(headDim)],
  ];
  const tensors = [0, 1].flatMap((l) => [
    {
      name: `blk.${l}.attn_q.weight`,
      dtype: "F32",
      shape: [heads[l]! * headDim, hidden],
      data: bytes(permuteRope(q[l]!, heads[l]! * headDim, hidden, heads[l]!)),
    },
    {
      name: `blk.${l}.attn_k.weight`,
      dtype: "F32",
      shape: [kvHeads[l]! * headDim, hidden],
      data: bytes(permuteRope(k[l]!, kvHeads[l]! * headDim, hidden, kvHeads[l]!)),
    },
  ]);
  const path = join(await tempDir(), "varying.gguf");
  await writeFile(path, encodeGguf({ metadata, tensors }));
  return { path, q, k };
}

test("llama.cpp's Q/K permutation is undone with each layer's own head count", async () => {
  const { path, q, k } = await varyingHeadsGguf();
  const model = await openCanonicalModel(path);
  try {
    assert.equal(model.architecture.numHeads, undefined);
    assert.deepEqual(model.architecture.perLayer, { numHeads: [2, 4], numKvHeads: [1, 2] });
    for (const l of [0, 1]) {
      assert.deepEqual(model.get(`layers.${l}.attn.q`)?.transforms, [
        { kind: "unpermute-rope", heads: [2, 4][l] },
      ]);
      assert.deepEqual(await model.read(`layers.${l}.attn.q`), q[l]);
      assert.deepEqual(await model.read(`layers.${l}.attn.k`), k[l]);
    }
    // Control: undoing layer 1 with layer 0's head count does not give the original rows.
    const wrong = permuteRope(q[1]!, 32, 32, 4);
    assert.notDeepEqual(permuteRope(wrong, 32, 32, 2), q[1]);
  } finally {
    await model.close();
  }
});

const CASE = ["cases", "gguf-per-layer-heads"] as const;

test(
  "../shared/cases/gguf-per-layer-heads: per-layer head arrays read; every tensor equals the HF folder's",
  skipUnlessShared(...CASE),
  async () => {
    const gguf = await openCanonicalModel(shared(...CASE, "perlayer-heads.gguf")!);
    const hf = await openCanonicalModel(shared(...CASE, "hf")!);
    try {
      const a = gguf.architecture;
      const b = hf.architecture;
      assert.deepEqual(
        [a.numHeads, a.numKvHeads, a.headDim, a.numLayers, a.hiddenSize],
        [b.numHeads, b.numKvHeads, b.headDim, b.numLayers, b.hiddenSize],
      );
      assert.equal(a.numHeads, 2);
      assert.deepEqual(gguf.unrecognised, []);
      for (const tensor of hf.tensors) {
        assert.deepEqual(
          await gguf.read(tensor.canonical),
          await hf.read(tensor.canonical),
          tensor.canonical,
        );
      }
    } finally {
      await gguf.close();
      await hf.close();
    }
  },
);

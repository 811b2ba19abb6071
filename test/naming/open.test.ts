import assert from "node:assert/strict";
import { test } from "node:test";
import { openCanonicalModel } from "../../src/naming/open.js";
import { fixture, shared, skipUnlessShared } from "../helpers.js";

function maxRelativeError(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(a[i]!), 1e-3));
  }
  return worst;
}

test("a HF Llama folder maps every tensor and reads canonical tensors", async () => {
  const model = await openCanonicalModel(fixture("zoo", "base-a"));
  try {
    assert.equal(model.tensors.length, 39);
    assert.deepEqual(model.unrecognised, []);
    const q = model.get("layers.0.attn.q");
    assert.deepEqual(q?.shape, [128, 128]);
    assert.deepEqual(model.get("layers.0.attn.k")?.shape, [64, 128]);
    const data = await model.read("layers.0.attn.q");
    assert.deepEqual(data, await model.source.store.read("model.layers.0.self_attn.q_proj.weight"));
    await assert.rejects(model.read("layers.9.attn.q"), /no tensor of this canonical name/);
  } finally {
    await model.close();
  }
});

test(
  "GGUF Q/K come back in HF order: base-a-f16.gguf equals base-a up to the BF16 → F16 cast",
  skipUnlessShared("zoo", "gguf", "base-a-f16.gguf"),
  async () => {
    const hf = await openCanonicalModel(shared("zoo", "base-a")!);
    const gguf = await openCanonicalModel(shared("zoo", "gguf", "base-a-f16.gguf")!);
    try {
      assert.deepEqual(
        gguf.tensors.map((t) => t.canonical).sort(),
        hf.tensors.map((t) => t.canonical).sort(),
      );
      for (const tensor of hf.tensors) {
        const error = maxRelativeError(await hf.read(tensor.canonical), await gguf.read(tensor.canonical));
        // F16 keeps 11 significant bits: relative error ≤ 2^-11 (values below 1e-3 are compared absolutely).
        assert.ok(error < 2 ** -10, `${tensor.canonical}: ${error}`);
      }
      // Control: the stored (permuted) rows do not match, so the unpermute is what makes them equal.
      const stored = await gguf.source.store.read("blk.0.attn_q.weight");
      assert.ok(maxRelativeError(await hf.read("layers.0.attn.q"), stored) > 0.5);
    } finally {
      await hf.close();
      await gguf.close();
    }
  },
);

function relativeRms(reference: Float32Array, other: Float32Array): number {
  assert.equal(reference.length, other.length);
  let error = 0;
  let norm = 0;
  for (let i = 0; i < reference.length; i++) {
    error += (reference[i]! - other[i]!) ** 2;
    norm += reference[i]! ** 2;
  }
  return Math.sqrt(error / norm);
}

test("quantized GGUF (Q4_0, Q8_0 embeddings) reads back close to base-a in canonical layout", async () => {
  const hf = await openCanonicalModel(fixture("zoo", "base-a"));
  const gguf = await openCanonicalModel(fixture("zoo", "gguf", "base-a-q4_0.gguf"));
  try {
    for (const tensor of hf.tensors) {
      const error = relativeRms(await hf.read(tensor.canonical), await gguf.read(tensor.canonical));
      // Q4_0 keeps about 9% relative RMS error on these weights; Q8_0 and F32 far less.
      assert.ok(error < 0.12, `${tensor.canonical}: ${error}`);
    }
    // Control: the stored Q rows (llama.cpp's rotary order) are far from HF's.
    const stored = await gguf.source.store.read("blk.1.attn_q.weight");
    assert.ok(relativeRms(await hf.read("layers.1.attn.q"), stored) > 1);
  } finally {
    await hf.close();
    await gguf.close();
  }
});

test("a vocabulary-only GGUF is marked as holding no weights, with the reason; a model with tensors is not", async () => {
  const vocab = await openCanonicalModel(fixture("vocab", "phi-3.gguf"));
  const model = await openCanonicalModel(fixture("stories260k", "stories260K.bin"));
  try {
    assert.equal(vocab.tensors.length, 0);
    assert.match(vocab.noWeights ?? "", /vocabulary-only GGUF/);
    assert.ok(vocab.notes.includes(vocab.noWeights!));
    assert.equal(model.noWeights, undefined);
  } finally {
    await vocab.close();
    await model.close();
  }
});

/**
 * Conventions that change stored values, from their data tables: norm gains in one convention (the
 * effective multiplier, Gemma's HF w becomes 1 + w, llama.cpp's GGUF already holds 1 + w), and
 * llama.cpp's Q/K row permutation undone for exactly the architectures its converter permutes.
 */
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { encodeGguf, type GgufTypedValue, gguf } from "../../src/formats/gguf/writer.js";
import { encodeSafetensors } from "../../src/formats/safetensors/writer.js";
import { LLAMA_CPP_ROPE_PERMUTED } from "../../src/naming/conventions/llama-cpp-rope.js";
import { openCanonicalModel } from "../../src/naming/open.js";
import { permuteRope } from "../../src/naming/transforms.js";
import { tempDir } from "../formats/build.js";
import { shared, skipUnlessShared } from "../helpers.js";

const HIDDEN = 8;
const f32 = (values: Float32Array) => new Uint8Array(Float32Array.from(values).buffer);
const gain = Float32Array.from({ length: HIDDEN }, (_, i) => (i - 3) / 16);

/** A one-layer HF folder with the given config.json model_type (norm gains `gain`). */
async function hfFolder(modelType: string): Promise<string> {
  const dir = await tempDir();
  const norm = (name: string) => ({ name, dtype: "F32" as const, shape: [HIDDEN], data: f32(gain) });
  await writeFile(
    join(dir, "model.safetensors"),
    encodeSafetensors([
      norm("model.layers.0.input_layernorm.weight"),
      norm("model.layers.0.post_attention_layernorm.weight"),
      norm("model.norm.weight"),
      {
        name: "model.embed_tokens.weight",
        dtype: "F32",
        shape: [4, HIDDEN],
        data: f32(Float32Array.from({ length: 4 * HIDDEN }, (_, i) => i / 10)),
      },
    ]),
  );
  await writeFile(
    join(dir, "config.json"),
    JSON.stringify({
      model_type: modelType,
      hidden_size: HIDDEN,
      num_attention_heads: 2,
      num_hidden_layers: 1,
    }),
  );
  return dir;
}

test("Gemma-style norm gains (HF stores w, y = x·(1+w)) read as the effective multiplier 1 + w", async () => {
  for (const modelType of ["gemma", "gemma2", "gemma3_text", "nemotron", "qwen3_next"]) {
    const model = await openCanonicalModel(await hfFolder(modelType));
    try {
      const plusOne = gain.map((g) => g + 1);
      for (const name of ["layers.0.attn_norm", "layers.0.mlp_norm", "final_norm"]) {
        assert.deepEqual(await model.read(name), plusOne, `${modelType} ${name}`);
      }
      assert.deepEqual(
        await model.readRows("layers.0.attn_norm", [7, 0]),
        Float32Array.of(plusOne[7]!, plusOne[0]!),
      );
      // Only gains: the embedding is as stored.
      assert.deepEqual((await model.read("embed")).subarray(0, 2), Float32Array.of(0, 0.1));
      assert.ok(
        model.notes.some((n) => n.includes("effective multiplier 1 + w")),
        modelType,
      );
    } finally {
      await model.close();
    }
  }
  // Control: Llama stores the multiplier itself.
  const llama = await openCanonicalModel(await hfFolder("llama"));
  assert.deepEqual(await llama.read("layers.0.attn_norm"), gain);
  assert.ok(!llama.notes.some((n) => n.includes("effective multiplier")));
  await llama.close();
});

test("a Gemma GGUF's gains are read as stored: llama.cpp already wrote 1 + w", async () => {
  const path = join(await tempDir(), "gemma.gguf");
  await writeFile(
    path,
    encodeGguf({
      metadata: [
        ["general.architecture", gguf.str("gemma")],
        ["gemma.embedding_length", gguf.u32(HIDDEN)],
        ["gemma.attention.head_count", gguf.u32(2)],
      ],
      tensors: [{ name: "blk.0.attn_norm.weight", dtype: "F32", shape: [HIDDEN], data: f32(gain) }],
    }),
  );
  const model = await openCanonicalModel(path);
  assert.deepEqual(await model.read("layers.0.attn_norm"), gain);
  assert.deepEqual(model.get("layers.0.attn_norm")?.transforms, []);
  await model.close();
});

const GEMMA = ["cases", "gemma-norm-offset"] as const;

test(
  "../shared/cases/gemma-norm-offset: the GGUF and the HF folder hold the same values in the canonical view",
  skipUnlessShared(...GEMMA),
  async () => {
    for (const [file, folder] of [
      ["gemma.gguf", "gemma-hf"],
      ["gemma-trained.gguf", "gemma-hf-trained"],
    ] as const) {
      const a = await openCanonicalModel(shared(...GEMMA, file)!);
      const b = await openCanonicalModel(shared(...GEMMA, folder)!);
      try {
        assert.equal(a.tensors.length, b.tensors.length);
        assert.equal(a.architecture.family, b.architecture.family);
        for (const tensor of b.tensors) {
          assert.deepEqual(await a.read(tensor.canonical), await b.read(tensor.canonical), tensor.canonical);
        }
        // Control: as stored, the gains differ by exactly 1.
        const stored = await b.source.store.read("model.norm.weight");
        const gguf = await a.source.store.read("output_norm.weight");
        assert.deepEqual(
          stored.map((w) => w + 1),
          gguf,
        );
      } finally {
        await a.close();
        await b.close();
      }
    }
  },
);

/** A one-layer GGUF of `arch` whose q, k (and a fused qkv) rows were permuted as llama.cpp permutes them. */
async function ropeGguf(arch: string, fused: boolean) {
  const heads = 2;
  const kvHeads = 1;
  const headDim = 4;
  const q = Float32Array.from({ length: heads * headDim * HIDDEN }, (_, i) => Math.sin(i + 1));
  const k = Float32Array.from({ length: kvHeads * headDim * HIDDEN }, (_, i) => Math.cos(i + 1));
  const v = Float32Array.from({ length: kvHeads * headDim * HIDDEN }, (_, i) => i);
  const pq = permuteRope(q, heads * headDim, HIDDEN, heads);
  const pk = permuteRope(k, kvHeads * headDim, HIDDEN, kvHeads);
  const metadata: [string, GgufTypedValue][] = [
    ["general.architecture", gguf.str(arch)],
    [`${arch}.embedding_length`, gguf.u32(HIDDEN)],
    [`${arch}.attention.head_count`, gguf.u32(heads)],
    [`${arch}.attention.head_count_kv`, gguf.u32(kvHeads)],
  ];
  const tensors = fused
    ? [
        {
          name: "blk.0.attn_qkv.weight",
          dtype: "F32",
          shape: [(heads + 2 * kvHeads) * headDim, HIDDEN],
          data: f32(Float32Array.from([...pq, ...pk, ...v])),
        },
      ]
    : [
        { name: "blk.0.attn_q.weight", dtype: "F32", shape: [heads * headDim, HIDDEN], data: f32(pq) },
        { name: "blk.0.attn_k.weight", dtype: "F32", shape: [kvHeads * headDim, HIDDEN], data: f32(pk) },
      ];
  const path = join(await tempDir(), `${arch}.gguf`);
  await writeFile(path, encodeGguf({ metadata, tensors }));
  return { path, q, k, pq };
}

test("llama.cpp's Q/K permutation is undone for every architecture its converter permutes, and only those", async () => {
  for (const [arch, where] of LLAMA_CPP_ROPE_PERMUTED) {
    const fused = where.fused;
    const { path, q, k } = await ropeGguf(arch, fused);
    const model = await openCanonicalModel(path);
    try {
      assert.deepEqual(await model.read("layers.0.attn.q"), q, arch);
      assert.deepEqual(await model.read("layers.0.attn.k"), k, arch);
    } finally {
      await model.close();
    }
  }
  // Subclasses that skip the permutation (llama4, apertus, afmoe) and HF-order architectures.
  for (const arch of ["llama4", "apertus", "afmoe", "qwen2", "gemma", "phi3", "olmo2"]) {
    const { path, pq } = await ropeGguf(arch, false);
    const model = await openCanonicalModel(path);
    try {
      assert.deepEqual(await model.read("layers.0.attn.q"), pq, arch);
    } finally {
      await model.close();
    }
  }
});

import assert from "node:assert/strict";
import { test } from "node:test";
import type { TensorInfo, WeightFormat } from "../../src/formats/tensor-store.js";
import { mapTensorNames } from "../../src/naming/map-names.js";
import type { NamingContext } from "../../src/naming/rule.js";
import { rulesFor } from "../../src/naming/rule-sets.js";

function table(entries: ReadonlyArray<readonly [string, number[]]>): TensorInfo[] {
  return entries.map(([name, shape]) => ({ name, dtype: "F32", shape, file: "x", offset: 0, byteLength: 0 }));
}

const LLAMA: NamingContext = {
  numHeads: 4,
  numKvHeads: 2,
  headDim: 8,
  hiddenSize: 32,
  intermediateSize: 48,
  ggufArchitecture: undefined,
};

/** canonical → [stored name, shape, transforms as JSON] for compact assertions. */
function mapped(
  entries: ReadonlyArray<readonly [string, number[]]>,
  context = LLAMA,
  format: WeightFormat = "safetensors",
) {
  const result = mapTensorNames(table(entries), rulesFor(format), context);
  const byCanonical = Object.fromEntries(
    result.tensors.map((t) => [
      t.canonical,
      {
        from: t.source.name,
        shape: t.shape,
        transforms: t.transforms,
        convention: t.convention,
        layer: t.layer,
      },
    ]),
  );
  return { ...result, byCanonical };
}

test("HF Llama / Qwen2 names, with q/k/v biases", () => {
  const { byCanonical, unrecognised } = mapped([
    ["model.embed_tokens.weight", [100, 32]],
    ["model.layers.0.input_layernorm.weight", [32]],
    ["model.layers.0.self_attn.q_proj.weight", [32, 32]],
    ["model.layers.0.self_attn.q_proj.bias", [32]],
    ["model.layers.0.self_attn.k_proj.weight", [16, 32]],
    ["model.layers.0.self_attn.v_proj.bias", [16]],
    ["model.layers.0.self_attn.o_proj.weight", [32, 32]],
    ["model.layers.0.post_attention_layernorm.weight", [32]],
    ["model.layers.0.mlp.gate_proj.weight", [48, 32]],
    ["model.layers.0.mlp.up_proj.weight", [48, 32]],
    ["model.layers.0.mlp.down_proj.weight", [32, 48]],
    ["model.norm.weight", [32]],
    ["lm_head.weight", [100, 32]],
  ]);
  assert.deepEqual(unrecognised, []);
  assert.equal(byCanonical["layers.0.attn.q.bias"]?.from, "model.layers.0.self_attn.q_proj.bias");
  assert.equal(byCanonical["layers.0.attn.v.bias"]?.from, "model.layers.0.self_attn.v_proj.bias");
  assert.equal(byCanonical["layers.0.mlp_norm"]?.from, "model.layers.0.post_attention_layernorm.weight");
  assert.equal(byCanonical.final_norm?.from, "model.norm.weight");
  assert.equal(byCanonical.lm_head?.layer, undefined);
  assert.equal(byCanonical["layers.0.mlp.down"]?.layer, 0);
  assert.deepEqual(byCanonical["layers.0.attn.k"]?.transforms, []);
  assert.equal(byCanonical.embed?.convention, "hf-llama");
});

test("Yi's ln1/ln2 are the attention and MLP norms", () => {
  const { byCanonical } = mapped([
    ["model.layers.3.ln1.weight", [32]],
    ["model.layers.3.ln2.weight", [32]],
  ]);
  assert.equal(byCanonical["layers.3.attn_norm"]?.convention, "yi");
  assert.equal(byCanonical["layers.3.mlp_norm"]?.from, "model.layers.3.ln2.weight");
});

test("Mixtral experts: w1 gate, w2 down, w3 up; block_sparse_moe.gate is the router", () => {
  const { byCanonical } = mapped([
    ["model.layers.1.block_sparse_moe.gate.weight", [4, 32]],
    ["model.layers.1.block_sparse_moe.experts.2.w1.weight", [48, 32]],
    ["model.layers.1.block_sparse_moe.experts.2.w2.weight", [32, 48]],
    ["model.layers.1.block_sparse_moe.experts.2.w3.weight", [48, 32]],
  ]);
  assert.equal(byCanonical["layers.1.moe.router"]?.from, "model.layers.1.block_sparse_moe.gate.weight");
  assert.equal(
    byCanonical["layers.1.moe.experts.2.gate"]?.from,
    "model.layers.1.block_sparse_moe.experts.2.w1.weight",
  );
  assert.equal(
    byCanonical["layers.1.moe.experts.2.down"]?.from,
    "model.layers.1.block_sparse_moe.experts.2.w2.weight",
  );
  assert.equal(
    byCanonical["layers.1.moe.experts.2.up"]?.from,
    "model.layers.1.block_sparse_moe.experts.2.w3.weight",
  );
});

test("GPT-NeoX: fused QKV split per head (heads, 3, headDim), LayerNorm biases, embed_out", () => {
  const neox: NamingContext = { ...LLAMA, numHeads: 4, numKvHeads: 4, headDim: 8 };
  const { byCanonical, unrecognised } = mapped(
    [
      ["gpt_neox.embed_in.weight", [100, 32]],
      ["gpt_neox.layers.0.input_layernorm.bias", [32]],
      ["gpt_neox.layers.0.attention.query_key_value.weight", [96, 32]],
      ["gpt_neox.layers.0.attention.query_key_value.bias", [96]],
      ["gpt_neox.layers.0.attention.rotary_emb.inv_freq", [4]],
      ["gpt_neox.layers.0.mlp.dense_h_to_4h.weight", [128, 32]],
      ["gpt_neox.layers.0.mlp.dense_4h_to_h.weight", [32, 128]],
      ["gpt_neox.final_layer_norm.bias", [32]],
      ["embed_out.weight", [100, 32]],
    ],
    neox,
  );
  assert.deepEqual(byCanonical["layers.0.attn.k"]?.transforms, [
    { kind: "slice-rows-interleaved", heads: 4, part: 1, parts: 3 },
  ]);
  assert.deepEqual(byCanonical["layers.0.attn.k"]?.shape, [32, 32]);
  assert.deepEqual(byCanonical["layers.0.attn.v.bias"]?.shape, [32]);
  assert.equal(byCanonical["layers.0.attn_norm.bias"]?.from, "gpt_neox.layers.0.input_layernorm.bias");
  assert.equal(byCanonical["final_norm.bias"]?.from, "gpt_neox.final_layer_norm.bias");
  assert.equal(byCanonical["layers.0.mlp.up"]?.from, "gpt_neox.layers.0.mlp.dense_h_to_4h.weight");
  assert.equal(byCanonical.lm_head?.from, "embed_out.weight");
  assert.deepEqual(
    unrecognised.map((t) => t.name),
    ["gpt_neox.layers.0.attention.rotary_emb.inv_freq"],
  );
});

test("Baichuan W_pack and Phi-3 qkv_proj split contiguously with grouped-query sizes", () => {
  const { byCanonical } = mapped([
    ["model.layers.0.self_attn.W_pack.weight", [64, 32]],
    ["model.layers.1.self_attn.qkv_proj.weight", [64, 32]],
    ["model.layers.1.mlp.gate_up_proj.weight", [96, 32]],
  ]);
  assert.deepEqual(byCanonical["layers.0.attn.q"]?.transforms, [{ kind: "slice-rows", start: 0, count: 32 }]);
  assert.deepEqual(byCanonical["layers.0.attn.k"]?.transforms, [
    { kind: "slice-rows", start: 32, count: 16 },
  ]);
  assert.deepEqual(byCanonical["layers.0.attn.v"]?.transforms, [
    { kind: "slice-rows", start: 48, count: 16 },
  ]);
  assert.equal(byCanonical["layers.0.attn.v"]?.convention, "baichuan");
  assert.deepEqual(byCanonical["layers.1.attn.k"]?.shape, [16, 32]);
  assert.equal(byCanonical["layers.1.attn.k"]?.convention, "phi3");
  assert.deepEqual(byCanonical["layers.1.mlp.gate"]?.transforms, [
    { kind: "slice-rows", start: 0, count: 48 },
  ]);
  assert.deepEqual(byCanonical["layers.1.mlp.up"]?.transforms, [
    { kind: "slice-rows", start: 48, count: 48 },
  ]);
});

test("GPT-2: Conv1D weights transposed back, c_attn split in three, wpe is pos_embed, mask buffers kept", () => {
  const gpt2: NamingContext = { ...LLAMA, numHeads: 4, numKvHeads: 4, headDim: 8 };
  const { byCanonical, unrecognised } = mapped(
    [
      ["wte.weight", [100, 32]],
      ["wpe.weight", [64, 32]],
      ["h.0.ln_1.weight", [32]],
      ["h.0.ln_1.bias", [32]],
      ["h.0.attn.bias", [1, 1, 64, 64]],
      ["h.0.attn.c_attn.weight", [32, 96]],
      ["h.0.attn.c_attn.bias", [96]],
      ["h.0.attn.c_proj.weight", [32, 32]],
      ["h.0.mlp.c_fc.weight", [32, 128]],
      ["h.0.mlp.c_proj.weight", [128, 32]],
      ["transformer.ln_f.weight", [32]],
    ],
    gpt2,
  );
  assert.deepEqual(byCanonical["layers.0.attn.v"]?.transforms, [
    { kind: "transpose" },
    { kind: "slice-rows", start: 64, count: 32 },
  ]);
  assert.deepEqual(byCanonical["layers.0.attn.v.bias"]?.transforms, [
    { kind: "slice-rows", start: 64, count: 32 },
  ]);
  assert.deepEqual(byCanonical["layers.0.mlp.up"]?.shape, [128, 32]);
  assert.deepEqual(byCanonical["layers.0.mlp.down"]?.shape, [32, 128]);
  assert.equal(byCanonical.final_norm?.convention, "gpt2");
  // wpe was kept unrecognised before; it is GPT-2's learned position embedding.
  assert.deepEqual(unrecognised.map((t) => t.name).sort(), ["h.0.attn.bias"]);
  assert.deepEqual(byCanonical.pos_embed?.shape, [64, 32]);
});

test("Falcon: multi-query and grouped (new decoder architecture) QKV layouts", () => {
  const multiQuery: NamingContext = { ...LLAMA, numHeads: 4, numKvHeads: 1, headDim: 8 };
  const mq = mapped([["transformer.h.0.self_attention.query_key_value.weight", [48, 32]]], multiQuery);
  // One group: q q q q k v → q is 4 parts from 0, k part 4, v part 5.
  assert.deepEqual(mq.byCanonical["layers.0.attn.q"]?.shape, [32, 32]);
  assert.deepEqual(mq.byCanonical["layers.0.attn.k"]?.transforms, [
    { kind: "slice-rows-interleaved", heads: 1, part: 4, parts: 6, partCount: 1 },
  ]);
  const grouped: NamingContext = { ...LLAMA, numHeads: 4, numKvHeads: 2, headDim: 8 };
  const g = mapped(
    [
      ["transformer.word_embeddings.weight", [100, 32]],
      ["transformer.h.0.ln_attn.weight", [32]],
      ["transformer.h.0.ln_mlp.weight", [32]],
      ["transformer.h.0.self_attention.query_key_value.weight", [64, 32]],
      ["transformer.h.0.self_attention.dense.weight", [32, 32]],
      ["transformer.h.0.mlp.dense_h_to_4h.weight", [128, 32]],
    ],
    grouped,
  );
  assert.deepEqual(g.byCanonical["layers.0.attn.q"]?.transforms, [
    { kind: "slice-rows-interleaved", heads: 2, part: 0, parts: 4, partCount: 2 },
  ]);
  assert.deepEqual(g.byCanonical["layers.0.attn.v"]?.shape, [16, 32]);
  assert.equal(g.byCanonical["layers.0.mlp_norm"]?.from, "transformer.h.0.ln_mlp.weight");
  assert.equal(g.byCanonical.embed?.convention, "falcon");
});

test("GGUF: llama.cpp names, Q/K unpermuted for llama, stacked experts split per expert", () => {
  const context: NamingContext = { ...LLAMA, ggufArchitecture: "llama" };
  const { byCanonical, unrecognised } = mapped(
    [
      ["token_embd.weight", [100, 32]],
      ["output.weight", [100, 32]],
      ["output_norm.weight", [32]],
      ["blk.0.attn_q.weight", [32, 32]],
      ["blk.0.attn_k.weight", [16, 32]],
      ["blk.0.attn_v.weight", [16, 32]],
      ["blk.0.attn_output.weight", [32, 32]],
      ["blk.0.ffn_gate_inp.weight", [3, 32]],
      ["blk.0.ffn_gate_exps.weight", [3, 48, 32]],
      ["blk.0.ffn_down_exps.weight", [3, 32, 48]],
      ["rope_freqs.weight", [4]],
    ],
    context,
    "gguf",
  );
  assert.deepEqual(byCanonical["layers.0.attn.q"]?.transforms, [{ kind: "unpermute-rope", heads: 4 }]);
  assert.deepEqual(byCanonical["layers.0.attn.k"]?.transforms, [{ kind: "unpermute-rope", heads: 2 }]);
  assert.deepEqual(byCanonical["layers.0.attn.v"]?.transforms, []);
  assert.equal(byCanonical["layers.0.moe.router"]?.from, "blk.0.ffn_gate_inp.weight");
  assert.deepEqual(byCanonical["layers.0.moe.experts.2.gate"]?.transforms, [
    { kind: "slice-rows", start: 96, count: 48 },
  ]);
  assert.deepEqual(byCanonical["layers.0.moe.experts.2.gate"]?.shape, [48, 32]);
  assert.deepEqual(byCanonical["layers.0.moe.experts.1.down"]?.shape, [32, 48]);
  assert.equal(byCanonical["layers.0.moe.experts.3.down"], undefined);
  assert.deepEqual(
    unrecognised.map((t) => t.name),
    ["rope_freqs.weight"],
  );
  // Qwen2 GGUF files are not permuted.
  const qwen = mapped([["blk.0.attn_q.weight", [32, 32]]], { ...LLAMA, ggufArchitecture: "qwen2" }, "gguf");
  assert.deepEqual(qwen.byCanonical["layers.0.attn.q"]?.transforms, []);
});

test("Meta / llama2.c names, wq and wk in rotary order", () => {
  const { byCanonical } = mapped(
    [
      ["tok_embeddings.weight", [100, 32]],
      ["layers.0.attention.wq.weight", [32, 32]],
      ["layers.0.attention.wk.weight", [16, 32]],
      ["layers.0.attention.wv.weight", [16, 32]],
      ["layers.0.feed_forward.w1.weight", [48, 32]],
      ["layers.0.feed_forward.w2.weight", [32, 48]],
      ["layers.0.feed_forward.w3.weight", [48, 32]],
      ["norm.weight", [32]],
      ["output.weight", [100, 32]],
    ],
    LLAMA,
    "llama2c",
  );
  assert.deepEqual(byCanonical["layers.0.attn.k"]?.transforms, [{ kind: "unpermute-rope", heads: 2 }]);
  assert.equal(byCanonical["layers.0.mlp.gate"]?.from, "layers.0.feed_forward.w1.weight");
  assert.equal(byCanonical["layers.0.mlp.down"]?.from, "layers.0.feed_forward.w2.weight");
  assert.equal(byCanonical["layers.0.mlp.up"]?.from, "layers.0.feed_forward.w3.weight");
  assert.equal(byCanonical.final_norm?.convention, "meta");
});

test("unknown names are kept and reported; a fused tensor without head counts is kept with a reason", () => {
  const noHeads: NamingContext = { ...LLAMA, numHeads: undefined, headDim: undefined };
  const result = mapped(
    [
      ["model.layers.0.self_attn.q_proj.weight", [32, 32]],
      ["my.secret.tensor", [32, 32]],
      ["model.layers.0.self_attn.W_pack.weight", [96, 32]],
    ],
    noHeads,
  );
  assert.deepEqual(Object.keys(result.byCanonical), ["layers.0.attn.q"]);
  assert.deepEqual(
    result.unrecognised.map((t) => t.name),
    ["my.secret.tensor", "model.layers.0.self_attn.W_pack.weight"],
  );
  assert.ok(result.notes.some((note) => note.includes("W_pack") && note.includes("head count")));
  assert.ok(result.notes.some((note) => note.includes("my.secret.tensor")));
});

test("two stored tensors claiming one canonical name: the second is kept unrecognised", () => {
  const result = mapped([
    ["model.layers.0.input_layernorm.weight", [32]],
    ["model.layers.0.ln1.weight", [32]],
  ]);
  assert.equal(result.tensors.length, 1);
  assert.equal(result.unrecognised.length, 1);
  assert.ok(result.notes.some((note) => note.includes("would also be layers.0.attn_norm")));
});

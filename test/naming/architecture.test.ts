import assert from "node:assert/strict";
import { test } from "node:test";
import type { Declared } from "../../src/architecture/declared.js";
import { figuresFromConfig } from "../../src/architecture/from-config.js";
import { figuresFromGguf } from "../../src/architecture/from-gguf.js";
import { countParameters } from "../../src/architecture/parameter-count.js";
import { summarizeArchitecture } from "../../src/architecture/summarize.js";
import type { TensorInfo } from "../../src/formats/tensor-store.js";
import { mapTensorNames } from "../../src/naming/map-names.js";
import { rulesFor } from "../../src/naming/rule-sets.js";

function tensors(entries: ReadonlyArray<readonly [string, number[]]>): TensorInfo[] {
  return entries.map(([name, shape]) => ({
    name,
    dtype: "BF16",
    shape,
    file: "x",
    offset: 0,
    byteLength: 0,
  }));
}

function llamaTable(norms: "hf" | "yi", hidden = 32): TensorInfo[] {
  const [n1, n2] = norms === "yi" ? ["ln1", "ln2"] : ["input_layernorm", "post_attention_layernorm"];
  return tensors([
    ["model.embed_tokens.weight", [100, hidden]],
    ["model.layers.0.self_attn.q_proj.weight", [32, 32]],
    ["model.layers.0.self_attn.k_proj.weight", [16, 32]],
    ["model.layers.1.mlp.up_proj.weight", [48, 32]],
    ["model.layers.0.mlp.up_proj.weight", [48, 32]],
    [`model.layers.0.${n1}.weight`, [32]],
    [`model.layers.0.${n2}.weight`, [32]],
    ["lm_head.weight", [100, 32]],
  ]);
}

function summary(config: Record<string, unknown>, table: TensorInfo[]) {
  const fromConfig = figuresFromConfig(config);
  const declared: Declared = {
    family: fromConfig.family,
    figures: fromConfig.figures,
    source: "config.json",
    declaredType: fromConfig.modelType,
    ggufArchitecture: undefined,
  };
  const f = fromConfig.figures;
  const mapping = mapTensorNames(table, rulesFor("safetensors"), {
    numHeads: f.numHeads,
    numKvHeads: f.numKvHeads,
    headDim: f.headDim,
    hiddenSize: f.hiddenSize,
    intermediateSize: f.intermediateSize,
    ggufArchitecture: undefined,
  });
  return summarizeArchitecture(declared, mapping.tensors);
}

const LLAMA = {
  model_type: "llama",
  hidden_size: 32,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  num_hidden_layers: 2,
  intermediate_size: 48,
  vocab_size: 100,
};

test("config.json figures across key spellings", () => {
  const gpt2 = figuresFromConfig({
    model_type: "gpt2",
    n_embd: 768,
    n_head: 12,
    n_layer: 12,
    n_inner: null,
    vocab_size: 50257,
  });
  assert.equal(gpt2.family, "gpt2");
  assert.equal(gpt2.figures.intermediateSize, 3072);
  assert.equal(gpt2.figures.numKvHeads, 12);
  assert.equal(gpt2.figures.headDim, 64);
  const falcon7b = figuresFromConfig({
    model_type: "falcon",
    hidden_size: 4544,
    num_attention_heads: 71,
    multi_query: true,
  });
  assert.equal(falcon7b.figures.numKvHeads, 1);
  const falcon40b = figuresFromConfig({
    model_type: "falcon",
    hidden_size: 8192,
    num_attention_heads: 128,
    num_kv_heads: 8,
    new_decoder_architecture: true,
  });
  assert.equal(falcon40b.figures.numKvHeads, 8);
  const rw = figuresFromConfig({
    architectures: ["RWForCausalLM"],
    hidden_size: 2048,
    n_head: 32,
    multi_query: false,
  });
  assert.equal(rw.family, "falcon");
  assert.equal(rw.figures.numKvHeads, 32);
  const yi = figuresFromConfig({
    model_type: "Yi",
    hidden_size: 7168,
    num_attention_heads: 56,
    num_key_value_heads: 8,
  });
  assert.equal(yi.family, "yi");
  assert.equal(yi.modelType, "Yi");
  const moe = figuresFromConfig({ model_type: "mixtral", num_local_experts: 8 });
  assert.equal(moe.figures.numExperts, 8);
  const odd = figuresFromConfig({ model_type: "MyNewThing", hidden_size: "big" });
  assert.equal(odd.family, "mynewthing");
  assert.equal(odd.figures.hiddenSize, undefined);
});

test("GGUF metadata figures; llama with experts is Mixtral", () => {
  const result = figuresFromGguf({
    "general.architecture": "llama",
    "llama.embedding_length": 4096,
    "llama.block_count": 32,
    "llama.attention.head_count": 32,
    "llama.attention.head_count_kv": 8,
    "llama.feed_forward_length": 14336,
    "llama.expert_count": 8,
    "tokenizer.ggml.tokens": ["a", "b", "c"],
  });
  assert.equal(result.family, "mixtral");
  assert.deepEqual(
    [result.figures.hiddenSize, result.figures.numKvHeads, result.figures.vocabSize, result.figures.headDim],
    [4096, 8, 3, 128],
  );
  assert.equal(figuresFromGguf({ "general.architecture": "gptneox" }).family, "gpt-neox");
});

test("family from names and config: agreement gives no disagreement note", () => {
  const { architecture, notes } = summary(LLAMA, llamaTable("hf"));
  assert.equal(architecture.family, "llama");
  assert.deepEqual(notes, []);
  assert.equal(architecture.numLayers, 2);
  assert.equal(architecture.tieWordEmbeddings, false);
  assert.deepEqual(architecture.sources, ["config.json", "tensor shapes"]);
});

test("config says llama but the names are Yi's", () => {
  const { architecture, notes } = summary(LLAMA, llamaTable("yi"));
  assert.equal(architecture.family, "yi");
  assert.ok(
    notes.some((n) => n.includes("says 'llama'") && n.includes("Yi")),
    notes.join("; "),
  );
});

test("config model_type Yi with the plain Llama layout", () => {
  const { architecture, notes } = summary({ ...LLAMA, model_type: "Yi" }, llamaTable("hf"));
  assert.equal(architecture.family, "yi");
  assert.ok(
    notes.some((n) => n.includes("says 'Yi'") && n.includes("plain Llama layout")),
    notes.join("; "),
  );
});

test("hidden size in config differs from the embedding width", () => {
  const { architecture, notes } = summary(LLAMA, llamaTable("hf", 40));
  assert.equal(architecture.hiddenSize, 32);
  assert.ok(
    notes.some((n) => n.includes("hidden size 32") && n.includes("say 40")),
    notes.join("; "),
  );
});

test("shapes fill figures a config does not give", () => {
  const { architecture } = summary({ model_type: "llama", num_attention_heads: 4 }, llamaTable("hf"));
  assert.equal(architecture.hiddenSize, 32);
  assert.equal(architecture.vocabSize, 100);
  assert.equal(architecture.intermediateSize, 48);
  assert.equal(architecture.numLayers, 2);
  assert.equal(architecture.tieWordEmbeddings, false);
});

test("parameter count leaves out rotary tables and mask buffers", () => {
  const table = tensors([
    ["model.embed_tokens.weight", [10, 4]],
    ["h.0.attn.c_attn.bias", [12]],
    ["h.0.attn.bias", [1, 1, 8, 8]],
    ["gpt_neox.layers.0.attention.rotary_emb.inv_freq", [2]],
    ["freqs_cis_real", [4, 2]],
    ["rope_freqs.weight", [2]],
  ]);
  assert.equal(countParameters(table), 52);
});

test("Llama-layout families are taken from the config; another family's names are a note", () => {
  const withBiases = [...llamaTable("hf"), ...tensors([["model.layers.0.self_attn.q_proj.bias", [32]]])];
  const mistral = summary({ ...LLAMA, model_type: "mistral" }, llamaTable("hf"));
  assert.equal(mistral.architecture.family, "mistral");
  assert.deepEqual(mistral.notes, []);
  const qwen = summary({ ...LLAMA, model_type: "qwen2" }, withBiases);
  assert.equal(qwen.architecture.family, "qwen2");
  assert.deepEqual(qwen.notes, []);
  const neoxNames = tensors([
    ["gpt_neox.embed_in.weight", [100, 32]],
    ["gpt_neox.layers.0.mlp.dense_h_to_4h.weight", [48, 32]],
  ]);
  const claimed = summary(LLAMA, neoxNames);
  assert.equal(claimed.architecture.family, "gpt-neox");
  assert.ok(claimed.notes.some((n) => n.includes("says 'llama'") && n.includes("gpt-neox convention")));
});

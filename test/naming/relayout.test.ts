/**
 * Round trips: canonical tensors written in each convention's stored layout (by test-local code, written
 * independently of src/naming/transforms.ts) must come back exactly through openCanonicalModel.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { gguf, writeGguf } from "../../src/formats/gguf/writer.js";
import { writeHfFolder } from "../../src/formats/safetensors/writer.js";
import { openCanonicalModel } from "../../src/naming/open.js";

const dir = await mkdtemp(join(tmpdir(), "lineage-relayout-"));
after(() => rm(dir, { recursive: true, force: true }));

const HIDDEN = 16;
const HEADS = 4;
const HEAD_DIM = 4;
const FF = 24;
const VOCAB = 10;

let seed = 12345;
function random(n: number): Float32Array {
  return Float32Array.from({ length: n }, () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31 - 0.5;
  });
}

interface Tensor {
  shape: number[];
  data: Float32Array;
}
const t = (rows: number, cols?: number): Tensor =>
  cols === undefined
    ? { shape: [rows], data: random(rows) }
    : { shape: [rows, cols], data: random(rows * cols) };

function rowsOf(tensor: Tensor, rows: number[]): Float32Array {
  const cols = tensor.shape[1] ?? 1;
  const out = new Float32Array(rows.length * cols);
  rows.forEach((row, i) => {
    out.set(tensor.data.subarray(row * cols, (row + 1) * cols), i * cols);
  });
  return out;
}
function concat(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
const range = (start: number, count: number) => Array.from({ length: count }, (_, i) => start + i);
function transposed(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return out;
}
/** HF → Meta rotary order: row (h, pair, i) moves to (h, i, pair). */
function toMetaOrder(tensor: Tensor, heads: number): Float32Array {
  const half = tensor.shape[0]! / heads / 2;
  const order: number[] = [];
  for (let h = 0; h < heads; h++)
    for (let i = 0; i < half; i++) order.push(h * 2 * half + i, h * 2 * half + half + i);
  return rowsOf(tensor, order);
}

/** A canonical model with `kvHeads` KV heads and biases on q/k/v when asked. */
function canonical(kvHeads: number, biases = false): Map<string, Tensor> {
  const m = new Map<string, Tensor>([
    ["embed", t(VOCAB, HIDDEN)],
    ["lm_head", t(VOCAB, HIDDEN)],
    ["final_norm", t(HIDDEN)],
  ]);
  for (const layer of [0, 1]) {
    const p = `layers.${layer}.`;
    m.set(`${p}attn_norm`, t(HIDDEN));
    m.set(`${p}mlp_norm`, t(HIDDEN));
    m.set(`${p}attn.q`, t(HEADS * HEAD_DIM, HIDDEN));
    m.set(`${p}attn.k`, t(kvHeads * HEAD_DIM, HIDDEN));
    m.set(`${p}attn.v`, t(kvHeads * HEAD_DIM, HIDDEN));
    if (biases) {
      m.set(`${p}attn.q.bias`, t(HEADS * HEAD_DIM));
      m.set(`${p}attn.k.bias`, t(kvHeads * HEAD_DIM));
      m.set(`${p}attn.v.bias`, t(kvHeads * HEAD_DIM));
    }
    m.set(`${p}attn.o`, t(HIDDEN, HEADS * HEAD_DIM));
    m.set(`${p}mlp.gate`, t(FF, HIDDEN));
    m.set(`${p}mlp.up`, t(FF, HIDDEN));
    m.set(`${p}mlp.down`, t(HIDDEN, FF));
  }
  return m;
}

type Stored = Map<string, Tensor>;
const get = (m: Map<string, Tensor>, name: string) => m.get(name)!;

async function writeFolder(name: string, config: Record<string, unknown>, stored: Stored): Promise<string> {
  const folder = join(dir, name);
  await writeHfFolder(folder, {
    config,
    tensors: [...stored].map(([n, tensor]) => ({ name: n, shape: tensor.shape })),
    read: (n) => stored.get(n)!.data,
  });
  return folder;
}

async function assertRoundTrip(
  path: string,
  expected: Map<string, Tensor>,
  skip: (name: string) => boolean = () => false,
) {
  const model = await openCanonicalModel(path);
  try {
    const names = [...expected.keys()].filter((n) => !skip(n)).sort();
    assert.deepEqual(model.tensors.map((x) => x.canonical).sort(), names);
    assert.deepEqual(model.unrecognised, []);
    for (const name of names) {
      assert.deepEqual(model.get(name)?.shape, get(expected, name).shape, name);
      assert.deepEqual(await model.read(name), get(expected, name).data, name);
    }
  } finally {
    await model.close();
  }
}

const llamaConfig = (modelType: string, kvHeads: number) => ({
  model_type: modelType,
  hidden_size: HIDDEN,
  num_attention_heads: HEADS,
  num_key_value_heads: kvHeads,
  num_hidden_layers: 2,
  intermediate_size: FF,
  vocab_size: VOCAB,
});

test("Meta names (Mistral consolidated style) with rotary-ordered wq/wk", async () => {
  const c = canonical(2);
  const stored: Stored = new Map([
    ["tok_embeddings.weight", get(c, "embed")],
    ["output.weight", get(c, "lm_head")],
    ["norm.weight", get(c, "final_norm")],
  ]);
  for (const l of [0, 1]) {
    const p = `layers.${l}.`;
    const q = get(c, `${p}attn.q`);
    const k = get(c, `${p}attn.k`);
    stored.set(`${p}attention.wq.weight`, { shape: q.shape, data: toMetaOrder(q, HEADS) });
    stored.set(`${p}attention.wk.weight`, { shape: k.shape, data: toMetaOrder(k, 2) });
    stored.set(`${p}attention.wv.weight`, get(c, `${p}attn.v`));
    stored.set(`${p}attention.wo.weight`, get(c, `${p}attn.o`));
    stored.set(`${p}attention_norm.weight`, get(c, `${p}attn_norm`));
    stored.set(`${p}ffn_norm.weight`, get(c, `${p}mlp_norm`));
    stored.set(`${p}feed_forward.w1.weight`, get(c, `${p}mlp.gate`));
    stored.set(`${p}feed_forward.w2.weight`, get(c, `${p}mlp.down`));
    stored.set(`${p}feed_forward.w3.weight`, get(c, `${p}mlp.up`));
  }
  await assertRoundTrip(await writeFolder("meta", llamaConfig("llama", 2), stored), c);
});

function hfNames(c: Map<string, Tensor>, stored: Stored, fused: boolean) {
  stored.set("model.embed_tokens.weight", get(c, "embed"));
  stored.set("lm_head.weight", get(c, "lm_head"));
  stored.set("model.norm.weight", get(c, "final_norm"));
  for (const l of [0, 1]) {
    const p = `layers.${l}.`;
    stored.set(`model.${p}input_layernorm.weight`, get(c, `${p}attn_norm`));
    stored.set(`model.${p}post_attention_layernorm.weight`, get(c, `${p}mlp_norm`));
    stored.set(`model.${p}self_attn.o_proj.weight`, get(c, `${p}attn.o`));
    stored.set(`model.${p}mlp.down_proj.weight`, get(c, `${p}mlp.down`));
    if (!fused) {
      stored.set(`model.${p}mlp.gate_proj.weight`, get(c, `${p}mlp.gate`));
      stored.set(`model.${p}mlp.up_proj.weight`, get(c, `${p}mlp.up`));
    }
  }
}

test("Baichuan W_pack and Phi-3 qkv_proj / gate_up_proj (contiguous, grouped-query sizes)", async () => {
  const c = canonical(2);
  const baichuan: Stored = new Map();
  hfNames(c, baichuan, false);
  const phi3: Stored = new Map();
  hfNames(c, phi3, true);
  for (const l of [0, 1]) {
    const p = `layers.${l}.`;
    const qkv = concat(get(c, `${p}attn.q`).data, get(c, `${p}attn.k`).data, get(c, `${p}attn.v`).data);
    const fused = { shape: [(HEADS + 4) * HEAD_DIM, HIDDEN], data: qkv };
    baichuan.set(`model.${p}self_attn.W_pack.weight`, fused);
    phi3.set(`model.${p}self_attn.qkv_proj.weight`, fused);
    phi3.set(`model.${p}mlp.gate_up_proj.weight`, {
      shape: [2 * FF, HIDDEN],
      data: concat(get(c, `${p}mlp.gate`).data, get(c, `${p}mlp.up`).data),
    });
  }
  await assertRoundTrip(await writeFolder("baichuan", llamaConfig("baichuan", 2), baichuan), c);
  await assertRoundTrip(await writeFolder("phi3", llamaConfig("phi3", 2), phi3), c);
});

test("GPT-NeoX: query_key_value interleaved per head, with biases", async () => {
  const c = canonical(HEADS, true);
  const stored: Stored = new Map([
    ["gpt_neox.embed_in.weight", get(c, "embed")],
    ["embed_out.weight", get(c, "lm_head")],
    ["gpt_neox.final_layer_norm.weight", get(c, "final_norm")],
  ]);
  for (const l of [0, 1]) {
    const p = `layers.${l}.`;
    const n = `gpt_neox.layers.${l}.`;
    for (const suffix of ["", ".bias"]) {
      const parts = ["q", "k", "v"].map((x) => get(c, `${p}attn.${x}${suffix}`));
      const perHead = parts.flatMap((_, index) =>
        range(0, HEADS).map((h) => rowsOf(parts[index]!, range(h * HEAD_DIM, HEAD_DIM))),
      );
      // Stored order: head 0 q k v, head 1 q k v, …
      const order = range(0, HEADS).flatMap((h) => [
        perHead[h]!,
        perHead[HEADS + h]!,
        perHead[2 * HEADS + h]!,
      ]);
      stored.set(`${n}attention.query_key_value${suffix || ".weight"}`, {
        shape: suffix ? [3 * HIDDEN] : [3 * HIDDEN, HIDDEN],
        data: concat(...order),
      });
    }
    stored.set(`${n}attention.dense.weight`, get(c, `${p}attn.o`));
    stored.set(`${n}input_layernorm.weight`, get(c, `${p}attn_norm`));
    stored.set(`${n}post_attention_layernorm.weight`, get(c, `${p}mlp_norm`));
    stored.set(`${n}mlp.dense_h_to_4h.weight`, get(c, `${p}mlp.up`));
    stored.set(`${n}mlp.dense_4h_to_h.weight`, get(c, `${p}mlp.down`));
  }
  const config = {
    model_type: "gpt_neox",
    hidden_size: HIDDEN,
    num_attention_heads: HEADS,
    num_hidden_layers: 2,
  };
  await assertRoundTrip(await writeFolder("neox", config, stored), c, (n) => n.endsWith("mlp.gate"));
});

test("GPT-2: Conv1D weights stored transposed, c_attn fused", async () => {
  const c = canonical(HEADS, true);
  const stored: Stored = new Map([
    ["transformer.wte.weight", get(c, "embed")],
    ["transformer.ln_f.weight", get(c, "final_norm")],
  ]);
  for (const l of [0, 1]) {
    const p = `layers.${l}.`;
    const h = `transformer.h.${l}.`;
    const qkv = concat(...["q", "k", "v"].map((x) => get(c, `${p}attn.${x}`).data));
    stored.set(`${h}attn.c_attn.weight`, {
      shape: [HIDDEN, 3 * HIDDEN],
      data: transposed(qkv, 3 * HIDDEN, HIDDEN),
    });
    stored.set(`${h}attn.c_attn.bias`, {
      shape: [3 * HIDDEN],
      data: concat(...["q", "k", "v"].map((x) => get(c, `${p}attn.${x}.bias`).data)),
    });
    stored.set(`${h}attn.c_proj.weight`, {
      shape: [HIDDEN, HIDDEN],
      data: transposed(get(c, `${p}attn.o`).data, HIDDEN, HIDDEN),
    });
    stored.set(`${h}mlp.c_fc.weight`, {
      shape: [HIDDEN, FF],
      data: transposed(get(c, `${p}mlp.up`).data, FF, HIDDEN),
    });
    stored.set(`${h}mlp.c_proj.weight`, {
      shape: [FF, HIDDEN],
      data: transposed(get(c, `${p}mlp.down`).data, HIDDEN, FF),
    });
    stored.set(`${h}ln_1.weight`, get(c, `${p}attn_norm`));
    stored.set(`${h}ln_2.weight`, get(c, `${p}mlp_norm`));
  }
  const config = { model_type: "gpt2", n_embd: HIDDEN, n_head: HEADS, n_layer: 2, n_inner: FF };
  await assertRoundTrip(
    await writeFolder("gpt2", config, stored),
    c,
    (n) => n === "lm_head" || n.endsWith("mlp.gate"),
  );
});

test("Falcon: grouped query_key_value (new decoder architecture)", async () => {
  const c = canonical(2);
  const stored: Stored = new Map([["transformer.word_embeddings.weight", get(c, "embed")]]);
  for (const l of [0, 1]) {
    const p = `layers.${l}.`;
    const q = get(c, `${p}attn.q`);
    // Group g: query heads 2g, 2g+1, then key g, then value g.
    const groups = [0, 1].map((g) =>
      concat(
        rowsOf(q, range(2 * g * HEAD_DIM, 2 * HEAD_DIM)),
        rowsOf(get(c, `${p}attn.k`), range(g * HEAD_DIM, HEAD_DIM)),
        rowsOf(get(c, `${p}attn.v`), range(g * HEAD_DIM, HEAD_DIM)),
      ),
    );
    stored.set(`transformer.h.${l}.self_attention.query_key_value.weight`, {
      shape: [(HEADS + 4) * HEAD_DIM, HIDDEN],
      data: concat(...groups),
    });
  }
  const config = {
    model_type: "falcon",
    hidden_size: HIDDEN,
    num_attention_heads: HEADS,
    num_kv_heads: 2,
    new_decoder_architecture: true,
    num_hidden_layers: 2,
  };
  await assertRoundTrip(
    await writeFolder("falcon", config, stored),
    c,
    (n) => n !== "embed" && !/attn\.[qkv]$/.test(n),
  );
});

test("GGUF: permuted Q/K and stacked experts come back in HF layout", async () => {
  const c = canonical(2);
  const experts = [0, 1, 2].map(() => ({ gate: t(FF, HIDDEN), up: t(FF, HIDDEN), down: t(HIDDEN, FF) }));
  const f32 = (data: Float32Array) => new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const tensors = [
    { name: "token_embd.weight", dtype: "F32", shape: [VOCAB, HIDDEN], data: f32(get(c, "embed").data) },
    {
      name: "blk.0.attn_q.weight",
      dtype: "F32",
      shape: [HEADS * HEAD_DIM, HIDDEN],
      data: f32(toMetaOrder(get(c, "layers.0.attn.q"), HEADS)),
    },
    {
      name: "blk.0.attn_k.weight",
      dtype: "F32",
      shape: [2 * HEAD_DIM, HIDDEN],
      data: f32(toMetaOrder(get(c, "layers.0.attn.k"), 2)),
    },
    ...(["gate", "up", "down"] as const).map((part) => ({
      name: `blk.0.ffn_${part}_exps.weight`,
      dtype: "F32",
      shape: [3, ...experts[0]![part].shape],
      data: f32(concat(...experts.map((e) => e[part].data))),
    })),
  ];
  const path = join(dir, "model.gguf");
  await writeGguf(path, {
    metadata: [
      ["general.architecture", gguf.str("llama")],
      ["llama.embedding_length", gguf.u32(HIDDEN)],
      ["llama.block_count", gguf.u32(1)],
      ["llama.attention.head_count", gguf.u32(HEADS)],
      ["llama.attention.head_count_kv", gguf.u32(2)],
      ["llama.expert_count", gguf.u32(3)],
    ],
    tensors,
  });
  const expected = new Map<string, Tensor>([
    ["embed", get(c, "embed")],
    ["layers.0.attn.q", get(c, "layers.0.attn.q")],
    ["layers.0.attn.k", get(c, "layers.0.attn.k")],
  ]);
  experts.forEach((e, j) => {
    for (const part of ["gate", "up", "down"] as const)
      expected.set(`layers.0.moe.experts.${j}.${part}`, e[part]);
  });
  await assertRoundTrip(path, expected);
  const model = await openCanonicalModel(path);
  assert.equal(model.architecture.family, "mixtral");
  assert.equal(model.architecture.numExperts, 3);
  await model.close();
});

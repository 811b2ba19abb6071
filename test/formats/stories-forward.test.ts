/**
 * The committed stories260K is Karpathy's real model: a run.c-style float32 forward pass with greedy
 * decoding from BOS writes English with `tok512.bin`, read as stored (Meta names, run.c's interleaved
 * RoPE) and through the canonical view (Hugging Face row order). Other copies of the same model in
 * ../shared (llama.cpp's GGUF) must decode to the same tokens.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { Llama2cStore } from "../../src/formats/llama2c/store.js";
import { openCanonicalModel } from "../../src/naming/open.js";
import { readLlama2cTokenizer } from "../../src/tokenizers/readers/llama2c.js";
import { fixture, shared, skipUnlessShared } from "../helpers.js";
import { decodePieces, greedyTokens, type RunCConfig } from "./run-c.js";

const STORIES = fixture("stories260k", "stories260K.bin");
const TOK512 = fixture("stories260k", "tok512.bin");
const STEPS = 40;
const EXPECTED = "Once upon a time, there was a little girl named Lily";

const CONFIG = { dim: 64, hiddenDim: 172, nLayers: 5, nHeads: 8, nKvHeads: 4, vocabSize: 512 };

/** Meta / llama2.c names of the canonical parts run.c reads. */
const META_NAMES: Record<string, string> = {
  embed: "tok_embeddings.weight",
  lm_head: "tok_embeddings.weight", // shared classifier
  final_norm: "norm.weight",
  attn_norm: "attention_norm.weight",
  "attn.q": "attention.wq.weight",
  "attn.k": "attention.wk.weight",
  "attn.v": "attention.wv.weight",
  "attn.o": "attention.wo.weight",
  mlp_norm: "ffn_norm.weight",
  "mlp.gate": "feed_forward.w1.weight",
  "mlp.up": "feed_forward.w3.weight",
  "mlp.down": "feed_forward.w2.weight",
};

function metaName(canonical: string): string {
  const layer = /^layers\.(\d+)\.(.+)$/.exec(canonical);
  if (layer === null) return META_NAMES[canonical]!;
  return `layers.${layer[1]}.${META_NAMES[layer[2]!]!}`;
}

async function preload(names: Iterable<string>, read: (name: string) => Promise<Float32Array>) {
  const weights = new Map<string, Float32Array>();
  for (const name of names) weights.set(name, await read(name));
  return (name: string) => {
    const value = weights.get(name);
    assert.ok(value !== undefined, `no weights for ${name}`);
    return value;
  };
}

const CANONICAL_PARTS = [
  "embed",
  "final_norm",
  ...Array.from({ length: CONFIG.nLayers }, (_, l) =>
    ["attn_norm", "attn.q", "attn.k", "attn.v", "attn.o", "mlp_norm", "mlp.gate", "mlp.up", "mlp.down"].map(
      (part) => `layers.${l}.${part}`,
    ),
  ).flat(),
];

/** Greedy tokens of a model read through the canonical view (HF row order; tied head = embedding). */
async function canonicalTokens(path: string): Promise<number[]> {
  const model = await openCanonicalModel(path);
  try {
    const names = [...CANONICAL_PARTS, ...(model.get("lm_head") === undefined ? [] : ["lm_head"])];
    const read = await preload(names, (name) => model.read(name));
    const weights = (name: string) =>
      read(name === "lm_head" && model.get("lm_head") === undefined ? "embed" : name);
    const config: RunCConfig = { ...CONFIG, ropeOrder: "half" };
    return greedyTokens(config, weights, STEPS);
  } finally {
    await model.close();
  }
}

let pieces: string[] | undefined;
async function decode(tokens: number[]): Promise<string> {
  pieces ??= (await readLlama2cTokenizer(TOK512)).tokens;
  return decodePieces(pieces, tokens);
}

let reference: number[] | undefined;
async function storedTokens(): Promise<number[]> {
  if (reference !== undefined) return reference;
  const store = await Llama2cStore.open(STORIES);
  try {
    const names = new Set(["embed", "lm_head", ...CANONICAL_PARTS].map(metaName));
    const read = await preload(names, (name) => store.read(name));
    reference = greedyTokens({ ...CONFIG, ropeOrder: "interleaved" }, (name) => read(metaName(name)), STEPS);
    return reference;
  } finally {
    await store.close();
  }
}

test("the fixture is Karpathy's stories260K (sha256 b0a507e7…), not the scrambled copy (9414d5a2…)", async () => {
  const digest = createHash("sha256")
    .update(await readFile(STORIES))
    .digest("hex");
  assert.equal(digest, "b0a507e7ad0f626624f17112325e66691f9076d622e1d3274d103d00299f2696");
});

test("stories260K as stored (run.c's interleaved RoPE) decodes greedily from BOS to English", async () => {
  const text = await decode(await storedTokens());
  assert.ok(text.startsWith(EXPECTED), text);
});

test("the canonical view (HF row order, rotary order undone) gives the same tokens", async () => {
  assert.deepEqual(await canonicalTokens(STORIES), await storedTokens());
});

test("a control: the same forward pass with the RoPE pairing of the wrong convention is not the story", async () => {
  const store = await Llama2cStore.open(STORIES);
  try {
    const names = new Set(["embed", "lm_head", ...CANONICAL_PARTS].map(metaName));
    const read = await preload(names, (name) => store.read(name));
    const tokens = greedyTokens({ ...CONFIG, ropeOrder: "half" }, (name) => read(metaName(name)), STEPS);
    assert.notDeepEqual(tokens, await storedTokens());
  } finally {
    await store.close();
  }
});

test(
  "llama.cpp's GGUF of stories260K (../shared) decodes to the same tokens through the canonical view",
  skipUnlessShared("real", "stories260k", "stories260K.gguf"),
  async () => {
    const tokens = await canonicalTokens(shared("real", "stories260k", "stories260K.gguf")!);
    assert.deepEqual(tokens, await storedTokens());
  },
);

test("the version-2 Q8_0 export (export.py --version 2) read through the canonical view tells the same story", async () => {
  const text = await decode(await canonicalTokens(fixture("stories260k", "stories260K_q80.bin")));
  assert.ok(text.startsWith(EXPECTED), text);
});

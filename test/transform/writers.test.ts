/** Storage transforms and writers: the bytes and tables other engineers' readers will see. */
import assert from "node:assert/strict";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { UsageError } from "../../src/errors.js";
import { openModelSource } from "../../src/formats/model-source.js";
import { llamaForward } from "../../src/transform/forward.js";
import { readAllTensors } from "../../src/transform/llama-model.js";
import { loadLlamaModel } from "../../src/transform/load.js";
import { makeVariant } from "../../src/transform/make-variant.js";
import { createRandom, randomOrthogonal } from "../../src/transform/random.js";
import { createTransform } from "../../src/transform/registry.js";
import { writeModel } from "../../src/transform/write.js";
import { fixture } from "../helpers.js";

const STORIES = fixture("stories260k", "stories260K.bin");
const tempDir = () => mkdtemp(join(tmpdir(), "lineage-writers-"));

async function variant(
  kind: string,
  options: Record<string, unknown>,
  out: string,
  format: "hf" | "llama2c",
) {
  const model = createTransform(kind, options)(await loadLlamaModel(STORIES));
  try {
    await writeModel(model, out, { format });
  } finally {
    await model.close();
  }
}

test("transposed llama2.c output is byte for byte the real stories260K.transpose.bin", async () => {
  const out = join(await tempDir(), "t.bin");
  await variant("transpose", {}, out, "llama2c");
  assert.deepEqual(await readFile(out), await readFile(fixture("stories260k", "stories260K.transpose.bin")));
});

test("fused (Phi-3, Baichuan), transposed and invented-name HF folders have the expected tables", async () => {
  const dir = await tempDir();
  await variant("fuse-qkv", { style: "phi3" }, join(dir, "phi3"), "hf");
  const phi3 = await openModelSource(join(dir, "phi3"));
  assert.deepEqual(phi3.store.get("model.layers.0.self_attn.qkv_proj.weight")?.shape, [64 + 32 + 32, 64]);
  assert.deepEqual(phi3.store.get("model.layers.0.mlp.gate_up_proj.weight")?.shape, [2 * 172, 64]);
  assert.equal(phi3.store.get("model.layers.0.self_attn.q_proj.weight"), undefined);
  assert.equal(phi3.config?.model_type, "phi3");
  await phi3.store.close();

  await variant("fuse-qkv", { style: "baichuan" }, join(dir, "baichuan"), "hf");
  const baichuan = await openModelSource(join(dir, "baichuan"));
  assert.deepEqual(baichuan.store.get("model.layers.4.self_attn.W_pack.weight")?.shape, [128, 64]);
  assert.ok(baichuan.store.get("model.layers.4.mlp.gate_proj.weight") !== undefined);
  await baichuan.store.close();

  await variant("transpose", {}, join(dir, "t"), "hf");
  const transposed = await openModelSource(join(dir, "t"));
  assert.deepEqual(transposed.store.get("model.layers.1.mlp.down_proj.weight")?.shape, [172, 64]);
  assert.deepEqual(transposed.store.get("model.embed_tokens.weight")?.shape, [512, 64]);
  await transposed.store.close();

  await variant("rename", { naming: "invented" }, join(dir, "odd"), "hf");
  const odd = await openModelSource(join(dir, "odd"));
  assert.ok(odd.store.tensors.every((t) => !t.name.includes("layers") && !t.name.includes("proj")));
  assert.ok(odd.store.get("backbone.cells.3.mixer.asker") !== undefined);
  await odd.store.close();
});

test("cast writes BF16; llama2.c output refuses fused projections and invented names", async () => {
  const dir = await tempDir();
  await variant("cast", { dtype: "BF16" }, join(dir, "bf16"), "hf");
  const bf16 = await openModelSource(join(dir, "bf16"));
  assert.ok(bf16.store.tensors.every((t) => t.dtype === "BF16"));
  assert.equal(bf16.config?.torch_dtype, "bfloat16");
  await bf16.store.close();
  await assert.rejects(variant("fuse-qkv", {}, join(dir, "x.bin"), "llama2c"), UsageError);
  await assert.rejects(variant("rename", { naming: "invented" }, join(dir, "y.bin"), "llama2c"), UsageError);
  assert.throws(() => createTransform("melt"), UsageError);
});

test("a zoo HF model (GQA, untied head, HF rotary order) keeps its function under permute, rotate, rescale", async () => {
  const tokens = [1, 50, 700, 12, 2999, 5];
  const base = await loadLlamaModel(fixture("zoo", "base-a"));
  assert.equal(base.config.ropeOrder, "half");
  const reference = llamaForward(base.config, await readAllTensors(base), tokens);
  await base.close();
  for (const kind of ["permute", "rotate", "rescale"]) {
    const model = createTransform(kind, { seed: 11 })(await loadLlamaModel(fixture("zoo", "base-a")));
    const logits = llamaForward(model.config, await readAllTensors(model), tokens);
    await model.close();
    const worst = logits.reduce((max, v, i) => Math.max(max, Math.abs(v - reference[i]!)), 0);
    assert.ok(worst < 1e-4, `${kind}: ${worst}`);
  }
});

test("random orthogonal matrices are orthogonal and reproducible from the seed", () => {
  const n = 24;
  const q = randomOrthogonal(n, createRandom(9));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let k = 0; k < n; k++) dot += q[i * n + k]! * q[j * n + k]!;
      assert.ok(Math.abs(dot - (i === j ? 1 : 0)) < 1e-12);
    }
  }
  assert.deepEqual(randomOrthogonal(n, createRandom(9)), q);
  assert.notDeepEqual(randomOrthogonal(n, createRandom(10)), q);
});

test("makeVariant chains transforms, records them in config.json and copies tokenizer files", async () => {
  const out = join(await tempDir(), "v");
  const result = await makeVariant(fixture("zoo", "base-a"), ["permute-mlp", "noise"], out, {
    seed: 4,
    sigma: 0.02,
  });
  assert.equal(result.format, "hf");
  assert.deepEqual(result.history, ["permute-mlp(seed=4)", "noise(seed=4, sigma=0.02)"]);
  const source = await openModelSource(out);
  assert.deepEqual(source.config?.lineage_transforms, result.history);
  assert.ok(source.tokenizerFiles.some((file) => file.endsWith("tokenizer.model")));
  assert.equal(source.store.get("model.layers.0.mlp.up_proj.weight")?.dtype, "BF16");
  await source.store.close();
  await assert.rejects(makeVariant(fixture("zoo", "gguf"), ["permute"], join(out, "g")), UsageError);
});

test("a zoo HF model written as llama2.c (rotary rows reordered, unshared head) computes the same logits", async () => {
  const tokens = [1, 9, 300, 2000];
  const out = join(await tempDir(), "base-a.bin");
  await makeVariant(fixture("zoo", "base-a"), ["permute-mlp"], out, { seed: 2 });
  const base = await loadLlamaModel(fixture("zoo", "base-a"));
  const written = await loadLlamaModel(out);
  assert.equal(written.config.ropeOrder, "interleaved");
  assert.equal(written.config.tiedEmbeddings, false);
  const a = llamaForward(base.config, await readAllTensors(base), tokens);
  const b = llamaForward(written.config, await readAllTensors(written), tokens);
  assert.ok(a.every((v, i) => Math.abs(v - b[i]!) < 1e-4));
  await base.close();
  await written.close();
});

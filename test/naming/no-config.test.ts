/**
 * Real tensor names without config.json: GPT-2 (Conv1D or nn.Linear, `wpe` as the position embedding)
 * and Meta / llama2.c names in safetensors (Mistral's and Meta's consolidated checkpoints bring
 * params.json instead). Figures no file states stay undefined, never guessed.
 */
import assert from "node:assert/strict";
import { copyFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { Llama2cStore } from "../../src/formats/llama2c/store.js";
import { encodeSafetensors } from "../../src/formats/safetensors/writer.js";
import { openCanonicalModel } from "../../src/naming/open.js";
import { tempDir } from "../formats/build.js";
import { fixture, shared, skipUnlessShared } from "../helpers.js";

const MAKEMORE = ["real", "makemore", "names-a-hf"] as const;

test(
  "GPT-2 names without config.json (makemore, ../shared): every tensor mapped as with its config, wpe is pos_embed",
  skipUnlessShared(...MAKEMORE),
  async () => {
    const dir = await tempDir();
    await copyFile(shared(...MAKEMORE, "model.safetensors")!, join(dir, "model.safetensors"));
    const bare = await openCanonicalModel(dir);
    const full = await openCanonicalModel(shared(...MAKEMORE)!);
    try {
      assert.deepEqual(bare.unrecognised, []);
      assert.equal(bare.architecture.family, "gpt2");
      assert.deepEqual(
        bare.tensors.map((t) => t.canonical).sort(),
        full.tensors.map((t) => t.canonical).sort(),
      );
      assert.deepEqual(bare.get("pos_embed")?.shape, [16, 64]);
      for (const tensor of full.tensors) {
        assert.deepEqual(
          await bare.read(tensor.canonical),
          await full.read(tensor.canonical),
          tensor.canonical,
        );
      }
      const a = bare.architecture;
      assert.deepEqual([a.hiddenSize, a.numLayers, a.vocabSize, a.intermediateSize], [64, 4, 27, 256]);
      // The head count is in config.json only: without it, it is unknown, not guessed.
      assert.equal(full.architecture.numHeads, 4);
      assert.equal(a.numHeads, undefined);
      assert.equal(a.headDim, undefined);
    } finally {
      await bare.close();
      await full.close();
    }
  },
);

/** stories260K's tensors under its own Meta names in one safetensors file (no config.json). */
async function metaSafetensors(): Promise<string> {
  const store = await Llama2cStore.open(fixture("stories260k", "stories260K.bin"));
  const tensors = [];
  for (const info of store.tensors) {
    if (info.name.startsWith("freqs_cis")) continue;
    const values = await store.read(info.name);
    tensors.push({
      name: info.name,
      dtype: "F32" as const,
      shape: info.shape,
      data: new Uint8Array(values.buffer),
    });
  }
  await store.close();
  const dir = await tempDir();
  await writeFile(join(dir, "consolidated.safetensors"), encodeSafetensors(tensors));
  return dir;
}

test("Meta / llama2.c names in safetensors: with params.json beside them, the same model as the llama2.c file", async () => {
  const dir = await metaSafetensors();
  // Control first: no configuration at all — q and k cannot be un-permuted without the head count, so
  // they are kept unrecognised with the reason, and the head count stays unknown.
  const bare = await openCanonicalModel(dir);
  try {
    assert.equal(bare.architecture.family, "llama");
    assert.equal(bare.architecture.numHeads, undefined);
    assert.equal(bare.unrecognised.length, 10);
    assert.ok(bare.notes.some((n) => n.includes("needs the head count")));
  } finally {
    await bare.close();
  }
  await writeFile(
    join(dir, "params.json"),
    JSON.stringify({ dim: 64, n_layers: 5, n_heads: 8, n_kv_heads: 4, vocab_size: 512, norm_eps: 1e-5 }),
  );
  const meta = await openCanonicalModel(dir);
  const llama2c = await openCanonicalModel(fixture("stories260k", "stories260K.bin"));
  try {
    assert.deepEqual(meta.unrecognised, []);
    assert.equal(meta.source.configPath, join(dir, "params.json"));
    assert.equal(meta.architecture.numKvHeads, 4);
    for (const tensor of llama2c.tensors) {
      assert.deepEqual(
        await meta.read(tensor.canonical),
        await llama2c.read(tensor.canonical),
        tensor.canonical,
      );
    }
  } finally {
    await meta.close();
    await llama2c.close();
  }
});

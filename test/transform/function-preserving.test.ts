/**
 * Function-preserving transforms leave the logits of the real stories260K unchanged (to 1e-4), and the
 * written files read back to the same function; lossy transforms change them by a measurable amount.
 */
import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { llamaForward } from "../../src/transform/forward.js";
import { type LlamaModel, readAllTensors } from "../../src/transform/llama-model.js";
import { loadLlamaModel } from "../../src/transform/load.js";
import { createTransform, FUNCTION_PRESERVING, type TransformKind } from "../../src/transform/registry.js";
import { writeModel } from "../../src/transform/write.js";
import { fixture } from "../helpers.js";

const STORIES = fixture("stories260k", "stories260K.bin");
const TOKENS = [1, 403, 407, 261, 378, 432, 383, 286];

async function logits(model: LlamaModel): Promise<Float64Array> {
  return llamaForward(model.config, await readAllTensors(model), TOKENS);
}

function maxDifference(a: Float64Array, b: Float64Array): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

let reference: Float64Array | undefined;
async function referenceLogits(): Promise<Float64Array> {
  if (reference === undefined) {
    const model = await loadLlamaModel(STORIES);
    reference = await logits(model);
    await model.close();
  }
  return reference;
}

const PRESERVING: TransformKind[] = [
  "permute-hidden",
  "permute-heads",
  "permute-mlp",
  "permute",
  "fold-norms",
  "rotate",
  "rescale",
];

for (const kind of PRESERVING) {
  test(`${kind} preserves the logits of stories260K and changes the weights`, async () => {
    assert.ok(FUNCTION_PRESERVING.has(kind));
    const original = await loadLlamaModel(STORIES);
    const variant = createTransform(kind, { seed: 7 })(await loadLlamaModel(STORIES));
    assert.ok(maxDifference(await logits(variant), await referenceLogits()) < 1e-4);
    // The weights really changed: a layer-2 matrix every one of these transforms touches.
    const touched =
      { "permute-mlp": "layers.2.mlp.down", "fold-norms": "layers.2.attn.q" }[kind as string] ??
      "layers.2.attn.o";
    const before = await original.read(touched);
    const after = await variant.read(touched);
    assert.ok(
      maxDifference(Float64Array.from(before), Float64Array.from(after)) > 1e-3,
      `${kind} left ${touched} as it was`,
    );
    await original.close();
    await variant.close();
  });
}

test("lossy transforms change the logits by amounts that track their strength", async () => {
  const base = await referenceLogits();
  const change = async (kind: TransformKind, options = {}) => {
    const model = createTransform(kind, { seed: 3, ...options })(await loadLlamaModel(STORIES));
    const difference = maxDifference(await logits(model), base);
    await model.close();
    return difference;
  };
  const small = await change("noise", { sigma: 0.001 });
  const large = await change("noise", { sigma: 0.05 });
  assert.ok(small > 1e-5 && small < large, `noise 0.001 → ${small}, 0.05 → ${large}`);
  const q8 = await change("quantize", { type: "Q8_0" });
  const q4 = await change("quantize", { type: "Q4_0" });
  assert.ok(q8 > 1e-5 && q8 < q4, `Q8_0 → ${q8}, Q4_0 → ${q4}`);
  assert.ok((await change("reinit")) > 1);
});

test("written variants read back to the same function (HF folder with rotary reorder, llama2.c, fused, transposed)", async () => {
  const dir = await mkdtemp(join(tmpdir(), "lineage-variant-"));
  const base = await referenceLogits();
  const permuted = () => loadLlamaModel(STORIES).then(createTransform("permute", { seed: 2 }));
  const hf = join(dir, "hf");
  const permutedModel = await permuted();
  await writeModel(permutedModel, hf, { format: "hf" });
  await permutedModel.close();
  const fromHf = await loadLlamaModel(hf);
  assert.equal(fromHf.config.ropeOrder, "half");
  assert.equal(fromHf.storage.naming, "hf-llama");
  assert.ok(maxDifference(await logits(fromHf), base) < 1e-4);
  await fromHf.close();

  const bin = join(dir, "rotated.bin");
  const rotated = createTransform("rotate", { seed: 5 })(await loadLlamaModel(STORIES));
  await writeModel(rotated, bin, { format: "llama2c" });
  await rotated.close();
  const fromBin = await loadLlamaModel(bin);
  assert.equal(fromBin.config.tiedEmbeddings, false, "rotation unties the head");
  assert.ok(maxDifference(await logits(fromBin), base) < 1e-4);
  await fromBin.close();

  const yi = join(dir, "yi");
  const renamed = createTransform("rename", { naming: "yi" })(await loadLlamaModel(STORIES));
  await writeModel(renamed, yi, { format: "hf" });
  await renamed.close();
  const fromYi = await loadLlamaModel(yi);
  assert.equal(fromYi.storage.naming, "yi");
  assert.ok(maxDifference(await logits(fromYi), base) < 1e-4);
  await fromYi.close();
});

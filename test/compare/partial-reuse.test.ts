/**
 * Models that share only some of their weights with the reference (red-team harness, scripts/redteam):
 * one layer transplanted into an independent model, half the layers from another model, the layers kept
 * under a re-initialised embedding. Each shares whole layers with the reference, so it is not
 * independent of it: `derived` with a small p, and no tag describing training of the whole model.
 * Built from the committed zoo models (fixtures/zoo: base-a and base-b are trained separately).
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { compareModels } from "../../src/compare/compare-models.js";
import type { LlamaModel } from "../../src/transform/llama-model.js";
import { loadLlamaModel } from "../../src/transform/load.js";
import { newEmbedding, transplant } from "../../src/transform/transplant.js";
import { writeModel } from "../../src/transform/write.js";
import { fixture } from "../helpers.js";

const baseA = fixture("zoo", "base-a");
const baseB = fixture("zoo", "base-b");
const TRAINING_TAGS = ["fine-tuned", "continued-pretraining", "shared-initialization"];

let dir = "";
let a: LlamaModel;
let b: LlamaModel;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "lineage-partial-"));
  a = await loadLlamaModel(baseA);
  b = await loadLlamaModel(baseB);
});
after(async () => {
  await Promise.all([a.close(), b.close()]);
  await rm(dir, { recursive: true, force: true });
});

async function write(model: LlamaModel, name: string): Promise<string> {
  const out = join(dir, name);
  await writeModel(model, out, { format: "hf", copyFiles: [join(baseA, "tokenizer.model")] });
  return out;
}

test("one layer of base-a transplanted into base-b is derived from base-a, that layer named", async () => {
  const path = await write(transplant(b, a, { layers: [3], step: "layer 3 from base-a" }), "b-one-a");
  const result = await compareModels(path, baseA);
  assert.equal(result.verdict, "derived", `got ${result.verdict} p=${result.pValue}`);
  assert.ok((result.pValueLog10 ?? 0) <= -6, `p = ${result.pValue}`);
  for (const tag of TRAINING_TAGS) assert.ok(!result.tags.includes(tag as never), `wrong tag ${tag}`);
  assert.ok(
    result.summary.some((line) =>
      line.includes("Only layer 3 of b-one-a shows shared weights; layers 0, 1 and 2 show none"),
    ),
    result.summary.join("\n"),
  );
  // The embedding is base-b's: only the stored rows line up.
  assert.ok(
    result.summary.some((line) => line.includes("line up by their stored rows")),
    result.summary.join("\n"),
  );
  const layer3 = result.evidence.find((e) => e.component === "layer 3");
  assert.equal(layer3?.value, 1);
});

test("base-b's layers 2-3 under base-a's embedding are derived from base-b too", async () => {
  const path = await write(transplant(a, b, { layers: [2, 3], step: "layers 2,3 from base-b" }), "a-half-b");
  const fromB = await compareModels(path, baseB);
  assert.equal(fromB.verdict, "derived", `got ${fromB.verdict} p=${fromB.pValue}`);
  assert.ok((fromB.pValueLog10 ?? 0) <= -6);
  const fromA = await compareModels(path, baseA);
  assert.equal(fromA.verdict, "derived");
  for (const result of [fromA, fromB])
    for (const tag of TRAINING_TAGS) assert.ok(!result.tags.includes(tag as never), `wrong tag ${tag}`);
});

test("layers kept bit for bit under a re-initialised embedding are derived, the layers unchanged", async () => {
  const path = await write(newEmbedding(a, 23), "a-newembed");
  const result = await compareModels(path, baseA);
  assert.equal(result.verdict, "derived", `got ${result.verdict} p=${result.pValue}`);
  assert.ok((result.pValueLog10 ?? 0) <= -100, `p = ${result.pValue}`);
  assert.equal(result.changes.components.find((c) => c.component === "mlp")?.unchangedShare, 1);
  assert.ok(result.warnings.some((w) => /the embedding differs .* while the layers are unchanged/.test(w)));
});

test("the second reading is paid for: independent base-a and base-b keep p ≥ 1e-3", async () => {
  const result = await compareModels(baseB, baseA);
  assert.equal(result.verdict, "architecture-only");
  assert.ok((result.pValue ?? 0) >= 1e-3, `p = ${result.pValue}`);
  assert.ok(
    result.evidence.some((e) => e.component === "anchors" && /also by their stored rows/.test(e.note)),
  );
});

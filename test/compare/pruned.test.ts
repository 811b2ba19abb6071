/**
 * MLP neurons removed (magnitude pruning, red-team rows a-prune-mlp and s-prune-mlp): the kept weights
 * are bit-equal, but a model with fewer neurons is not the same weights: `derived`, with the reshaped
 * tensors named and no claim of which came first.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { compareModels } from "../../src/compare/compare-models.js";
import { loadLlamaModel } from "../../src/transform/load.js";
import { pruneMlp } from "../../src/transform/prune-mlp.js";
import { writeModel } from "../../src/transform/write.js";
import { fixture } from "../helpers.js";

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "lineage-pruned-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

for (const [label, source, format, width] of [
  ["base-a", fixture("zoo", "base-a"), "hf", "256"],
  ["stories260K", fixture("stories260k", "stories260K.bin"), "llama2c", "128"],
] as const) {
  test(`${label} with a quarter of its MLP neurons pruned is derived, not same-weights`, async () => {
    const model = await loadLlamaModel(source);
    const out = join(dir, label, format === "llama2c" ? "model.bin" : "");
    try {
      const copy = format === "hf" ? [join(source, "tokenizer.model")] : [];
      await writeModel(await pruneMlp(model, 0.75), out, { format, copyFiles: copy });
    } finally {
      await model.close();
    }
    const result = await compareModels(out, source);
    assert.equal(result.verdict, "derived", `got ${result.verdict} [${result.tags}]`);
    assert.ok((result.pValueLog10 ?? 0) <= -6, `p = ${result.pValue}`);
    assert.equal(result.direction, null);
    const line = result.summary.find((s) => s.includes("other shapes"));
    assert.ok(line?.includes(`×${width}`) || line?.includes(`${width}×`), result.summary.join("\n"));
    assert.equal(result.changes.components.find((c) => c.component === "attention")?.unchangedShare, 1);
  });
}

/**
 * Changed values are named, never called "layout": base-a with its norm gains rescaled, and base-a with
 * one weight edited (outside or inside the sampled rows), each compared with base-a. A changed norm gain
 * changes what the model computes: `derived`, with the change named; an edited value found by the full
 * read is named with its tensor, count and size.
 */
import assert from "node:assert/strict";
import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { compareModels } from "../../src/compare/compare-models.js";
import { openModelSource } from "../../src/formats/model-source.js";
import { writeHfFolder } from "../../src/formats/safetensors/writer.js";
import { fixture, shared, skipUnlessShared } from "../helpers.js";

const dir = await mkdtemp(join(tmpdir(), "lineage-changed-"));
after(() => rm(dir, { recursive: true, force: true }));
const baseA = fixture("zoo", "base-a");

/** base-a written again (bf16, as stored) with `edit` applied to each tensor's values. */
async function editedBaseA(
  name: string,
  edit: (tensor: string, values: Float32Array) => Float32Array,
): Promise<string> {
  const source = await openModelSource(baseA);
  const out = join(dir, name);
  try {
    const config = JSON.parse(await readFile(join(baseA, "config.json"), "utf8")) as Record<string, unknown>;
    await writeHfFolder(out, {
      config,
      tensors: source.store.tensors.map((t) => ({ name: t.name, shape: t.shape })),
      read: async (tensor) => edit(tensor, Float32Array.from(await source.store.read(tensor))),
      dtype: "BF16",
    });
    await copyFile(join(baseA, "tokenizer.model"), join(out, "tokenizer.model"));
  } finally {
    await source.store.close();
  }
  return out;
}

test("norm gains all ×1.3: derived, the norm gains named as changed, never 'only in layout'", async () => {
  const out = await editedBaseA("norms-x1.3", (name, values) =>
    /norm\.weight$/.test(name) ? values.map((v) => v * 1.3) : values,
  );
  const result = await compareModels(out, baseA);
  const text = result.summary.join(" ");
  assert.equal(result.verdict, "derived", text);
  assert.doesNotMatch(text, /only in layout/);
  assert.match(
    text,
    /every sampled matrix is equal within rounding, but 9 of 9 norm gains changed systematically/,
  );
  assert.match(text, /median relative change 0\.300/);
});

test("base-a written again unchanged is identical (the control)", async () => {
  const out = await editedBaseA("copy", (_, values) => values);
  const result = await compareModels(out, baseA);
  assert.equal(result.verdict, "identical");
  assert.doesNotMatch(result.summary.join(" "), /norm gain|differ/);
});

for (const row of [0, 200])
  test(`one weight +0.5 (row ${row} of layer 1's up projection): derived, the edited value named, not 'only in layout'`, async () => {
    const out = await editedBaseA(`one-weight-${row}`, (name, values) => {
      if (name === "model.layers.1.mlp.up_proj.weight") values[row * 128 + 5]! += 0.5;
      return values;
    });
    const result = await compareModels(out, baseA);
    const text = result.summary.join(" ");
    assert.doesNotMatch(text, /only in layout/);
    assert.notEqual(result.verdict, "identical");
    assert.equal(result.verdict, "derived", text);
    assert.match(
      text,
      /1 value in 1 tensor differs \(e\.g\. layers\.1\.mlp\.up: 1 of 45056, by up to 0\.(499|500)\), found by reading every value/,
    );
  });

test(
  "gemma: trained norm gains vs untrained ones (same matrices) are derived with the norms named; the labelled pairs stay identical",
  skipUnlessShared("cases", "gemma-norm-offset"),
  async () => {
    const cases = shared("cases", "gemma-norm-offset")!;
    const changed = await compareModels(join(cases, "gemma-hf-trained"), join(cases, "gemma-hf"));
    const text = changed.summary.join(" ");
    assert.equal(changed.verdict, "derived", text);
    assert.match(text, /5 of 5 norm gains changed systematically/);
    assert.doesNotMatch(text, /only in layout/);
    for (const [a, b] of [
      ["gemma.gguf", "gemma-hf"],
      ["gemma-trained.gguf", "gemma-hf-trained"],
    ] as const)
      assert.equal((await compareModels(join(cases, a), join(cases, b))).verdict, "identical");
  },
);

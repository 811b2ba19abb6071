import assert from "node:assert/strict";
import { test } from "node:test";
import { compareModels } from "../../src/compare/compare-models.js";
import { fixture } from "../helpers.js";

test("stories260K stored transposed is the same model", async () => {
  const result = await compareModels(
    fixture("stories260k", "stories260K.transpose.bin"),
    fixture("stories260k", "stories260K.bin"),
  );
  assert.equal(result.verdict, "same-weights");
  assert.ok(result.tags.includes("transposed"));
  assert.ok((result.pValue ?? Number.NaN) < 1e-10);
  assert.ok(result.timing.bytesRead > 0);
});

test("Yi-style renaming of base-b is same-weights; base-b against base-a is architecture-only", async () => {
  const renamed = await compareModels(fixture("zoo", "b-yi"), fixture("zoo", "base-b"));
  assert.equal(renamed.verdict, "same-weights");
  assert.ok(renamed.tags.includes("renamed"));
  assert.ok(renamed.changes.renamedTensors.some((r) => r.to.endsWith(".ln1.weight")));
  const independent = await compareModels(fixture("zoo", "base-b"), fixture("zoo", "base-a"));
  assert.equal(independent.verdict, "architecture-only");
  assert.ok((independent.pValue ?? Number.NaN) > 1e-3);
});

test("a-sft derives from base-a; Q4_0 GGUF of base-a is same-weights, quantized", async () => {
  const sft = await compareModels(fixture("zoo", "a-sft"), fixture("zoo", "base-a"));
  assert.equal(sft.verdict, "derived");
  const q4 = await compareModels(fixture("zoo", "gguf", "base-a-q4_0.gguf"), fixture("zoo", "base-a"));
  assert.equal(q4.verdict, "same-weights");
  assert.ok(q4.tags.includes("quantized"));
});

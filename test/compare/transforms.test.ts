/**
 * The verdict under the project's transform generator (src/transform): function-preserving and lossy
 * changes applied to the real stories260K and to the zoo's base-a, each compared with its source.
 */
import assert from "node:assert/strict";
import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { compareModels } from "../../src/compare/compare-models.js";
import type { CompareResult } from "../../src/compare/result.js";
import { openModelSource } from "../../src/formats/model-source.js";
import { writeHfFolder } from "../../src/formats/safetensors/writer.js";
import { makeVariant, type VariantOptions } from "../../src/transform/make-variant.js";
import { fixture } from "../helpers.js";

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "lineage-compare-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const stories = fixture("stories260k", "stories260K.bin");
const baseA = fixture("zoo", "base-a");

async function variantOf(
  source: string,
  kinds: string[],
  options: VariantOptions = {},
): Promise<CompareResult> {
  const out = join(dir, `${kinds.join("+")}-${Object.values(options).join("-")}-${source.length}`);
  await makeVariant(source, kinds, out, options);
  return compareModels(out, source);
}

const cases: [string, string, string[], VariantOptions, string[], string[]][] = [
  // [label, source, transforms, options, accepted verdicts, required tags]
  ["renamed (Yi names)", baseA, ["rename"], {}, ["same-weights"], ["renamed"]],
  ["transposed storage", stories, ["transpose"], {}, ["identical", "same-weights"], ["transposed"]],
  ["fused QKV (Phi-3)", stories, ["fuse-qkv"], {}, ["identical", "same-weights"], []],
  [
    "permuted hidden units, heads and neurons",
    stories,
    ["permute"],
    { seed: 3 },
    ["same-weights"],
    ["permuted"],
  ],
  [
    "permuted base-a (some heads left in place)",
    baseA,
    ["permute"],
    { seed: 1 },
    ["same-weights"],
    ["permuted"],
  ],
  ["invented names no rule knows", baseA, ["rename"], { naming: "invented" }, ["same-weights"], ["renamed"]],
  [
    "invented names on a permuted copy",
    baseA,
    ["permute", "rename"],
    { naming: "invented", seed: 1 },
    ["same-weights"],
    ["renamed", "permuted"],
  ],
  ["rotated residual stream", stories, ["rotate"], { seed: 4 }, ["same-weights"], ["rotated"]],
  ["rescaled neurons", stories, ["rescale"], { seed: 5 }, ["same-weights"], ["rescaled"]],
  ["Gaussian noise", stories, ["noise"], { sigma: 0.05 }, ["same-weights"], ["noised"]],
  ["Q8_0 round trip", stories, ["quantize"], { type: "Q8_0" }, ["same-weights"], ["quantized"]],
  ["Q4_0 round trip of base-a", baseA, ["quantize"], { type: "Q4_0" }, ["same-weights"], ["quantized"]],
  [
    "rotated and Q4_0",
    baseA,
    ["rotate", "quantize"],
    { type: "Q4_0", seed: 6 },
    ["same-weights"],
    ["rotated"],
  ],
  ["fresh initialisation", stories, ["reinit"], { seed: 7 }, ["architecture-only"], []],
  ["fresh initialisation of base-a", baseA, ["reinit"], { seed: 8 }, ["architecture-only"], []],
];

for (const [label, source, kinds, options, verdicts, tags] of cases) {
  test(`${label} → ${verdicts.join(" or ")}`, async () => {
    const result = await variantOf(source, kinds, options);
    assert.ok(verdicts.includes(result.verdict), `${label}: got ${result.verdict} [${result.tags}]`);
    for (const tag of tags)
      assert.ok((result.tags as string[]).includes(tag), `${label}: missing tag ${tag} in [${result.tags}]`);
    if (result.verdict === "architecture-only") assert.ok((result.pValue ?? Number.NaN) > 1e-3);
    else assert.ok((result.pValue ?? Number.NaN) < 1e-10);
  });
}

test("base-a with its last layer removed is derived, layers-removed", async () => {
  const source = await openModelSource(baseA);
  const out = join(dir, "pruned");
  try {
    const config = JSON.parse(await readFile(join(baseA, "config.json"), "utf8")) as Record<string, unknown>;
    const kept = source.store.tensors.filter((t) => !t.name.startsWith("model.layers.3."));
    await writeHfFolder(out, {
      config: { ...config, num_hidden_layers: 3 },
      tensors: kept.map((t) => ({ name: t.name, shape: t.shape })),
      read: (name) => source.store.read(name),
      dtype: "BF16",
    });
    await copyFile(join(baseA, "tokenizer.model"), join(out, "tokenizer.model"));
  } finally {
    await source.store.close();
  }
  const result = await compareModels(out, baseA);
  assert.equal(result.verdict, "derived");
  assert.ok(result.tags.includes("layers-removed"));
  assert.deepEqual(
    result.changes.layerMapping.map((m) => m.referenceLayer),
    [0, 1, 2],
  );
});

test("invented names hide neither a fine-tune nor independence", async () => {
  const fineTune = join(dir, "a-sft-invented");
  const independent = join(dir, "base-b-invented");
  await makeVariant(fixture("zoo", "a-sft"), ["rename"], fineTune, { naming: "invented" });
  await makeVariant(fixture("zoo", "base-b"), ["rename"], independent, { naming: "invented" });
  const derived = await compareModels(fineTune, baseA);
  assert.equal(derived.verdict, "derived", `got ${derived.verdict} [${derived.tags}]`);
  assert.ok(derived.tags.includes("renamed"));
  assert.ok(derived.warnings.some((w) => /39 were matched to the reference's tensors by value/.test(w)));
  const unrelatedWeights = await compareModels(independent, baseA);
  assert.equal(unrelatedWeights.verdict, "architecture-only", `got ${unrelatedWeights.verdict}`);
  assert.ok((unrelatedWeights.pValue ?? Number.NaN) > 1e-3);
  assert.ok(
    unrelatedWeights.warnings.some((w) => /0 were matched to the reference's tensors by value/.test(w)),
  );
});

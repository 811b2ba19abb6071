/**
 * Outputs that must not state more than the evidence (docs/compare.md, "Known faults" as found by a
 * reviewer with real runs): direction, blueprint, p-values without a test, pairing by value, labels.
 * Inputs are built here from fixtures with the project's transforms (src/transform).
 */
import assert from "node:assert/strict";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { compareBlueprints } from "../../src/compare/blueprint.js";
import { compareModels } from "../../src/compare/compare-models.js";
import { relationPhrase } from "../../src/compare/declared-agreement.js";
import { matchUnrecognised } from "../../src/compare/match-unrecognised.js";
import { looksLikeInitMatrix, looksUntrained } from "../../src/compare/untrained.js";
import { pairedByValue } from "../../src/compare/value-match.js";
import { openCanonicalModel } from "../../src/naming/open.js";
import { renderCompare } from "../../src/report/compare-terminal.js";
import { renderCompareHtml } from "../../src/report/html/compare-html.js";
import { seededRandom } from "../../src/stats/rng.js";
import { makeVariant } from "../../src/transform/make-variant.js";
import { fixture, shared, skipUnlessShared } from "../helpers.js";

const dir = await mkdtemp(join(tmpdir(), "lineage-overstatement-"));
after(() => rm(dir, { recursive: true, force: true }));

const stories = fixture("stories260k", "stories260K.bin");

async function variant(kinds: string[], seed = 4): Promise<string> {
  const out = join(dir, `${kinds.join("+")}-${seed}.bin`);
  await makeVariant(stories, kinds, out, { seed });
  return out;
}

function gaussian(rows: number, columns: number, seed: number, scale = 0.02): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: rows * columns }, () => {
    const u = Math.max(random(), 1e-12);
    return scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  });
}

test("a rotated copy (norm gains folded into the matrices) is not called an untrained initialisation", async () => {
  const rotated = await variant(["rotate"]);
  const result = await compareModels(rotated, stories);
  assert.equal(result.verdict, "same-weights");
  assert.ok(result.tags.includes("rotated"));
  assert.equal(result.direction, null, `direction claimed: ${result.direction?.evidence}`);
  assert.doesNotMatch(result.summary.join(" "), /untrained|, so \S+ came first/);
  assert.ok(!result.tags.includes("shared-initialization"));
});

test("norms folded into the matrices (no rotation) give no untrained side and no shared initialisation", async () => {
  const folded = await variant(["fold-norms"]);
  const result = await compareModels(folded, stories);
  assert.ok((result.pValueLog10 ?? Number.NaN) <= -6, `p = 1e${result.pValueLog10}`);
  assert.equal(result.direction, null, `direction claimed: ${result.direction?.evidence}`);
  assert.ok(!result.tags.includes("shared-initialization"), `tags ${result.tags}`);
});

test("untrained = unit norms and i.i.d. layer matrices: a trained model with folded norms is not", async () => {
  const rotated = await openCanonicalModel(await variant(["rotate"], 5));
  const folded = await openCanonicalModel(await variant(["fold-norms"], 5));
  const trained = await openCanonicalModel(stories);
  try {
    assert.equal(await looksUntrained(rotated), false);
    assert.equal(await looksUntrained(folded), false);
    assert.equal(await looksUntrained(trained), false); // trained norms
  } finally {
    await Promise.all([rotated.close(), folded.close(), trained.close()]);
  }
  // Matrices alone: an i.i.d. draw is an initialisation; the same draw with folded gains, or a trained
  // stories260K matrix, is not.
  assert.equal(looksLikeInitMatrix(gaussian(256, 64, 1), 256, 64), true);
  assert.equal(looksLikeInitMatrix(new Float32Array(64 * 64), 64, 64), true);
  const gains = Float32Array.from({ length: 64 }, (_, c) => 0.3 + (1.7 * c) / 63);
  const scaled = gaussian(256, 64, 2).map((v, i) => v * gains[i % 64]!);
  assert.equal(looksLikeInitMatrix(scaled, 256, 64), false);
  const model = await openCanonicalModel(stories);
  try {
    const q = model.get("layers.0.attn.q")!;
    const values = await model.read("layers.0.attn.q");
    assert.equal(looksLikeInitMatrix(values, q.shape[0]!, q.shape[1]!), false);
  } finally {
    await model.close();
  }
});

test(
  "a real untrained initialisation is still recognised (makemore init-seed3407), its trained model is not",
  skipUnlessShared("real", "makemore", "init-seed3407-hf"),
  async () => {
    for (const [name, expected] of [
      ["init-seed3407-hf", true],
      ["names-a-hf", false],
    ] as const) {
      const model = await openCanonicalModel(shared("real", "makemore", name)!);
      try {
        assert.equal(await looksUntrained(model), expected, name);
      } finally {
        await model.close();
      }
    }
  },
);

test("a quantization grid on one side gives order only for a quantized copy, never for a derived pair", async () => {
  // a-sft was fine-tuned from base-a; base-a was quantized (Q4_0) afterwards, so only it lies on a grid.
  const quantizedBase = fixture("zoo", "gguf", "base-a-q4_0.gguf");
  const derived = await compareModels(fixture("zoo", "a-sft"), quantizedBase);
  assert.equal(derived.verdict, "derived");
  assert.equal(derived.direction, null, `direction claimed: ${derived.direction?.evidence}`);
  // The quantized copy of the same weights: the quantized side was made from the other.
  const copy = await compareModels(quantizedBase, fixture("zoo", "base-a"));
  assert.equal(copy.verdict, "same-weights");
  assert.equal(copy.direction?.earlier, "reference");
  assert.match(copy.direction!.evidence, /quantization grid/);
});

test("a blueprint nobody knows is 'unknown', never 'same' (so never architecture-only)", () => {
  const known = {
    family: "llama",
    hiddenSize: 64,
    numLayers: 5,
    numHeads: 8,
    numKvHeads: 4,
    intermediateSize: 172,
    vocabSize: 512,
    numExperts: undefined,
    headDim: 8,
    tieWordEmbeddings: true,
    sources: [],
  };
  const nothing = {
    ...known,
    family: "unknown",
    hiddenSize: undefined,
    numLayers: undefined,
    numHeads: undefined,
    numKvHeads: undefined,
    intermediateSize: undefined,
    vocabSize: undefined,
    headDim: undefined,
  };
  const unknown = compareBlueprints(nothing, known);
  assert.equal(unknown.same, false);
  assert.equal(unknown.status, "unknown");
  assert.deepEqual(unknown.differences, []);
  assert.equal(compareBlueprints(known, { ...known }).status, "same");
  assert.equal(compareBlueprints({ ...known, hiddenSize: 32 }, known).status, "different");
});

test(
  "RWKV vs stories260K: no test ran, so no p-value anywhere; the blueprint is not comparable",
  skipUnlessShared("real", "rwkv", "tiny-rwkv-5v2-730K-FP32.safetensors"),
  async () => {
    const result = await compareModels(
      shared("real", "rwkv", "tiny-rwkv-5v2-730K-FP32.safetensors")!,
      stories,
    );
    assert.equal(result.verdict, "inconclusive");
    assert.equal(result.test.name, "none");
    assert.equal(result.pValue, null);
    assert.equal(result.pValueLog10, null);
    const weights = result.evidence.find((e) => e.component === "weights")!;
    assert.equal(weights.pValue, undefined);
    const architecture = result.evidence.find((e) => e.component === "architecture")!;
    assert.equal(architecture.value, "unknown");
    // How shared weights changed (noise or training) means nothing where no weights are shown shared.
    assert.equal(
      result.evidence.find((e) => e.component === "direct comparison"),
      undefined,
    );
    const terminal = renderCompare(result).join("\n");
    assert.doesNotMatch(terminal, /p-value under independence/);
    assert.doesNotMatch(terminal, /above = training/);
    assert.match(terminal, /no p-value \(no test ran: /);
    const page = renderCompareHtml(result);
    assert.doesNotMatch(page, /1\.000<\/b>/);
    assert.match(page, /no p-value/);
  },
);

test("the alignment's evidence line counts twins found at any index, not same-index matches", async () => {
  const permuted = await variant(["permute"], 3);
  const result = await compareModels(permuted, stories);
  assert.equal(result.test.name, "alignment");
  const weights = result.evidence.find((e) => e.component === "weights")!;
  assert.doesNotMatch(weights.statistic, /same-index/);
  assert.match(weights.statistic, /twin \(at any index\)/);
  assert.equal(weights.value, `${result.test.matches}/${result.test.units}`);
});

test("the declared-lineage sentence names relations as noun phrases ('a quantized copy')", async () => {
  assert.equal(relationPhrase("quantized"), "a quantized copy");
  assert.equal(relationPhrase("finetune"), "a fine-tune");
  assert.equal(relationPhrase("adapter"), "an adapter");
  assert.equal(relationPhrase("distilled"), 'a "distilled" relation');
  // a-sft is a fine-tune of base-a; its card says it is a quantized copy.
  const card = join(dir, "a-sft");
  await cp(fixture("zoo", "a-sft"), card, { recursive: true });
  await writeFile(
    join(card, "README.md"),
    "---\nbase_model: zoo-org/base-a\nbase_model_relation: quantized\n---\n# a-sft\n",
  );
  const result = await compareModels(card, fixture("zoo", "base-a"));
  assert.equal(result.declared?.agreement, "agrees");
  assert.match(
    result.declared!.statement,
    /the weights agree, though the weights look like a fine-tune rather than a quantized copy\.$/,
  );
});

test("pairing by value needs a correlation beyond chance for its number of values and comparisons", () => {
  // The best of ~1,000 comparisons of 64 values reaches |r| ≈ 0.4 by chance (the RWKV norms' case).
  assert.equal(pairedByValue(0.385, 64, 1000), false);
  assert.equal(pairedByValue(0.95, 64, 1000), true);
  // Beyond chance but below the floor: structure separately trained tensors share (token frequencies).
  assert.equal(pairedByValue(0.17, 4096, 1), false);
  assert.equal(pairedByValue(0.5, 4096, 10_000), true);
  assert.equal(pairedByValue(Number.NaN, 4096, 1), false);
});

test("tensors with names no rule knows: a renamed copy pairs by value, a fresh initialisation does not", async () => {
  const invented = join(dir, "invented");
  await makeVariant(stories, ["rename"], invented, { naming: "invented" });
  const fresh = join(dir, "fresh.bin");
  await makeVariant(stories, ["reinit"], fresh, { seed: 11 });
  const copy = await openCanonicalModel(invented);
  const original = await openCanonicalModel(stories);
  const independent = await openCanonicalModel(fresh);
  try {
    const matched = await matchUnrecognised(copy, original);
    assert.ok(matched.byValue >= 20, `copy: ${matched.byValue} by value`);
    const unrelated = await matchUnrecognised(copy, independent);
    assert.equal(unrelated.byValue, 0, `independent: ${unrelated.byValue} paired by value`);
  } finally {
    await Promise.all([copy.close(), original.close(), independent.close()]);
  }
});

test(
  "RWKV vs stories260K: no RWKV tensor is paired by value with stories260K's",
  skipUnlessShared("real", "rwkv", "tiny-rwkv-5v2-730K-FP32.safetensors"),
  async () => {
    const rwkv = await openCanonicalModel(shared("real", "rwkv", "tiny-rwkv-5v2-730K-FP32.safetensors")!);
    const llama = await openCanonicalModel(stories);
    try {
      assert.equal((await matchUnrecognised(rwkv, llama)).byValue, 0);
    } finally {
      await Promise.all([rwkv.close(), llama.close()]);
    }
  },
);

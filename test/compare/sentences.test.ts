/**
 * What compare says must not overstate (issue 12): no direction without named evidence, unknown
 * figures are not differences, no empty lists, a file with nothing to compare is refused with the
 * reason, and the p-value never contradicts the verdict.
 */
import assert from "node:assert/strict";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { compareBlueprints } from "../../src/compare/blueprint.js";
import { compareModels } from "../../src/compare/compare-models.js";
import { FormatError } from "../../src/errors.js";
import { renderCompare } from "../../src/report/compare-terminal.js";
import { renderCompareHtml } from "../../src/report/html/compare-html.js";
import { fixture, shared, skipUnlessShared } from "../helpers.js";

const dir = await mkdtemp(join(tmpdir(), "lineage-sentences-"));
after(() => rm(dir, { recursive: true, force: true }));

test("a fine-tune and its base share inherited weights; nothing claims which came first", async () => {
  const result = await compareModels(fixture("zoo", "a-sft"), fixture("zoo", "base-a"));
  assert.equal(result.verdict, "derived");
  assert.equal(result.direction, null);
  const text = result.summary.join(" ");
  assert.match(text, /share inherited weights/);
  assert.match(text, /Nothing in the weights shows which of the two came first/);
  assert.doesNotMatch(text, /descends from|built from|was trained from/);
  assert.doesNotMatch(text, /\(\)|\[\]|undefined|NaN/);
});

test(
  "direction only with named evidence: an extended vocabulary is the later model",
  skipUnlessShared("zoo", "a-vx"),
  async () => {
    const result = await compareModels(shared("zoo", "a-vx")!, shared("zoo", "base-a")!);
    assert.equal(result.verdict, "derived");
    assert.deepEqual(result.direction?.earlier, "reference");
    assert.match(result.direction!.evidence, /vocabulary extends/);
    assert.match(result.summary.join(" "), /so base-a came first/);
  },
);

test("a bare .safetensors beside its config and the folder are identical; a missing config.json is no difference", async () => {
  const folder = fixture("zoo", "base-a");
  const bare = await compareModels(join(folder, "model.safetensors"), folder);
  assert.equal(bare.verdict, "identical");
  const noConfig = join(dir, "no-config");
  await mkdir(noConfig);
  await copyFile(join(folder, "model.safetensors"), join(noConfig, "model.safetensors"));
  await copyFile(join(folder, "tokenizer.model"), join(noConfig, "tokenizer.model"));
  const result = await compareModels(noConfig, folder);
  assert.equal(result.verdict, "identical", `${result.verdict}: ${result.summary.join(" ")}`);
});

test("figures known on one side only are not differences", () => {
  const known = {
    family: "llama",
    hiddenSize: 128,
    numLayers: 4,
    numHeads: 4,
    numKvHeads: 2,
    intermediateSize: 352,
    vocabSize: 3000,
    numExperts: undefined,
    headDim: 32,
    tieWordEmbeddings: false,
    sources: [],
  };
  const partial = {
    ...known,
    family: "unknown",
    numHeads: undefined,
    numKvHeads: undefined,
    headDim: undefined,
  };
  const comparison = compareBlueprints(partial, known);
  assert.equal(comparison.same, true);
  assert.deepEqual(comparison.unknown, ["family", "numHeads", "numKvHeads", "headDim"]);
  assert.equal(compareBlueprints({ ...known, hiddenSize: 64 }, known).same, false);
});

test(
  "a vocabulary-only file is refused with the reason, never called independent",
  skipUnlessShared("real", "vocab", "llama-spm.gguf"),
  async () => {
    await assert.rejects(
      compareModels(shared("real", "vocab", "llama-spm.gguf")!, fixture("zoo", "base-a")),
      (error: unknown) =>
        error instanceof FormatError &&
        /no weight tensors/.test(error.message) &&
        error.describe().includes("llama-spm.gguf"),
    );
  },
);

test("models with nothing in common are inconclusive with the reason", async () => {
  // Two models whose tensors share neither names nor shapes: nothing corresponds.
  const make = async (name: string, shape: number[]) => {
    const folder = join(dir, name);
    await mkdir(folder, { recursive: true });
    const values = new Float32Array(shape.reduce((p, v) => p * v, 1)).map((_, i) =>
      Math.sin(i + name.length),
    );
    const header = JSON.stringify({
      [`${name}.weight`]: { dtype: "F32", shape, data_offsets: [0, values.byteLength] },
    });
    const padded = header.padEnd(Math.ceil(header.length / 8) * 8, " ");
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(padded.length));
    await writeFile(
      join(folder, "model.safetensors"),
      Buffer.concat([length, Buffer.from(padded), Buffer.from(values.buffer)]),
    );
    return folder;
  };
  const result = await compareModels(await make("alpha", [16, 24]), await make("beta", [20, 12]));
  assert.equal(result.verdict, "inconclusive");
  assert.match(result.reason ?? "", /corresponds/);
  assert.match(result.summary[0]!, /does not decide/);
});

test("a large p is reported as no sign of shared weights, never as proof of separate training", async () => {
  const result = await compareModels(fixture("zoo", "b-yi"), fixture("zoo", "base-a"));
  assert.equal(result.verdict, "architecture-only");
  assert.equal(
    result.summary[0],
    "b-yi and base-a share a blueprint; their weights show no more similarity than models trained separately do (p = 1.000): no sign of shared weights.",
  );
  const terminal = renderCompare(result).join("\n");
  const page = renderCompareHtml(result);
  for (const text of [result.summary.join(" "), terminal, page]) {
    assert.doesNotMatch(
      text,
      /they were trained separately|share no weights|no weight lineage|(?<!hypothesis that the two models' )weights are independent/,
    );
    // Every "trained separately" is a hypothesis ("if they had been", "than models trained separately",
    // "the hypothesis that the two models were trained separately").
    assert.doesNotMatch(
      text,
      /(?<!if they had been |than models |hypothesis that the two models were )trained separately/,
    );
  }
  assert.match(result.summary.join(" "), /about \d+ would if they had been trained separately/);
  const weights = result.evidence.find((e) => e.component === "weights")!;
  assert.match(
    weights.note,
    /^\d+ sets; \d+ expected under the hypothesis that the two models were trained separately \(/,
  );
  // The parenthesis explains the unchanged share, not the error beside it; one tensor is singular.
  const embedding = result.evidence.find((e) => e.component === "embedding")!;
  assert.match(
    embedding.note,
    /^share of values equal within rounding or the quantization step, beyond chance agreement; 1 tensor, median relative error 1\.\d{3}$/,
  );
  assert.doesNotMatch(terminal, /\b1 tensors\b|error [\d.]+ \(equal within rounding/);
});

/** End to end: the `lineage inspect` command spawned on committed fixtures and on broken input. */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { assertOneLineError, fixture, runLineage } from "../helpers.js";

const dir = await mkdtemp(join(tmpdir(), "lineage-inspect-"));
after(() => rm(dir, { recursive: true, force: true }));

const lineage = (...args: string[]) => runLineage(args);

// Spawning tsx costs seconds on a loaded machine: start every run at once, assert in the tests.
const missing = join(dir, "no-such-model");
const truncated = join(dir, "truncated.safetensors");
await writeFile(
  truncated,
  (await readFile(join(fixture("zoo", "base-a"), "model.safetensors"))).subarray(0, 4000),
);
const runs = {
  json: lineage("inspect", fixture("zoo", "base-a"), "--json"),
  terminal: lineage("inspect", fixture("zoo", "b-yi")),
  gguf: lineage("inspect", fixture("zoo", "gguf", "base-a-q4_0.gguf"), "--json"),
  missing: lineage("inspect", missing),
  truncated: lineage("inspect", truncated, "--json"),
};

test("inspect --json on a HF folder: the documented fields", async () => {
  const run = await runs.json;
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout);
  assert.equal(report.format, "safetensors");
  assert.deepEqual(report.architecture, {
    family: "llama",
    hiddenSize: 128,
    numLayers: 4,
    numHeads: 4,
    numKvHeads: 2,
    intermediateSize: 352,
    vocabSize: 3000,
    numExperts: null,
    headDim: 32,
    tieWordEmbeddings: false,
    sources: ["config.json", "tensor shapes"],
  });
  assert.equal(report.parameterCount, 1506432);
  assert.deepEqual(report.dtypes, { BF16: { tensors: 39, parameters: 1506432 } });
  assert.equal(report.tensors.length, 39);
  assert.deepEqual(
    report.tensors.find((t: { name: string }) => t.name === "model.layers.2.self_attn.k_proj.weight"),
    {
      name: "model.layers.2.self_attn.k_proj.weight",
      canonical: "layers.2.attn.k",
      dtype: "BF16",
      shape: [64, 128],
      layer: 2,
      convention: "hf-llama",
      transforms: [[]],
    },
  );
  assert.equal(report.tokenizer.vocabSize, 3000);
  assert.equal(report.tokenizer.special.bos.id, 1);
  assert.deepEqual(report.notes, []);
});

test("inspect in the terminal: compact, grouped by layer, with the Yi note", async () => {
  const run = await runs.terminal;
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /family\s+yi/);
  assert.match(run.stdout, /attn_norm\s+model\.layers\.0\.ln1\.weight/);
  assert.match(run.stdout, /layers 1–3: same pattern as layer 0/);
  assert.doesNotMatch(run.stdout, /model\.layers\.1\./);
  assert.match(run.stdout, /ln1\/ln2/);
});

test("inspect a quantized GGUF: canonical names with the rotary unpermute", async () => {
  const run = await runs.gguf;
  assert.equal(run.code, 0, run.stderr);
  const g = JSON.parse(run.stdout);
  assert.equal(g.format, "gguf");
  assert.equal(g.parameterCount, 1506432);
  assert.deepEqual(Object.keys(g.dtypes).sort(), ["F32", "Q4_0", "Q8_0"]);
  const q = g.tensors.find((t: { name: string }) => t.name === "blk.0.attn_q.weight");
  assert.equal(q.canonical, "layers.0.attn.q");
  assert.deepEqual(q.transforms, [[{ kind: "unpermute-rope", heads: 4 }]]);
});

test("a wrong path and a truncated file: one-line errors naming the file, no stack trace", async () => {
  // The untruncated bytes of the same file are the passing control (first test).
  assertOneLineError(await runs.missing, missing);
  assertOneLineError(await runs.truncated, truncated);
});

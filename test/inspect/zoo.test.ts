/**
 * inspect over every model of ../shared/zoo, the real stories260K and the real vocabulary-only GGUFs:
 * figures asserted against each model's config.json (and LINEAGE.md), parameter counts against the
 * formula for its architecture, GGUF copies against base-a's config.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { openCanonicalModel } from "../../src/naming/open.js";
import { buildInspectReport, type InspectReport } from "../../src/report/inspect-report.js";
import { shared, skipUnlessShared } from "../helpers.js";

async function inspect(path: string): Promise<InspectReport> {
  const model = await openCanonicalModel(path);
  try {
    return await buildInspectReport(model);
  } finally {
    await model.close();
  }
}

interface Config {
  model_type: string;
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_key_value_heads?: number;
  vocab_size: number;
  num_local_experts?: number;
}

/** Parameters of a Llama / Mixtral / GPT-NeoX model as the architecture defines them (untied head). */
function expectedParameters(c: Config): number {
  const h = c.hidden_size;
  const ff = c.intermediate_size;
  const embeddings = 2 * c.vocab_size * h;
  if (c.model_type === "gpt_neox") {
    const layer = 2 * 2 * h + (3 * h * h + 3 * h) + (h * h + h) + (h * ff + ff) + (ff * h + h);
    return embeddings + c.num_hidden_layers * layer + 2 * h;
  }
  const kv = (c.num_key_value_heads ?? c.num_attention_heads) * (h / c.num_attention_heads);
  const experts = c.num_local_experts;
  const mlp = experts === undefined ? 3 * h * ff : experts * 3 * h * ff + experts * h;
  const layer = 2 * h + 2 * h * h + 2 * h * kv + mlp;
  return embeddings + c.num_hidden_layers * layer + h;
}

const FAMILY: Record<string, string> = { llama: "llama", mixtral: "mixtral", Yi: "yi", gpt_neox: "gpt-neox" };

const zooModels = [
  "base-a",
  "base-b",
  "neox-c",
  "a-sft",
  "a-cpt",
  "a-moe",
  "a-dus",
  "a-vx",
  "a-distill",
  "a-sft-yi",
  "b-yi",
];

for (const name of zooModels) {
  test(`zoo ${name}: figures match config.json`, skipUnlessShared("zoo", name), async () => {
    const folder = shared("zoo", name)!;
    const config = JSON.parse(readFileSync(join(folder, "config.json"), "utf8")) as Config;
    const report = await inspect(folder);
    const a = report.architecture;
    assert.equal(report.format, "safetensors");
    assert.equal(a.family, FAMILY[config.model_type]);
    assert.equal(a.hiddenSize, config.hidden_size);
    assert.equal(a.numLayers, config.num_hidden_layers);
    assert.equal(a.numHeads, config.num_attention_heads);
    assert.equal(a.numKvHeads, config.num_key_value_heads ?? config.num_attention_heads);
    assert.equal(a.intermediateSize, config.intermediate_size);
    assert.equal(a.vocabSize, config.vocab_size);
    assert.equal(a.numExperts, config.num_local_experts);
    assert.equal(report.parameterCount, expectedParameters(config));
    assert.deepEqual(report.unrecognised, []);
    assert.ok(report.tensors.every((t) => t.canonical !== null));
    assert.equal(report.tokenizer.vocabSize, config.vocab_size);
    // Only the Yi-named models carry a note (the Yi layout); nothing else is odd in the zoo.
    if (a.family === "yi") assert.ok(report.notes.some((n) => n.includes("ln1/ln2")));
    else assert.deepEqual(report.notes, []);
  });
}

test(
  "zoo details from LINEAGE.md: a-cpt has two shards, a-dus six layers, a-vx 3,300 rows",
  skipUnlessShared("zoo"),
  async () => {
    assert.equal((await inspect(shared("zoo", "a-cpt")!)).files.length, 2);
    assert.equal((await inspect(shared("zoo", "a-dus")!)).architecture.numLayers, 6);
    const vx = await inspect(shared("zoo", "a-vx")!);
    assert.deepEqual(vx.tensors.find((t) => t.canonical === "embed")?.shape, [3300, 128]);
    const moe = await inspect(shared("zoo", "a-moe")!);
    assert.equal(
      moe.tensors.filter((t) => typeof t.canonical === "string" && t.canonical.includes("moe.experts"))
        .length,
      4 * 4 * 3,
    );
  },
);

for (const copy of ["base-a-f16.gguf", "base-a-q8_0.gguf", "base-a-q4_0.gguf"]) {
  test(
    `zoo GGUF ${copy}: same figures and parameter count as base-a`,
    skipUnlessShared("zoo", "gguf", copy),
    async () => {
      const base = await inspect(shared("zoo", "base-a")!);
      const report = await inspect(shared("zoo", "gguf", copy)!);
      assert.equal(report.format, "gguf");
      const { sources: _a, ...figures } = report.architecture;
      const { sources: _b, ...baseFigures } = base.architecture;
      assert.deepEqual(figures, baseFigures);
      assert.equal(report.parameterCount, base.parameterCount);
      assert.deepEqual(
        report.tensors.map((t) => t.canonical).sort(),
        base.tensors.map((t) => t.canonical).sort(),
      );
      assert.equal(report.tokenizer.vocabSize, 3000);
    },
  );
}

test(
  "stories260K.bin: llama2.c header figures and 260K parameters",
  skipUnlessShared("real", "stories260k"),
  async () => {
    const report = await inspect(shared("real", "stories260k", "stories260K.bin")!);
    assert.equal(report.format, "llama2c");
    assert.deepEqual(
      [
        report.architecture.family,
        report.architecture.hiddenSize,
        report.architecture.numLayers,
        report.architecture.numHeads,
      ],
      ["llama", 64, 5, 8],
    );
    assert.deepEqual(
      [report.architecture.numKvHeads, report.architecture.intermediateSize, report.architecture.vocabSize],
      [4, 172, 512],
    );
    assert.equal(report.architecture.tieWordEmbeddings, true);
    // 512·64 embedding + 5 layers × (2·64 norms + 64·64·2 (q, o) + 2·32·64 (k, v) + 3·172·64) + 64 final norm.
    assert.equal(report.parameterCount, 512 * 64 + 5 * (128 + 2 * 4096 + 2 * 2048 + 3 * 172 * 64) + 64);
    assert.deepEqual(report.unrecognised, ["freqs_cis_real", "freqs_cis_imag"]);
    assert.equal(report.tokenizer.vocabSize, 512);
  },
);

/** Published figures of the models these vocabulary files come from. */
const VOCAB_FILES: Record<
  string,
  [family: string, hidden: number, layers: number, heads: number, kv: number, vocab: number]
> = {
  "llama-spm.gguf": ["llama", 4096, 32, 32, 32, 32000],
  "gpt-2.gguf": ["gpt2", 768, 12, 12, 12, 50257],
  "phi-3.gguf": ["phi3", 3072, 32, 32, 32, 32064],
  "falcon.gguf": ["falcon", 4544, 32, 71, 1, 65024],
  "gpt-neox.gguf": ["gpt-neox", 6144, 44, 64, 64, 50432],
  "baichuan.gguf": ["baichuan", 4096, 32, 32, 32, 64000],
};

test(
  "vocabulary-only GGUFs: no tensors, figures from metadata, the tokenizer read",
  skipUnlessShared("real", "vocab"),
  async () => {
    for (const [file, [family, hidden, layers, heads, kv, vocab]] of Object.entries(VOCAB_FILES)) {
      const report = await inspect(shared("real", "vocab", file)!);
      const a = report.architecture;
      assert.deepEqual(
        [a.family, a.hiddenSize, a.numLayers, a.numHeads, a.numKvHeads, a.vocabSize],
        [family, hidden, layers, heads, kv, vocab],
        file,
      );
      assert.equal(report.parameterCount, 0);
      assert.deepEqual(report.tensors, []);
      assert.equal(report.tokenizer.vocabSize, vocab, file);
      assert.ok(report.notes.some((n) => n.includes("no tensors")));
    }
  },
);

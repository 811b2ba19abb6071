import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { identifyVocabulary } from "../../src/tokenizers/identify.js";
import { readVocabulary } from "../../src/tokenizers/read.js";
import { REFERENCE_FAMILIES } from "../../src/tokenizers/reference/families.generated.js";
import type { Vocabulary } from "../../src/tokenizers/vocabulary.js";
import { fixture, runLineage, shared, skipUnlessShared } from "../helpers.js";

const read = (path: string): Promise<Vocabulary> => readVocabulary(path);

test("fingerprints stay compact (≤ 20 KB per family) and cover the reference families", () => {
  const ids = REFERENCE_FAMILIES.map((family) => family.id);
  for (const id of [
    "llama-2",
    "llama-3",
    "cl100k",
    "o200k",
    "qwen2",
    "gpt-2",
    "gpt-neox",
    "phi-3",
    "gemma-3",
  ]) {
    assert.ok(ids.includes(id), id);
  }
  for (const family of REFERENCE_FAMILIES) {
    assert.ok(JSON.stringify(family).length <= 20_000, `${family.id}: ${JSON.stringify(family).length}`);
  }
});

test("phi-3 is identified as Phi-3, itself Llama 2 with 64 pieces appended", async () => {
  const result = identifyVocabulary(await read(fixture("vocab", "phi-3.gguf")));
  assert.equal(result.family, "phi-3");
  assert.equal(result.relation, "identical");
  assert.ok(result.notes.includes("itself the Llama 2 vocabulary with 64 tokens appended"));
  const llama = result.candidates.find((c) => c.family === "llama-2");
  assert.equal(llama?.relation, "extended");
  assert.equal(llama?.sizeDelta, 64);
  assert.equal(llama?.sameIdPrefix, 32000);
});

test("without the Phi-3 reference, phi-3 reads as 'Llama 2 vocabulary with 64 tokens appended'", async () => {
  const families = REFERENCE_FAMILIES.filter((family) => family.id !== "phi-3");
  const result = identifyVocabulary(await read(fixture("vocab", "phi-3.gguf")), families);
  assert.equal(result.family, "llama-2");
  assert.equal(result.relation, "extended");
  assert.equal(result.summary, "Llama 2 vocabulary with 64 tokens appended");
});

test("committed fixtures identify as their families", async () => {
  for (const [file, family] of [
    ["llama-spm.gguf", "llama-2"],
    ["gpt-2.gguf", "gpt-2"],
    ["gpt-neox.gguf", "gpt-neox"],
  ] as const) {
    const result = identifyVocabulary(await read(fixture("vocab", file)));
    assert.equal(result.family, family, file);
    assert.equal(result.relation, "identical", file);
  }
});

test("the zoo's own tokenizers (T1, T1x, T1zh, T2) come out as an unknown family", async () => {
  for (const name of ["T1", "T1x", "T1zh", "T2"]) {
    const result = identifyVocabulary(await read(fixture("zoo", "tokenizers", `${name}.model`)));
    assert.equal(result.family, "unknown", name);
    assert.match(result.summary, /own vocabulary/);
    assert.ok((result.candidates[0]?.containment ?? 0) < 0.2, name);
  }
});

test("appended tokens and renumbering are recognised", async () => {
  const gpt2 = await read(fixture("vocab", "gpt-2.gguf"));
  const extended: Vocabulary = {
    ...gpt2,
    tokens: [...gpt2.tokens, "<|im_start|>", "<|im_end|>", "ĠnewWord"],
    kinds: [...gpt2.kinds, "control", "control", "normal"],
  };
  const ext = identifyVocabulary(extended);
  assert.equal(ext.family, "gpt-2");
  assert.equal(ext.relation, "extended");
  assert.equal(ext.summary, "GPT-2 (r50k_base) vocabulary with 3 tokens appended");
  // Reverse the ids: same tokens, other ids.
  const reversed: Vocabulary = {
    ...gpt2,
    tokens: [...gpt2.tokens].reverse(),
    kinds: [...gpt2.kinds].reverse(),
  };
  const ren = identifyVocabulary(reversed);
  assert.equal(ren.family, "gpt-2");
  assert.equal(ren.relation, "renumbered");
  assert.equal(ren.candidates[0]?.sameIdPrefix, 0);
});

test("natural overlap is not lineage: two thirds of GPT-2's tokens are not enough to name it", async () => {
  const gpt2 = await read(fixture("vocab", "gpt-2.gguf"));
  const twoThirds: Vocabulary = {
    ...gpt2,
    tokens: gpt2.tokens.map((token, id) => (id % 3 !== 0 ? token : `Ġzz${id}zz`)),
  };
  const result = identifyVocabulary(twoThirds);
  assert.equal(result.family, "unknown");
  assert.equal(result.candidates[0]?.family, "gpt-2");
  assert.equal(result.candidates[0]?.relation, "overlapping");
});

test(
  "every real llama.cpp vocabulary identifies correctly; MPT is GPT-NeoX's, Refact is StarCoder renumbered",
  skipUnlessShared("real", "vocab"),
  async () => {
    const dir = shared("real", "vocab") as string;
    const expected: Record<string, [string, string]> = {
      "llama-spm": ["llama-2", "identical"],
      "phi-3": ["phi-3", "identical"],
      "gpt-2": ["gpt-2", "identical"],
      "gpt-neox": ["gpt-neox", "identical"],
      mpt: ["gpt-neox", "identical"],
      falcon: ["falcon", "identical"],
      starcoder: ["starcoder", "identical"],
      refact: ["starcoder", "renumbered"],
      "deepseek-llm": ["deepseek-llm", "identical"],
      "deepseek-coder": ["deepseek-coder", "identical"],
      baichuan: ["baichuan", "identical"],
      "bert-bge": ["bert-bge", "identical"],
    };
    for (const [file, [family, relation]] of Object.entries(expected)) {
      const result = identifyVocabulary(await read(join(dir, `${file}.gguf`)));
      assert.equal(`${result.family} ${result.relation}`, `${family} ${relation}`, file);
    }
  },
);

test("lineage tokenizer identify prints JSON with family, relation and candidates", async () => {
  const [run, missing] = await Promise.all([
    runLineage(["tokenizer", "identify", fixture("vocab", "phi-3.gguf"), "--json"]),
    runLineage(["tokenizer", "identify", "/no/such/tokenizer.json"]),
  ]);
  assert.equal(run.code, 0, run.stderr);
  const json = JSON.parse(run.stdout) as { family: string; relation: string; candidates: unknown[] };
  assert.equal(json.family, "phi-3");
  assert.equal(json.relation, "identical");
  assert.ok(json.candidates.length >= 2);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /lineage: error:/);
});

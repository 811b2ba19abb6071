/** Facts found in the real vocabularies of ../shared, pinned. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { compareVocabularies } from "../../src/tokenizers/compare/compare-vocabularies.js";
import { readVocabulary } from "../../src/tokenizers/read.js";
import { fixture, shared, skipUnlessShared } from "../helpers.js";

const vocab = (name: string) => readVocabulary(shared("real", "vocab", name)!);

test(
  "DeepSeek-Coder vs DeepSeek-LLM: 98% of Coder's merged tokens in LLM's vocabulary, learned in the same order: overlapping",
  skipUnlessShared("real", "vocab"),
  async () => {
    const c = compareVocabularies(await vocab("deepseek-coder.gguf"), await vocab("deepseek-llm.gguf"));
    assert.equal(c.relation, "overlapping");
    assert.ok(c.mergedContainment > 0.97);
    assert.ok(c.orderAgreement! > 0.99);
    assert.ok(c.sameIdShare < 0.03);
  },
);

test("Falcon vs GPT-2 and Baichuan vs Llama-2: independent", skipUnlessShared("real", "vocab"), async () => {
  const gpt2 = await vocab("gpt-2.gguf");
  const llama = await readVocabulary(fixture("vocab", "llama-spm.gguf"));
  for (const [name, reference] of [
    ["falcon.gguf", gpt2],
    ["baichuan.gguf", llama],
  ] as const) {
    const c = compareVocabularies(await vocab(name), reference);
    assert.equal(c.relation, "independent", `${name}: ${c.explanation}`);
    assert.ok(c.orderAgreement! < 0.9, name);
  }
});

test(
  "llama2.c's Llama-2 tokenizer.bin is identical to llama-spm.gguf; tok512.bin is independent of it",
  skipUnlessShared("real", "stories260k"),
  async () => {
    const llama = await readVocabulary(fixture("vocab", "llama-spm.gguf"));
    const bin = compareVocabularies(
      await readVocabulary(shared("real", "stories260k", "tokenizer.bin")!),
      llama,
    );
    assert.equal(bin.relation, "identical");
    assert.equal(bin.scoreAgreement, 1);
    const tok512 = compareVocabularies(await readVocabulary(fixture("stories260k", "tok512.bin")), llama);
    assert.equal(tok512.relation, "independent");
    assert.equal(tok512.sharedTokens, 510); // a small vocabulary of common pieces sits inside a big one
  },
);

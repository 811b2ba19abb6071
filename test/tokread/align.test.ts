import assert from "node:assert/strict";
import { test } from "node:test";
import { alignVocabularies, matchedPairs } from "../../src/tokenizers/align.js";
import { readVocabulary } from "../../src/tokenizers/read.js";
import { fixture, shared, skipUnlessShared } from "../helpers.js";
import { edit, reorder, shuffledIds } from "./vocab-edit.js";

test("phi-3 onto llama-spm: 32,000 rows kept at their ids, 64 appended rows have no reference", async () => {
  const a = alignVocabularies(
    await readVocabulary(fixture("vocab", "phi-3.gguf")),
    await readVocabulary(fixture("vocab", "llama-spm.gguf")),
  );
  assert.deepEqual([a.kept, a.reordered, a.added, a.removed], [32000, 0, 64, 0]);
  assert.equal(a.toReference[15043], 15043);
  assert.equal(a.toReference[32000], -1);
  assert.equal(a.toSuspect.length, 32000);
});

test("a renumbered vocabulary maps every row back to where its token was", async () => {
  const t1 = await readVocabulary(fixture("zoo", "tokenizers", "T1.model"));
  const order = shuffledIds(t1.tokens.length, 259);
  const a = alignVocabularies(reorder(t1, order), t1);
  assert.equal(a.added + a.removed, 0);
  assert.equal(a.kept + a.reordered, 3000);
  order.forEach((original, id) => {
    assert.equal(a.toReference[id], original);
  });
  const pairs = matchedPairs(a);
  assert.equal(pairs.suspect.length, 3000);
  assert.equal(pairs.reference[300], order[300]);
});

test("tokens replaced in place count as added and removed; duplicates map one to one", async () => {
  const t1 = await readVocabulary(fixture("zoo", "tokenizers", "T1.model"));
  const replaced = alignVocabularies(edit(t1, { 500: "▁novel", 501: "▁tokens" }), t1);
  assert.deepEqual([replaced.kept, replaced.reordered, replaced.added, replaced.removed], [2998, 0, 2, 2]);
  // T1's token 700 moved to ids 600 and 601: the first takes reference row 700, the second finds it taken
  const twice = alignVocabularies(
    edit(t1, { 600: t1.tokens[700]!, 601: t1.tokens[700]!, 700: "▁other" }),
    t1,
  );
  assert.equal(twice.toReference[600], 700);
  assert.equal(twice.toReference[601], -1);
  assert.equal(twice.toSuspect[700], 600);
  assert.deepEqual([twice.kept, twice.reordered, twice.added, twice.removed], [2997, 1, 2, 2]);
});

test(
  "across formats: llama2.c's tokenizer.bin aligns with llama-spm.gguf id for id",
  skipUnlessShared("real", "stories260k"),
  async () => {
    const a = alignVocabularies(
      await readVocabulary(shared("real", "stories260k", "tokenizer.bin")!),
      await readVocabulary(fixture("vocab", "llama-spm.gguf")),
    );
    assert.deepEqual([a.kept, a.reordered, a.added, a.removed], [32000, 0, 0, 0]);
  },
);

test("GPT-2 onto GPT-NeoX: shared tokens found at other ids, the rest added", async () => {
  const a = alignVocabularies(
    await readVocabulary(fixture("vocab", "gpt-2.gguf")),
    await readVocabulary(fixture("vocab", "gpt-neox.gguf")),
  );
  assert.equal(a.kept + a.reordered, 36938);
  assert.ok(a.kept < 100);
  assert.equal(a.added, 50257 - 36938);
  const the = 262; // "Ġthe" in GPT-2
  assert.equal((await readVocabulary(fixture("vocab", "gpt-neox.gguf"))).tokens[a.toReference[the]!], "Ġthe");
});

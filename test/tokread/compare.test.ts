import assert from "node:assert/strict";
import { test } from "node:test";
import { compareVocabularies } from "../../src/tokenizers/compare/compare-vocabularies.js";
import { spearman } from "../../src/tokenizers/compare/statistics.js";
import { readVocabulary } from "../../src/tokenizers/read.js";
import type { Vocabulary } from "../../src/tokenizers/vocabulary.js";
import { fixture } from "../helpers.js";
import { edit, reorder, shuffledIds } from "./vocab-edit.js";

const cache = new Map<string, Promise<Vocabulary>>();
function load(...parts: string[]): Promise<Vocabulary> {
  const path = fixture(...parts);
  if (!cache.has(path)) cache.set(path, readVocabulary(path));
  return cache.get(path)!;
}

test("spearman: perfect, reversed, ties and too few pairs", () => {
  assert.equal(spearman([1, 2, 3, 4], [10, 20, 30, 40]), 1);
  assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  assert.ok(Math.abs(spearman([1, 2, 2, 3], [1, 2, 3, 4])! - 0.9487) < 1e-4);
  assert.equal(spearman([1, 2], [1, 2]), undefined);
  assert.equal(spearman([1, 1, 1], [1, 2, 3]), undefined);
});

test("phi-3 vs llama-spm: extended by 64 appended tokens, every Llama id kept, EOS moved", async () => {
  const c = compareVocabularies(await load("vocab", "phi-3.gguf"), await load("vocab", "llama-spm.gguf"));
  assert.equal(c.relation, "extended");
  assert.deepEqual(c.extension?.base, "b");
  assert.equal(c.extension?.appended, 64);
  assert.equal(c.extension?.examples[0], "<|endoftext|>");
  assert.equal(c.sameIdPrefix, 32000);
  assert.equal(c.sharedTokens, 32000);
  assert.equal(c.scoreAgreement, 1);
  const eos = c.special.find((s) => s.role === "eos")!;
  assert.deepEqual([eos.a?.id, eos.b?.id, eos.sameToken], [32000, 2, false]);
  assert.match(
    c.explanation,
    /phi-3\.gguf is llama-spm\.gguf's 32,000-token vocabulary with 64 tokens appended/,
  );
  // The other way round names the same base.
  const reverse = compareVocabularies(
    await load("vocab", "llama-spm.gguf"),
    await load("vocab", "phi-3.gguf"),
  );
  assert.equal(reverse.relation, "extended");
  assert.equal(reverse.extension?.base, "a");
});

test("GPT-NeoX vs GPT-2: ~73% of tokens shared by nature, yet independent", async () => {
  const c = compareVocabularies(await load("vocab", "gpt-neox.gguf"), await load("vocab", "gpt-2.gguf"));
  assert.equal(c.relation, "independent");
  assert.equal(c.sharedTokens, 36938);
  assert.ok(c.sharedTokens / 50257 > 0.73);
  assert.ok(c.sameIdShare < 0.01);
  assert.ok(c.orderAgreement! > 0.7 && c.orderAgreement! < 0.85);
  assert.ok(c.merges !== undefined && c.merges.share > 0.6 && c.merges.share < 0.7);
  assert.match(c.explanation, /natural, not lineage/);
});

test("zoo: T1x extends T1 by 300 pieces; T2 is independent of T1", async () => {
  const t1 = await load("zoo", "tokenizers", "T1.model");
  const t1x = compareVocabularies(await load("zoo", "tokenizers", "T1x.model"), t1);
  assert.equal(t1x.relation, "extended");
  assert.equal(t1x.extension?.appended, 300);
  const t2 = compareVocabularies(await load("zoo", "tokenizers", "T2.model"), t1);
  assert.equal(t2.relation, "independent");
  assert.equal(t2.sameIdPrefix, 259); // <unk> <s> </s> and 256 byte pieces: the SentencePiece layout
  assert.ok(t2.sameIdNormalCount < 10);
  const t1zh = compareVocabularies(await load("zoo", "tokenizers", "T1zh.model"), t1);
  assert.equal(t1zh.relation, "independent");
});

test("the same vocabulary through three formats is identical: SentencePiece, GGUF, model folder", async () => {
  const c = compareVocabularies(await load("zoo", "gguf", "base-a-q4_0.gguf"), await load("zoo", "base-a"));
  assert.equal(c.relation, "identical");
  assert.equal(c.differingIds, 0);
  assert.match(c.explanation, /same vocabulary: all 3,000 ids/);
});

test("renumbered: T1 with its merged pieces shuffled holds the same tokens at other ids", async () => {
  const t1 = await load("zoo", "tokenizers", "T1.model");
  const shuffled = reorder(t1, shuffledIds(t1.tokens.length, 259));
  const c = compareVocabularies(shuffled, t1);
  assert.equal(c.relation, "renumbered");
  assert.equal(c.jaccard, 1);
  assert.ok(c.sameIdShare < 0.2);
  // control: keeping the order is identical
  assert.equal(compareVocabularies(reorder(t1, [...t1.tokens.keys()]), t1).relation, "identical");
});

test("overlapping: an order-kept subset of GPT-2 (every third merged token dropped) at compacted ids", async () => {
  const gpt2 = await load("vocab", "gpt-2.gguf");
  const kept = [...gpt2.tokens.keys()].filter((id) => id < 256 || id % 3 !== 0);
  const c = compareVocabularies(reorder({ ...gpt2, merges: undefined }, kept), {
    ...gpt2,
    merges: undefined,
  });
  assert.equal(c.relation, "overlapping");
  assert.ok(c.orderAgreement! > 0.99);
  assert.ok(c.jaccard < 0.9);
  // control: the same subset shuffled has no order in common and is independent
  const scrambled = kept
    .filter((id) => id < 256)
    .concat(shuffledIds(gpt2.tokens.length).filter((id) => id >= 256 && id % 3 !== 0));
  const d = compareVocabularies(reorder({ ...gpt2, merges: undefined }, scrambled), {
    ...gpt2,
    merges: undefined,
  });
  assert.equal(d.relation, "independent");
});

test("identity tolerates special tokens renamed in place, not ordinary tokens rewritten", async () => {
  const llama = await load("vocab", "llama-spm.gguf");
  const renamed = compareVocabularies(edit(llama, { 1: "<|begin|>", 2: "<|end|>" }), llama);
  assert.equal(renamed.relation, "identical");
  assert.equal(renamed.differingIds, 2);
  assert.match(renamed.explanation, /apart from 2 special token/);
  const rewritten: Record<number, string> = {};
  for (let id = 1000; id < 1500; id++) rewritten[id] = `▁rewritten${id}`;
  const c = compareVocabularies(edit(llama, rewritten), llama);
  assert.notEqual(c.relation, "identical");
  assert.equal(c.differingContentIds, 500);
});

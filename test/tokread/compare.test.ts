import assert from "node:assert/strict";
import { test } from "node:test";
import { rankAgreement } from "../../src/stats/correlation.js";
import { compareVocabularies } from "../../src/tokenizers/compare/compare-vocabularies.js";
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

test("rankAgreement (Spearman): perfect, reversed, ties and too few pairs", () => {
  assert.equal(rankAgreement([1, 2, 3, 4], [10, 20, 30, 40]), 1);
  assert.equal(rankAgreement([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  assert.ok(Math.abs(rankAgreement([1, 2, 2, 3], [1, 2, 3, 4])! - 0.9487) < 1e-4);
  assert.equal(rankAgreement([1, 2], [1, 2]), undefined);
  assert.equal(rankAgreement([1, 1, 1], [1, 2, 3]), undefined);
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

test("overlapping: an order-kept subset of T1 (every third merged piece dropped) at compacted ids", async () => {
  const t1 = await load("zoo", "tokenizers", "T1.model");
  const kept = [...t1.tokens.keys()].filter((id) => id < 259 || id % 3 !== 0);
  const c = compareVocabularies(reorder(t1, kept), t1);
  assert.equal(c.relation, "overlapping");
  assert.ok(c.orderAgreement! > 0.99);
  assert.ok(c.jaccard < 0.9);
  assert.match(c.explanation, /share an origin/);
  // control: the same subset shuffled has no order in common and is independent
  const scrambled = kept
    .filter((id) => id < 259)
    .concat(shuffledIds(t1.tokens.length).filter((id) => id >= 259 && id % 3 !== 0));
  assert.equal(compareVocabularies(reorder(t1, scrambled), t1).relation, "independent");
});

test("identity tolerates special tokens renamed in place, not ordinary tokens rewritten", async () => {
  const t1 = await load("zoo", "tokenizers", "T1.model");
  const renamed = compareVocabularies(edit(t1, { 1: "<|begin|>", 2: "<|end|>" }), t1);
  assert.equal(renamed.relation, "identical");
  assert.equal(renamed.differingIds, 2);
  assert.match(renamed.explanation, /apart from 2 special token/);
  // 6 of 3,000 ordinary pieces edited in place (0.2%) is still the same vocabulary; 7 is not
  const edits = (n: number) =>
    Object.fromEntries(Array.from({ length: n }, (_, i) => [1000 + i, `▁edited${i}`]));
  assert.equal(compareVocabularies(edit(t1, edits(6)), t1).relation, "identical");
  const c = compareVocabularies(edit(t1, edits(7)), t1);
  assert.equal(c.relation, "overlapping");
  assert.equal(c.differingContentIds, 7);
  assert.match(c.explanation, /7 ordinary tokens differ in place/);
});

test("gaps both vocabularies leave at the same ids do not count against identity", async () => {
  const t1 = await load("zoo", "tokenizers", "T1.model");
  const gaps: Record<number, string> = {};
  for (let id = 1000; id < 1100; id++) gaps[id] = "";
  const gapped = edit(t1, gaps, "unused");
  const c = compareVocabularies(gapped, { ...gapped, source: { ...gapped.source, file: "other" } });
  assert.equal(c.relation, "identical");
  assert.equal(c.sameIdCount, 2900);
  // control: the gaps on one side only are 100 ordinary tokens missing in place
  assert.equal(compareVocabularies(gapped, t1).relation, "overlapping");
});

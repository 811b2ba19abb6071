/**
 * Ground truth: every `tokenizers` pair in the zoo's labels.json comes out with its labelled relation.
 * With ../shared all seven pairs run; without it, the pairs whose files are committed fixtures
 * (zoo T1/T1x/T2, llama-spm, phi-3, gpt-2, gpt-neox) still run, from fixtures/.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { test } from "node:test";
import { compareVocabularies } from "../../src/tokenizers/compare/compare-vocabularies.js";
import type { VocabularyComparison } from "../../src/tokenizers/compare/types.js";
import { readVocabulary } from "../../src/tokenizers/read.js";
import { fixture, shared } from "../helpers.js";

interface TokenizerLabel {
  suspect: string;
  reference: string;
  relation: string;
  why: string;
}

const sharedZoo = shared("zoo");
const labelsPath = sharedZoo === undefined ? fixture("zoo", "labels.json") : join(sharedZoo, "labels.json");
const labels = (JSON.parse(readFileSync(labelsPath, "utf8")) as { tokenizers: TokenizerLabel[] }).tokenizers;

/** Where a labels.json path (relative to shared/zoo) is: in ../shared, else among the fixtures. */
function locate(path: string): string | undefined {
  if (sharedZoo !== undefined) return join(sharedZoo, path);
  const candidates = path.startsWith("../real/vocab/")
    ? [fixture("vocab", basename(path))]
    : [fixture("zoo", ...path.split("/"))];
  return candidates.find((candidate) => existsSync(candidate));
}

/** Figures measured on the real files, pinned beside the labelled relation (keyed by suspect). */
const FACTS: Record<string, (c: VocabularyComparison) => void> = {
  "../real/vocab/gpt-neox.gguf": (c) => {
    // ~73% of GPT-2's tokens are GPT-NeoX tokens, by the nature of English BPE …
    assert.equal(c.sharedTokens, 36938);
    assert.ok(c.sharedTokens / c.b.size > 0.73);
    // … but almost none at the same id, and merges learned in a different order.
    assert.ok(c.sameIdShare < 0.01);
    assert.ok(c.orderAgreement! > 0.7 && c.orderAgreement! < 0.85);
    assert.ok(c.merges !== undefined && c.merges.share > 0.6 && c.merges.share < 0.7);
    assert.match(c.explanation, /natural, not lineage/);
  },
  "../real/vocab/refact.gguf": (c) => {
    assert.equal(c.sharedTokens, 49060); // 99.8% of StarCoder's 49,152
    assert.ok(c.sameIdShare < 0.01);
    assert.ok(c.orderAgreement! > 0.999);
    assert.ok(c.merges!.share > 0.99);
  },
  "../real/vocab/mpt.gguf": (c) => {
    assert.equal(c.sameIdPrefix, 50432);
    assert.equal(c.differingIds, 0);
  },
};

test("labels.json lists the seven tokenizer pairs", () => {
  assert.equal(labels.length, 7);
});

for (const label of labels) {
  const suspect = locate(label.suspect);
  const reference = locate(label.reference);
  const missing = suspect === undefined || reference === undefined;
  test(`${label.suspect} vs ${label.reference} is ${label.relation}`, {
    skip: missing ? "needs ../shared (not among the committed fixtures)" : false,
  }, async () => {
    const comparison = compareVocabularies(await readVocabulary(suspect!), await readVocabulary(reference!));
    assert.equal(comparison.relation, label.relation, `${label.why}\n${comparison.explanation}`);
    FACTS[label.suspect]?.(comparison);
  });
}

/**
 * Real facts about real vocabularies, computed by the generator from the full vocabularies and
 * pinned here through the generated table (the vocabularies themselves are too big to ship).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { familyNotes } from "../../src/tokenizers/identify.js";
import { REFERENCE_PAIR_FACTS } from "../../src/tokenizers/reference/families.generated.js";
import type { ReferencePairFact } from "../../src/tokenizers/reference/family-table.js";

function fact(a: string, b: string): ReferencePairFact {
  const found = REFERENCE_PAIR_FACTS.find((f) => (f.a === a && f.b === b) || (f.a === b && f.b === a));
  assert.ok(found !== undefined, `${a}/${b}`);
  return found.a === a ? found : { ...found, a, b, aSize: found.bSize, bSize: found.aSize };
}

test("Llama 3's vocabulary starts with cl100k_base's 100,256 ranks, token for token", () => {
  const f = fact("llama-3", "cl100k");
  assert.equal(f.sameIdPrefix, 100_256);
  assert.equal(f.sharedTokens, 100_256);
  assert.equal(f.aSize, 128_256);
  // cl100k's five special tokens (ids 100257+) are not Llama 3's.
  assert.equal(f.bSize, 100_277);
});

test("Qwen2 holds 98.9% of cl100k's tokens, but renumbered (same ids only for the first 410)", () => {
  const f = fact("qwen2", "cl100k");
  assert.equal(f.sharedTokens, 99_160);
  assert.equal(f.sameIdPrefix, 410);
  assert.ok(f.sharedTokens / 100_256 > 0.98);
});

test("Phi-3 is Llama 2 plus 64 tokens; p50k is GPT-2 with whitespace tokens instead of <|endoftext|> at 50256", () => {
  const phi = fact("phi-3", "llama-2");
  assert.equal(phi.sameIdPrefix, 32_000);
  assert.equal(phi.aSize - phi.bSize, 64);
  assert.deepEqual(familyNotes("phi-3"), ["itself the Llama 2 vocabulary with 64 tokens appended"]);
  const p50k = fact("p50k", "gpt-2");
  assert.equal(p50k.sameIdPrefix, 50_256);
});

test("independent vocabularies overlap naturally without sharing ids", () => {
  const neox = fact("gpt-2", "gpt-neox");
  assert.equal(neox.sharedTokens, 36_938); // 73% of GPT-2's 50,257
  assert.equal(neox.sameIdPrefix, 0);
  const mistral = fact("mistral-v1", "llama-2");
  assert.equal(mistral.sameIdPrefix, 260); // <unk>, <s>, </s> and the 256 byte pieces, then apart
  assert.ok(mistral.sharedTokens < 0.8 * 32_000);
  const gemma = fact("gemma-3", "gemma");
  assert.ok(gemma.sharedTokens / 256_000 < 0.75);
  assert.ok(gemma.sameIdPrefix < 10);
});

/**
 * Cross-check of the byte-level BPE encoder against gpt-tokenizer's own encoders: the gpt-2 GGUF
 * vocabulary (with merges) against r50k_base, and gpt-tokenizer's rank tables (tiktoken style,
 * no merge list) against cl100k/o200k (r50k is covered by the GGUF check).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createEncoder } from "../../src/tokenizers/encode/create-encoder.js";
import { readVocabulary } from "../../src/tokenizers/read.js";
import { loadLiveTokenEncoder } from "../../src/tokenizers/reference/live-counters.js";
import { PROBE_UNITS, repeatUnit } from "../../src/tokenizers/reference/probe-units.js";
import { BYTE_TO_UNICODE, bytesToByteLevel } from "../../src/tokenizers/token-bytes.js";
import type { Vocabulary } from "../../src/tokenizers/vocabulary.js";
import { fixture } from "../helpers.js";
import { readTokenVectors } from "./vectors.js";

function rankToken(entry: string | number[]): string {
  if (typeof entry === "string") return bytesToByteLevel(new TextEncoder().encode(entry));
  return entry.map((byte) => BYTE_TO_UNICODE[byte]).join("");
}

async function tiktokenVocabulary(name: string, pre: string): Promise<Vocabulary> {
  const ranks = (await import(`gpt-tokenizer/bpeRanks/${name}`)) as { default: (string | number[])[] };
  const tokens = ranks.default.map(rankToken);
  return {
    source: { file: `gpt-tokenizer ${name}`, format: "tiktoken" },
    model: "tiktoken",
    convention: "byte-level",
    tokens,
    scores: undefined,
    kinds: tokens.map(() => "normal"),
    merges: undefined,
    special: {},
    preTokenizer: pre,
  };
}

function sampleTexts(): string[] {
  const vectors = readTokenVectors(fixture("vocab", "gpt-2.gguf"));
  // Not U+FEFF: gpt-tokenizer's JavaScript `\s` counts it as white space, tiktoken's Rust `\s` does not
  // (we follow Rust), so the two legitimately differ there.
  const extra = ["  x", "a\r\nb", "don't STOP'LL", "x\u0085y", "🏳️‍🌈 1234567 🦙"];
  return [...(vectors?.texts ?? []), ...PROBE_UNITS.map((unit) => repeatUnit(unit, 3)), ...extra];
}

test("byte-level BPE on gpt-2.gguf equals gpt-tokenizer r50k_base", async () => {
  const vocabulary = await readVocabulary(fixture("vocab", "gpt-2.gguf"));
  const ours = createEncoder(vocabulary);
  const theirs = await loadLiveTokenEncoder("gpt-2");
  for (const text of sampleTexts())
    assert.deepEqual(ours.encode(text), theirs.encode(text), JSON.stringify(text));
});

for (const [name, family, pre] of [
  ["cl100k_base", "cl100k", "cl100k"],
  ["o200k_base", "o200k", "o200k"],
] as const) {
  test(`tiktoken-style ranks (${name}) encode like gpt-tokenizer`, async () => {
    const ours = createEncoder(await tiktokenVocabulary(name, pre));
    const theirs = await loadLiveTokenEncoder(family);
    for (const text of sampleTexts())
      assert.deepEqual(ours.encode(text), theirs.encode(text), JSON.stringify(text));
  });
}

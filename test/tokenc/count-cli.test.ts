import assert from "node:assert/strict";
import { test } from "node:test";
import { UsageError } from "../../src/errors.js";
import { loadTokenCounter } from "../../src/tokenizers/token-counter.js";
import { fixture, runLineage } from "../helpers.js";
import { readTokenVectors } from "./vectors.js";

test("counts from a tokenizer file match llama.cpp's vectors", async () => {
  const path = fixture("vocab", "llama-spm.gguf");
  const counter = await loadTokenCounter(path);
  assert.equal(counter.family, "llama-2");
  const vectors = readTokenVectors(path);
  assert.ok(vectors !== undefined);
  vectors.texts.forEach((text, i) => {
    // The vectors parse special tokens; none of these texts contains one, so plain counting agrees.
    assert.equal(counter.count(text), vectors.ids[i]?.length, JSON.stringify(text));
  });
});

test("built-in families count without a file; unknown names are refused", async () => {
  const cl100k = await loadTokenCounter("cl100k");
  assert.equal(cl100k.count("Hello world 你好"), 5);
  assert.equal(cl100k.piece(9906), "Hello");
  await assert.rejects(loadTokenCounter("llama-9"), UsageError);
});

test("lineage tokenizer count --json --tokens gives count, ids and pieces", async () => {
  const [run, bad] = await Promise.all([
    runLineage([
      "tokenizer",
      "count",
      "Hello world",
      "--tokenizer",
      fixture("vocab", "gpt-2.gguf"),
      "--tokens",
      "--json",
    ]),
    runLineage(["tokenizer", "count", "x", "--tokenizer", "no-such-family"]),
  ]);
  assert.equal(run.code, 0, run.stderr);
  const json = JSON.parse(run.stdout) as {
    count: number;
    family: string;
    tokens: { id: number; piece: string }[];
  };
  assert.equal(json.count, 2);
  assert.equal(json.family, "gpt-2");
  assert.deepEqual(json.tokens, [
    { id: 15496, piece: "Hello" },
    { id: 995, piece: "Ġworld" },
  ]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /neither a file nor a built-in family/);
  assert.doesNotMatch(bad.stderr, /at .*\.ts:/);
});

/**
 * llama2.c tokenizer.bin files encoded as llama2.c's run.c encodes them. The reference ids in
 * fixtures/tokenc/llama2c-runc-vectors.json come from run.c's own `encode()` (compiled from
 * karpathy/llama2.c and run with bos = eos = 0 on 109 texts: llama.cpp's Llama-2 inputs, the probe
 * units, a few more); test.c's published Llama-2 vectors are checked too.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { createEncoder } from "../../src/tokenizers/encode/create-encoder.js";
import { readVocabulary } from "../../src/tokenizers/read.js";
import { fixture, runLineage, shared, skipUnlessShared } from "../helpers.js";
import { readTokenVectors } from "./vectors.js";

interface RuncVectors {
  texts: string[];
  ids: Record<string, number[][]>;
}

const runc = JSON.parse(readFileSync(fixture("tokenc", "llama2c-runc-vectors.json"), "utf8")) as RuncVectors;

async function checkRunc(path: string, name: string): Promise<void> {
  const encoder = createEncoder(await readVocabulary(path));
  assert.equal(encoder.kind, "llama2c");
  const expected = runc.ids[name]!;
  assert.equal(expected.length, runc.texts.length);
  runc.texts.forEach((text, i) => {
    assert.deepEqual(encoder.encode(text), expected[i], `${name} text ${i}: ${JSON.stringify(text)}`);
  });
}

test("tok512.bin (stories260K) encodes exactly as run.c on 109 texts", async () => {
  assert.ok(runc.texts.length >= 100);
  await checkRunc(fixture("stories260k", "tok512.bin"), "tok512.bin");
});

test(
  "llama2xs-tok512.bin (an independent llama2.c tokenizer) encodes exactly as run.c",
  skipUnlessShared("real", "llama2c-independent", "llama2xs-tok512.bin"),
  async () => {
    await checkRunc(shared("real", "llama2c-independent", "llama2xs-tok512.bin")!, "llama2xs-tok512.bin");
  },
);

test(
  "Llama 2's tokenizer.bin: run.c's ids, test.c's published vectors and llama.cpp's Llama-2 vectors",
  skipUnlessShared("real", "stories260k", "tokenizer.bin"),
  async () => {
    const path = shared("real", "stories260k", "tokenizer.bin")!;
    await checkRunc(path, "tokenizer.bin");
    const encoder = createEncoder(await readVocabulary(path));
    // llama2.c test.c (BOS 1 first there; counted here without it)
    assert.deepEqual(
      encoder.encode("I believe the meaning of life is"),
      [306, 4658, 278, 6593, 310, 2834, 338],
    );
    assert.deepEqual(
      encoder.encode("Simply put, the theory of relativity states that "),
      [3439, 17632, 1925, 29892, 278, 6368, 310, 14215, 537, 5922, 393, 29871],
    );
    assert.deepEqual(encoder.encode(""), []);
    const vectors = readTokenVectors(
      shared("real", "vocab", "llama-spm.gguf") ?? fixture("vocab", "llama-spm.gguf"),
    )!;
    vectors.texts.forEach((text, i) => {
      assert.deepEqual(encoder.encode(text), vectors.ids[i], `llama.cpp text ${i}`);
    });
  },
);

test("a tokenizer.bin too small for run.c's byte fallback (ids 3–258) is refused, naming the file", async () => {
  const vocabulary = await readVocabulary(fixture("stories260k", "tok512.bin"));
  assert.throws(
    () =>
      createEncoder({
        ...vocabulary,
        tokens: vocabulary.tokens.slice(0, 200),
        kinds: vocabulary.kinds.slice(0, 200),
      }),
    /byte fallback needs ids 3–258/,
  );
});

test("lineage tokenizer count counts a llama2.c tokenizer.bin as run.c does", async () => {
  const text = "Once upon a time, there was a little girl named Lily. She loved to play outside";
  const expected = runc.ids["tok512.bin"]![runc.texts.indexOf(text)]!;
  const run = await runLineage([
    "tokenizer",
    "count",
    text,
    "--tokenizer",
    fixture("stories260k", "tok512.bin"),
    "--tokens",
    "--json",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const json = JSON.parse(run.stdout) as { count: number; tokens: { id: number }[] };
  assert.equal(json.count, expected.length);
  assert.deepEqual(
    json.tokens.map((token) => token.id),
    expected,
  );
});

import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { createEncoder } from "../../src/tokenizers/encode/create-encoder.js";
import { readVocabulary } from "../../src/tokenizers/read.js";
import { fixture, shared, skipUnlessShared } from "../helpers.js";
import { readTokenVectors } from "./vectors.js";

async function checkVectors(path: string): Promise<{ passed: number; total: number }> {
  const vectors = readTokenVectors(path);
  assert.ok(vectors !== undefined, `${path} has no .inp/.out`);
  const encoder = createEncoder(await readVocabulary(path), { parseSpecial: true });
  let passed = 0;
  vectors.texts.forEach((text, i) => {
    assert.deepEqual(encoder.encode(text), vectors.ids[i], `${path} text ${i}: ${JSON.stringify(text)}`);
    passed++;
  });
  return { passed, total: vectors.texts.length };
}

for (const name of ["llama-spm", "phi-3", "gpt-2"]) {
  test(`encoder matches llama.cpp's vectors for fixtures/vocab/${name}.gguf`, async () => {
    const { passed, total } = await checkVectors(fixture("vocab", `${name}.gguf`));
    assert.equal(passed, total);
    assert.ok(total >= 40);
  });
}

test(
  "encoder matches llama.cpp's vectors for every ../shared/real/vocab file",
  skipUnlessShared("real", "vocab"),
  async () => {
    const dir = shared("real", "vocab") as string;
    const names = readdirSync(dir)
      .filter((file) => file.endsWith(".gguf.inp"))
      .map((file) => file.replace(/\.inp$/, ""));
    assert.ok(names.length >= 10);
    for (const name of names) {
      const { passed, total } = await checkVectors(join(dir, name));
      assert.equal(passed, total, name);
    }
  },
);

test("without parseSpecial, special-token strings are encoded as plain text", async () => {
  const vocabulary = await readVocabulary(fixture("vocab", "phi-3.gguf"));
  const plain = createEncoder(vocabulary);
  const special = createEncoder(vocabulary, { parseSpecial: true });
  assert.deepEqual(special.encode("<|user|>"), [32010]);
  assert.ok(plain.encode("<|user|>").length > 1);
  assert.ok(!plain.encode("<|user|>").includes(32010));
});

test("createEncoder refuses vocabularies it cannot encode", async () => {
  const vocabulary = await readVocabulary(fixture("vocab", "gpt-2.gguf"));
  assert.throws(
    () => createEncoder({ ...vocabulary, convention: "raw" }),
    /cannot encode a 'bpe' vocabulary/,
  );
  assert.throws(() => createEncoder({ ...vocabulary, merges: undefined }), /has no merges/);
  assert.throws(() => createEncoder({ ...vocabulary, preTokenizer: "no-such-pre" }), /unknown pre-tokenizer/);
  assert.equal(createEncoder(vocabulary).kind, "byte-level-bpe");
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { FormatError } from "../../src/errors.js";
import { readGgufVocabulary } from "../../src/tokenizers/readers/gguf.js";
import { parseLlama2cTokenizer, readLlama2cTokenizer } from "../../src/tokenizers/readers/llama2c.js";
import { fixture, shared, skipUnlessShared } from "../helpers.js";
import { llama2cTokenizer } from "./build.js";

function rejects(bytes: Uint8Array, field: RegExp): void {
  assert.throws(
    () => parseLlama2cTokenizer(bytes, "bad.bin"),
    (error: unknown) =>
      error instanceof FormatError && error.file === "bad.bin" && field.test(error.field ?? ""),
  );
}

test("tok512.bin (stories260K): 512 raw tokens, BOS/EOS as llama2.c writes them", async () => {
  const vocab = await readLlama2cTokenizer(fixture("stories260k", "tok512.bin"));
  assert.equal(vocab.source.format, "llama2c");
  assert.equal(vocab.convention, "raw");
  assert.equal(vocab.tokens.length, 512);
  assert.deepEqual(vocab.tokens.slice(0, 3), ["<unk>", "\n<s>\n", "\n</s>\n"]);
  assert.deepEqual(vocab.kinds.slice(0, 4), ["unknown", "control", "control", "byte"]);
  assert.deepEqual(vocab.special, { unk: 0, bos: 1, eos: 2 });
  assert.deepEqual(vocab.tokens.slice(259, 262), [" t", "he", " a"]);
  assert.equal(vocab.scores?.[261], -2);
});

test(
  "Llama-2 tokenizer.bin vs llama-spm.gguf: 31,998 of 32,000 pieces identical (▁ → space) and every score identical",
  skipUnlessShared("real", "stories260k", "tokenizer.bin"),
  async () => {
    const bin = await readLlama2cTokenizer(shared("real", "stories260k", "tokenizer.bin")!);
    const gguf = await readGgufVocabulary(fixture("vocab", "llama-spm.gguf"));
    assert.equal(bin.tokens.length, 32000);
    const differing: number[] = [];
    let sameScores = 0;
    for (let id = 0; id < 32000; id++) {
      if (bin.tokens[id] !== gguf.tokens[id]!.replaceAll("▁", " ")) differing.push(id);
      if (bin.scores![id] === gguf.scores![id]) sameScores++;
    }
    assert.deepEqual(differing, [1, 2]); // "\n<s>\n" vs "<s>", "\n</s>\n" vs "</s>"
    assert.equal(sameScores, 32000);
  },
);

test("built tokenizer.bin is read to the end of the file", () => {
  const vocab = parseLlama2cTokenizer(
    llama2cTokenizer(6, [
      [0, "<unk>"],
      [0, "\n<s>\n"],
      [0, "\n</s>\n"],
      [-1, " ab"],
      [-2, ""],
    ]),
    "ok.bin",
  );
  assert.deepEqual(vocab.tokens, ["<unk>", "\n<s>\n", "\n</s>\n", " ab", ""]);
});

test("hostile tokenizer.bin: bad max_token_length, bad lengths, truncation; each against a control", () => {
  const good = llama2cTokenizer(8, [
    [0, "<unk>"],
    [-1, "abc"],
  ]);
  assert.equal(parseLlama2cTokenizer(good, "ok.bin").tokens.length, 2);
  rejects(llama2cTokenizer(0, [[0, "a"]]), /^max_token_length$/);
  rejects(llama2cTokenizer(1 << 30, [[0, "a"]]), /^max_token_length$/);
  rejects(llama2cTokenizer(2, [[0, "abc"]]), /^token #0 length$/);
  rejects(good.subarray(0, good.byteLength - 1), /^token #1 bytes$/);
  rejects(good.subarray(0, good.byteLength - 5), /^token #1$/);
  rejects(good.subarray(0, 4), /^tokens$/);
  rejects(good.subarray(0, 2), /^max_token_length$/);
  const negative = good.slice();
  new DataView(negative.buffer).setInt32(8, -5, true);
  rejects(negative, /^token #0 length$/);
});

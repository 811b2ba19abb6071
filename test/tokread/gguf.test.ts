import assert from "node:assert/strict";
import { test } from "node:test";
import { FormatError } from "../../src/errors.js";
import { parseGgufBytes } from "../../src/formats/gguf/header.js";
import { encodeGguf, type GgufTypedValue, gguf } from "../../src/formats/gguf/writer.js";
import { readGgufVocabulary, vocabularyFromGguf } from "../../src/tokenizers/readers/gguf.js";
import { fixture, shared, skipUnlessShared } from "../helpers.js";

function vocabularyOf(metadata: [string, GgufTypedValue][]) {
  return vocabularyFromGguf(parseGgufBytes(encodeGguf({ metadata }), "built.gguf"));
}

const base = (): [string, GgufTypedValue][] => [
  ["tokenizer.ggml.model", gguf.str("llama")],
  ["tokenizer.ggml.tokens", gguf.array("string", ["<unk>", "<s>", "</s>", "<0x0A>", "▁a"])],
  ["tokenizer.ggml.scores", gguf.array("float32", new Float32Array([0, 0, 0, 0, -1]))],
  ["tokenizer.ggml.token_type", gguf.array("int32", new Int32Array([2, 3, 3, 6, 1]))],
  ["tokenizer.ggml.bos_token_id", gguf.u32(1)],
  ["tokenizer.ggml.eos_token_id", gguf.u32(2)],
];

function rejects(metadata: [string, GgufTypedValue][], field: string): void {
  assert.throws(
    () => vocabularyOf(metadata),
    (error: unknown) => error instanceof FormatError && error.file === "built.gguf" && error.field === field,
  );
}

test("llama-spm.gguf: Llama-2's 32,000 SentencePiece pieces", async () => {
  const vocab = await readGgufVocabulary(fixture("vocab", "llama-spm.gguf"));
  assert.equal(vocab.source.format, "gguf");
  assert.equal(vocab.model, "bpe");
  assert.equal(vocab.convention, "metaspace");
  assert.equal(vocab.tokens.length, 32000);
  assert.equal(vocab.tokens[15043], "▁Hello");
  assert.deepEqual(vocab.special, { bos: 1, eos: 2, unk: 0 });
  assert.deepEqual(vocab.kinds.slice(0, 4), ["unknown", "control", "control", "byte"]);
  assert.deepEqual(vocab.settings, { byteFallback: true, addBos: true, addEos: false });
});

test("phi-3.gguf: 32,064 pieces, EOS moved to the appended <|endoftext|>", async () => {
  const vocab = await readGgufVocabulary(fixture("vocab", "phi-3.gguf"));
  assert.equal(vocab.tokens.length, 32064);
  assert.equal(vocab.tokens[32000], "<|endoftext|>");
  assert.equal(vocab.special.eos, 32000);
  assert.equal(vocab.kinds[2], "user-defined");
});

test("gpt-2.gguf and gpt-neox.gguf: byte-level BPE with merges and pre-tokenizer names", async () => {
  const gpt2 = await readGgufVocabulary(fixture("vocab", "gpt-2.gguf"));
  assert.equal(gpt2.convention, "byte-level");
  assert.equal(gpt2.tokens.length, 50257);
  assert.equal(gpt2.merges?.length, 50000);
  assert.equal(gpt2.merges?.[0], "Ġ t");
  assert.equal(gpt2.preTokenizer, "gpt-2");
  assert.equal(gpt2.special.eos, 50256);
  const neox = await readGgufVocabulary(fixture("vocab", "gpt-neox.gguf"));
  assert.equal(neox.tokens.length, 50432);
  assert.equal(neox.merges?.length, 50009);
  assert.deepEqual(neox.tokens.slice(0, 2), ["<|endoftext|>", "<|padding|>"]);
});

test("the zoo's quantized GGUF carries T1's vocabulary", async () => {
  const vocab = await readGgufVocabulary(fixture("zoo", "gguf", "base-a-q4_0.gguf"));
  assert.equal(vocab.tokens.length, 3000);
  assert.equal(vocab.tokens[259], "──");
});

test("built GGUF vocabularies: accepted as written; inconsistent ones refused naming the key", () => {
  const vocab = vocabularyOf(base());
  assert.deepEqual(vocab.tokens, ["<unk>", "<s>", "</s>", "<0x0A>", "▁a"]);
  assert.deepEqual(vocab.special, { bos: 1, eos: 2, unk: 0 });

  rejects(
    base().filter(([key]) => key !== "tokenizer.ggml.model"),
    "tokenizer.ggml.model",
  );
  rejects(
    base().map(([key, value]) => [key, key === "tokenizer.ggml.tokens" ? gguf.array("string", []) : value]),
    "tokenizer.ggml.tokens",
  );
  rejects(
    base().map(([key, value]) => [
      key,
      key === "tokenizer.ggml.scores" ? gguf.array("float32", new Float32Array(4)) : value,
    ]),
    "tokenizer.ggml.scores",
  );
  rejects(
    base().map(([key, value]) => [
      key,
      key === "tokenizer.ggml.token_type" ? gguf.array("int32", new Int32Array([2, 3, 3, 6, 9])) : value,
    ]),
    "tokenizer.ggml.token_type",
  );
  rejects(
    base().map(([key, value]) => [key, key === "tokenizer.ggml.eos_token_id" ? gguf.u32(5) : value]),
    "tokenizer.ggml.eos_token_id",
  );
  rejects(
    base().map(([key, value]) => [key, key === "tokenizer.ggml.tokens" ? gguf.str("oops") : value]),
    "tokenizer.ggml.tokens",
  );
});

test("a special id of 0xFFFFFFFF (uint32) or -1 (int32) is llama.cpp's 'no token': the role is absent, not guessed", () => {
  const withPad = (value: GgufTypedValue): [string, GgufTypedValue][] => [
    ...base().map(([key, v]): [string, GgufTypedValue] => [
      key,
      key === "tokenizer.ggml.tokens"
        ? gguf.array("string", ["<unk>", "<s>", "</s>", "<pad>", "▁a"])
        : key === "tokenizer.ggml.token_type"
          ? gguf.array("int32", new Int32Array([2, 3, 3, 3, 1]))
          : v,
    ]),
    ["tokenizer.ggml.padding_token_id", value],
  ];
  assert.deepEqual(vocabularyOf(withPad(gguf.u32(0xffffffff))).special, { bos: 1, eos: 2, unk: 0 });
  assert.deepEqual(vocabularyOf(withPad(gguf.i32(-1))).special, { bos: 1, eos: 2, unk: 0 });
  // Controls: a real id is taken; without the key, the control token spelled <pad> is guessed; any
  // other id outside the vocabulary is still refused.
  assert.deepEqual(vocabularyOf(withPad(gguf.u32(3))).special, { bos: 1, eos: 2, unk: 0, pad: 3 });
  assert.equal(vocabularyOf(withPad(gguf.u32(3)).slice(0, -1)).special.pad, 3);
  rejects(withPad(gguf.u32(0xfffffffe)), "tokenizer.ggml.padding_token_id");
});

test(
  "llama.cpp's stories260K.gguf (../shared): padding_token_id 0xFFFFFFFF reads as no padding token",
  skipUnlessShared("real", "stories260k", "stories260K.gguf"),
  async () => {
    const vocab = await readGgufVocabulary(shared("real", "stories260k", "stories260K.gguf")!);
    assert.equal(vocab.tokens.length, 512);
    assert.deepEqual(vocab.special, { bos: 1, eos: 2, unk: 0 });
  },
);

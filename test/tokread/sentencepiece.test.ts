import assert from "node:assert/strict";
import { test } from "node:test";
import { FormatError } from "../../src/errors.js";
import { parseSentencePiece, readSentencePiece } from "../../src/tokenizers/readers/sentencepiece.js";
import { fixture, shared, skipUnlessShared } from "../helpers.js";
import { floatField, lengthField, SPM_SPECIALS, sentencePieceModel, varintField } from "./build.js";

function rejects(bytes: Uint8Array, field: RegExp): void {
  assert.throws(
    () => parseSentencePiece(bytes, "bad.model"),
    (error: unknown) =>
      error instanceof FormatError && error.file === "bad.model" && field.test(error.field ?? ""),
  );
}

test("zoo T1: a 3,000-piece BPE with byte fallback, nmt_nfkc and Llama-style special ids", async () => {
  const vocab = await readSentencePiece(fixture("zoo", "tokenizers", "T1.model"));
  assert.equal(vocab.source.format, "sentencepiece");
  assert.equal(vocab.model, "bpe");
  assert.equal(vocab.convention, "metaspace");
  assert.equal(vocab.tokens.length, 3000);
  assert.deepEqual(vocab.tokens.slice(0, 4), ["<unk>", "<s>", "</s>", "<0x00>"]);
  assert.deepEqual(vocab.kinds.slice(0, 4), ["unknown", "control", "control", "byte"]);
  assert.equal(vocab.kinds.filter((kind) => kind === "byte").length, 256);
  assert.deepEqual(vocab.special, { unk: 0, bos: 1, eos: 2 });
  assert.deepEqual(vocab.settings, {
    byteFallback: true,
    addDummyPrefix: true,
    removeExtraWhitespaces: true,
    normalizer: "nmt_nfkc",
  });
  // BPE scores are minus the merge rank: the first merged piece (id 259) scores 0, the next -1 …
  assert.equal(vocab.scores?.[260], -1);
  assert.equal(vocab.scores?.[2999], -2740);
});

test("zoo T2 is a unigram model whose scores are log-probabilities", async () => {
  const vocab = await readSentencePiece(fixture("zoo", "tokenizers", "T2.model"));
  assert.equal(vocab.model, "unigram");
  assert.equal(vocab.tokens.length, 2500);
  assert.ok(vocab.scores !== undefined && vocab.scores[262]! < 0 && !Number.isInteger(vocab.scores[262]));
});

test(
  "Llama-2 tokenizer.model: 32,000 pieces, identity normalizer, whitespace kept",
  skipUnlessShared("real", "stories260k"),
  async () => {
    const vocab = await readSentencePiece(shared("real", "stories260k", "tokenizer.model")!);
    assert.equal(vocab.tokens.length, 32000);
    assert.equal(vocab.tokens[15043], "▁Hello");
    assert.equal(vocab.settings?.normalizer, "identity");
    assert.equal(vocab.settings?.removeExtraWhitespaces, false);
  },
);

test("built model: defaults apply when the specs are absent; stated fields are read", () => {
  const plain = parseSentencePiece(
    sentencePieceModel([...SPM_SPECIALS, { piece: "▁a", score: -1.5 }]),
    "ok.model",
  );
  assert.equal(plain.model, "unigram");
  assert.deepEqual(plain.special, { unk: 0, bos: 1, eos: 2 });
  assert.deepEqual(plain.kinds, ["unknown", "control", "control", "normal"]);
  assert.equal(plain.scores?.[3], -1.5);
  assert.equal(plain.settings?.addDummyPrefix, true);

  const stated = parseSentencePiece(
    sentencePieceModel(
      [{ piece: "<pad>", type: 3 }, ...SPM_SPECIALS, { piece: "x" }],
      [
        ...varintField(3, 2),
        ...varintField(35, 1),
        ...varintField(40, 1),
        ...varintField(41, 2),
        ...varintField(42, 3),
        ...varintField(43, 0),
      ],
      [...lengthField(1, "identity"), ...varintField(3, 0), ...varintField(5, 0)],
    ),
    "ok.model",
  );
  assert.equal(stated.model, "bpe");
  assert.equal(stated.convention, "raw");
  assert.deepEqual(stated.special, { unk: 1, bos: 2, eos: 3, pad: 0 });
  assert.deepEqual(stated.settings, {
    byteFallback: true,
    addDummyPrefix: false,
    removeExtraWhitespaces: true,
    normalizer: "identity",
  });
});

test("bos_id -1 (a 10-byte varint) means no BOS; an id past the pieces is refused", () => {
  const none = parseSentencePiece(sentencePieceModel(SPM_SPECIALS, varintField(41, -1)), "ok.model");
  assert.equal(none.special.bos, undefined);
  rejects(sentencePieceModel(SPM_SPECIALS, varintField(41, 3)), /^trainer_spec\.bos_id$/);
});

test("truncated files are refused naming the field being read; the whole file is accepted", async () => {
  const { readFile } = await import("node:fs/promises");
  const bytes = new Uint8Array(await readFile(fixture("zoo", "tokenizers", "T1.model")));
  assert.equal(parseSentencePiece(bytes, "T1.model").tokens.length, 3000);
  rejects(bytes.subarray(0, 20_001), /^pieces\[\d+\]/);
  rejects(bytes.subarray(0, bytes.byteLength - 3), /^normalizer_spec/);
});

test("malformed fields are FormatErrors: piece type, wire type, varint, empty piece, groups", () => {
  const good = sentencePieceModel([...SPM_SPECIALS, { piece: "a", type: 1 }]);
  assert.equal(parseSentencePiece(good, "ok.model").tokens.length, 4);
  rejects(sentencePieceModel([...SPM_SPECIALS, { piece: "a", type: 9 }]), /^pieces\[3\]\.type$/);
  // score written as a varint instead of a fixed32
  rejects(
    Uint8Array.from(lengthField(1, [...lengthField(1, "a"), ...varintField(2, 5)])),
    /^pieces\[0\]\.score$/,
  );
  rejects(
    Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
    /^pieces\[0\]$/,
  );
  rejects(sentencePieceModel([{ piece: "" }]), /^pieces\[0\]\.piece$/);
  rejects(Uint8Array.from([0x0b]), /^field 1$|^tag$|^pieces$/);
  rejects(
    Uint8Array.from(lengthField(1, [...lengthField(1, [0xff, 0xfe]), ...floatField(2, 0)])),
    /^pieces\[0\]\.piece$/,
  );
  rejects(new Uint8Array(0), /^pieces$/);
});

test("a piece longer than MAX_TOKEN_BYTES is refused; one at the limit is read", () => {
  const long = "x".repeat(64 * 1024);
  assert.equal(
    parseSentencePiece(sentencePieceModel([{ piece: long }]), "ok.model").tokens[0]!.length,
    long.length,
  );
  rejects(sentencePieceModel([{ piece: `${long}x` }]), /^pieces\[0\]/);
});

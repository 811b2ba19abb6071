import assert from "node:assert/strict";
import { test } from "node:test";
import { FormatError } from "../../src/errors.js";
import { parseTokenizerJson } from "../../src/tokenizers/readers/tokenizer-json.js";
import { tokenBytes } from "../../src/tokenizers/token-bytes.js";

/** A GPT-2-style byte-level BPE tokenizer.json, as `tokenizers` writes it. */
function byteLevelBpe(merges: unknown[] = ["Ġ t", "Ġt he"]): Record<string, unknown> {
  return {
    version: "1.0",
    added_tokens: [{ id: 5, content: "<|endoftext|>", special: true }],
    normalizer: null,
    pre_tokenizer: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
    decoder: { type: "ByteLevel" },
    model: { type: "BPE", vocab: { Ġ: 0, t: 1, he: 2, Ġt: 3, Ġthe: 4 }, merges },
  };
}

/** A Llama-2-style metaspace BPE with byte fallback (Replace normalizer, no Metaspace component). */
function llamaStyle(): Record<string, unknown> {
  return {
    added_tokens: [
      { id: 0, content: "<unk>", special: true },
      { id: 1, content: "<s>", special: true },
      { id: 2, content: "</s>", special: true },
    ],
    normalizer: {
      type: "Sequence",
      normalizers: [
        { type: "Prepend", prepend: "▁" },
        { type: "Replace", pattern: { String: " " }, content: "▁" },
      ],
    },
    pre_tokenizer: null,
    decoder: {
      type: "Sequence",
      decoders: [{ type: "Replace", pattern: { String: "▁" }, content: " " }, { type: "ByteFallback" }],
    },
    model: {
      type: "BPE",
      byte_fallback: true,
      unk_token: "<unk>",
      vocab: { "<unk>": 0, "<s>": 1, "</s>": 2, "<0x0A>": 3, "▁t": 4, "▁the": 5 },
      merges: ["▁ t", "▁t he"],
    },
  };
}

function rejects(json: unknown, field: RegExp): void {
  assert.throws(
    () => parseTokenizerJson(json, "bad.json"),
    (error: unknown) =>
      error instanceof FormatError && error.file === "bad.json" && field.test(error.field ?? ""),
  );
}

test("byte-level BPE: vocab, merges as strings or as pairs, added special token, convention", () => {
  for (const merges of [
    ["Ġ t", "Ġt he"],
    [
      ["Ġ", "t"],
      ["Ġt", "he"],
    ],
  ]) {
    const vocab = parseTokenizerJson(byteLevelBpe(merges), "tokenizer.json");
    assert.equal(vocab.model, "bpe");
    assert.equal(vocab.convention, "byte-level");
    assert.deepEqual(vocab.tokens, ["Ġ", "t", "he", "Ġt", "Ġthe", "<|endoftext|>"]);
    assert.deepEqual(vocab.merges, ["Ġ t", "Ġt he"]);
    assert.equal(vocab.kinds[5], "control");
    assert.equal(vocab.special.eos, 5);
    assert.equal(vocab.preTokenizer, "ByteLevel");
    assert.equal(new TextDecoder().decode(tokenBytes(vocab, 4)), " the");
  }
});

test("Llama-2-style tokenizer.json: metaspace from Replace steps, byte pieces, roles from tokenizer_config", () => {
  const vocab = parseTokenizerJson(llamaStyle(), "tokenizer.json", {
    bos_token: { content: "<s>" },
    eos_token: "</s>",
  });
  assert.equal(vocab.convention, "metaspace");
  assert.deepEqual(vocab.kinds, ["control", "control", "control", "byte", "normal", "normal"]);
  assert.deepEqual(vocab.special, { bos: 1, eos: 2, unk: 0 });
  assert.equal(vocab.settings?.byteFallback, true);
  assert.deepEqual([...tokenBytes(vocab, 3)], [0x0a]);
  assert.equal(new TextDecoder().decode(tokenBytes(vocab, 5)), " the");
});

test("Unigram with scores and a Metaspace pre-tokenizer; WordPiece with ## continuations", () => {
  const unigram = parseTokenizerJson(
    {
      pre_tokenizer: { type: "Metaspace", replacement: "▁" },
      model: {
        type: "Unigram",
        unk_id: 0,
        vocab: [
          ["<unk>", 0],
          ["▁a", -1.25],
          ["b", -3.5],
        ],
      },
    },
    "tokenizer.json",
  );
  assert.equal(unigram.model, "unigram");
  assert.equal(unigram.convention, "metaspace");
  assert.deepEqual([...unigram.scores!], [0, -1.25, -3.5]);
  assert.deepEqual(unigram.kinds, ["unknown", "normal", "normal"]);

  const wordpiece = parseTokenizerJson(
    {
      added_tokens: [
        { id: 0, content: "[PAD]", special: true },
        { id: 1, content: "[CLS]", special: true },
      ],
      model: {
        type: "WordPiece",
        unk_token: "[UNK]",
        vocab: { "[PAD]": 0, "[CLS]": 1, "[UNK]": 2, play: 3, "##ing": 4 },
      },
    },
    "tokenizer.json",
  );
  assert.equal(wordpiece.convention, "wordpiece");
  assert.deepEqual(wordpiece.special, { unk: 2, pad: 0, cls: 1 });
  assert.equal(new TextDecoder().decode(tokenBytes(wordpiece, 3)), " play");
  assert.equal(new TextDecoder().decode(tokenBytes(wordpiece, 4)), "ing");
});

test("ids model.vocab leaves free read as empty unused slots", () => {
  const json = byteLevelBpe();
  const model = json.model as { vocab: Record<string, number> };
  model.vocab = { Ġ: 0, t: 1, he: 2, Ġt: 3, Ġthe: 7 };
  (json.added_tokens as unknown[]).length = 0;
  const vocab = parseTokenizerJson(json, "tokenizer.json");
  assert.equal(vocab.tokens.length, 8);
  assert.deepEqual(vocab.kinds.slice(3), ["normal", "unused", "unused", "unused", "normal"]);
});

test("added tokens take ids as Hugging Face tokenizers gives them: by content, from the model's size up, with a note", () => {
  const json = byteLevelBpe();
  (json.added_tokens as unknown[]).push(
    { id: 8, content: "<extra>", special: false }, // declared past a gap: HF numbers it 6
    { id: 2, content: "<over>", special: true }, // declared on "he": HF numbers it 7, "he" stays
    { id: 9, content: "Ġthe", special: false }, // restates a vocabulary token: keeps id 4
  );
  const vocab = parseTokenizerJson(json, "tokenizer.json");
  assert.deepEqual(vocab.tokens, ["Ġ", "t", "he", "Ġt", "Ġthe", "<|endoftext|>", "<extra>", "<over>"]);
  assert.deepEqual(vocab.kinds.slice(4), ["user-defined", "control", "user-defined", "control"]);
  assert.equal(vocab.notes?.length, 3);
  assert.match(
    vocab.notes![0]!,
    /added_tokens\[1\] "<extra>" declares id 8; Hugging Face tokenizers gives it id 6/,
  );
  assert.match(vocab.notes![1]!, /"<over>" declares id 2 \(the vocabulary's "he"\); .* gives it id 7/);
  assert.match(
    vocab.notes![2]!,
    /"Ġthe" declares id 9; .* gives it id 4, where the vocabulary already holds it/,
  );
  // control: a file whose declared ids are HF's own reads without notes
  assert.equal(parseTokenizerJson(byteLevelBpe(), "ok.json").notes, undefined);
});

test("malformed tokenizer.json is refused naming the field; each has an accepted control", () => {
  assert.equal(parseTokenizerJson(byteLevelBpe(), "ok.json").tokens.length, 6);
  rejects(byteLevelBpe(["Ġ t", 7]), /^model\.merges\[1\]$/);
  rejects({ model: { type: "BPE", vocab: { a: 0, b: 0 }, merges: [] } }, /^model\.vocab\["b"\]$/);
  rejects({ model: { type: "BPE", vocab: { a: -1 }, merges: [] } }, /^model\.vocab\["a"\]$/);
  rejects({ model: { type: "BPE", vocab: { a: 2 ** 40 }, merges: [] } }, /^model\.vocab\["a"\]$/);
  rejects({ model: { type: "Fancy", vocab: {} } }, /^model\.type$/);
  rejects({ model: { type: "Unigram", vocab: [["a"]] } }, /^model\.vocab\[0\]$/);
  rejects({ model: { type: "BPE", vocab: {}, merges: [] } }, /^model\.vocab$/);
  const badAdded = byteLevelBpe();
  badAdded.added_tokens = [{ id: -1, content: "<x>", special: true }];
  rejects(badAdded, /^added_tokens\[0\]\.id$/);
  badAdded.added_tokens = [{ id: 1, special: true }];
  rejects(badAdded, /^added_tokens\[0\]$/);
  rejects([], /^$/);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { readVocabulary } from "../../src/tokenizers/read.js";
import {
  BYTE_TO_UNICODE,
  bytesToByteLevel,
  describeKey,
  tokenKey,
  tokenKeys,
  tokenStringBytes,
  UNICODE_TO_BYTE,
} from "../../src/tokenizers/token-bytes.js";
import { fixture } from "../helpers.js";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

test("GPT-2's byte-to-unicode map is a bijection with the known anchors", () => {
  assert.equal(new Set(BYTE_TO_UNICODE).size, 256);
  assert.equal(UNICODE_TO_BYTE.size, 256);
  assert.equal(BYTE_TO_UNICODE[0x20], "Ġ");
  assert.equal(BYTE_TO_UNICODE[0x0a], "Ċ");
  assert.equal(BYTE_TO_UNICODE[0x41], "A");
  assert.equal(BYTE_TO_UNICODE[0xad], "Ń");
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  assert.deepEqual(tokenStringBytes(bytesToByteLevel(all), "byte-level"), all);
});

test("each convention spells ' the' its own way and all mean the same bytes", () => {
  assert.equal(text(tokenStringBytes("▁the", "metaspace")), " the");
  assert.equal(text(tokenStringBytes("Ġthe", "byte-level")), " the");
  assert.equal(text(tokenStringBytes("the", "wordpiece")), " the");
  assert.equal(text(tokenStringBytes("##the", "wordpiece")), "the");
  assert.equal(text(tokenStringBytes(" the", "raw")), " the");
  // byte-level multi-byte characters: "é" is bytes C3 A9, spelled "Ã©"
  assert.equal(text(tokenStringBytes("Ã©", "byte-level")), "é");
});

test("byte pieces, special tokens and added tokens", () => {
  assert.deepEqual([...tokenStringBytes("<0xE6>", "metaspace", "byte")], [0xe6]);
  assert.deepEqual(
    [...tokenStringBytes("<0xE6>", "metaspace", "normal")],
    [...new TextEncoder().encode("<0xE6>")],
  );
  assert.equal(text(tokenStringBytes("\n<s>\n", "raw", "control")), "<s>");
  assert.equal(text(tokenStringBytes("<|im_start|>", "byte-level", "user-defined")), "<|im_start|>");
  assert.equal(
    text(tokenStringBytes("<｜begin▁of▁sentence｜>", "byte-level", "user-defined")),
    "<｜begin▁of▁sentence｜>",
  );
  assert.equal(
    text(tokenStringBytes("<｜begin▁of▁sentence｜>", "byte-level", "control")),
    "<｜begin▁of▁sentence｜>",
  );
});

test("keys: a byte piece differs from the same byte as text; llama2.c's BOS equals SentencePiece's", async () => {
  const spm = await readVocabulary(fixture("vocab", "llama-spm.gguf"));
  const bin = await readVocabulary(fixture("stories260k", "tok512.bin"));
  assert.equal(tokenKey(spm, 1), tokenKey(bin, 1));
  assert.equal(tokenKey(spm, 3 + 0x41), "bA");
  assert.notEqual(tokenKey(spm, 3 + 0x41), `t${"A"}`);
  const keys = tokenKeys(bin);
  assert.deepEqual(keys.slice(259, 261), ["t t", "the"]);
  assert.equal(keys.slice(0, 259).join("|"), tokenKeys(spm).slice(0, 259).join("|"));
  assert.equal(describeKey("bA"), "<0x41>");
  assert.equal(describeKey(tokenKey(spm, 15043)), '" Hello"');
});

test("GPT-2 (byte-level GGUF) and GPT-NeoX keys share ' the' although their ids differ", async () => {
  const gpt2 = await readVocabulary(fixture("vocab", "gpt-2.gguf"));
  const neox = await readVocabulary(fixture("vocab", "gpt-neox.gguf"));
  const the2 = gpt2.tokens.indexOf("Ġthe");
  const theNeox = neox.tokens.indexOf("Ġthe");
  assert.equal(tokenKey(gpt2, the2), "t the");
  assert.equal(tokenKey(neox, theNeox), "t the");
  assert.notEqual(the2, theNeox);
});

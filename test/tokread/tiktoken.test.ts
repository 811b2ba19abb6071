import assert from "node:assert/strict";
import { test } from "node:test";
import { FormatError } from "../../src/errors.js";
import { parseTiktoken } from "../../src/tokenizers/readers/tiktoken.js";
import { tokenBytes } from "../../src/tokenizers/token-bytes.js";

const b64 = (text: string | number[]) =>
  Buffer.from(typeof text === "string" ? text : Uint8Array.from(text)).toString("base64");

function rejects(text: string, field: RegExp | undefined): void {
  assert.throws(
    () => parseTiktoken(text, "bad.tiktoken"),
    (error: unknown) =>
      error instanceof FormatError &&
      error.file === "bad.tiktoken" &&
      (field === undefined ? error.field === undefined : field.test(error.field ?? "")),
  );
}

test("rank lines become byte-level tokens whose bytes are exactly the decoded base64", () => {
  const text = [`${b64("!")} 0`, `${b64(" the")} 1`, `${b64([0xff, 0x0a])} 3`, `${b64("\n\n")} 2`, ""].join(
    "\n",
  );
  const vocab = parseTiktoken(text, "ok.tiktoken");
  assert.equal(vocab.model, "tiktoken");
  assert.equal(vocab.convention, "byte-level");
  assert.deepEqual(vocab.tokens, ["!", "Ġthe", "ĊĊ", "ÿĊ"]);
  assert.deepEqual([...tokenBytes(vocab, 3)], [0xff, 0x0a]);
  const gapped = parseTiktoken(`${b64("a")} 0\r\n${b64("b")} 2\r\n`, "ok.tiktoken");
  assert.deepEqual(gapped.tokens, ["a", "", "b"]);
  assert.deepEqual(gapped.kinds, ["normal", "unused", "normal"]);
});

test("malformed rank files are refused naming the line; the same lines well-formed are accepted", () => {
  assert.equal(parseTiktoken(`${b64("a")} 0\n${b64("b")} 1`, "ok.tiktoken").tokens.length, 2);
  rejects(`${b64("a")} 0\n${b64("b")} 0`, /^line 2$/);
  rejects(`${b64("a")} 0\nnot a line`, /^line 2$/);
  rejects(`${b64("a")} 99999999999`, /^line 1$/);
  rejects(` 0`, /^line 1$/);
  rejects("", undefined);
});

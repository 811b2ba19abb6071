/**
 * The zoo's SentencePiece tokenizers (T1, T1x: BPE with byte fallback; T2: unigram; all `nmt_nfkc`,
 * whitespace collapsing) against ids from the real SentencePiece library (python3-sentencepiece
 * 0.1.97, `SentencePieceProcessor.encode(text)`), committed in fixtures/tokenc.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { createEncoder } from "../../src/tokenizers/encode/create-encoder.js";
import { readVocabulary } from "../../src/tokenizers/read.js";
import { fixture } from "../helpers.js";

interface SentencePieceVectors {
  texts: string[];
  ids: Record<string, number[][]>;
}

const vectors = JSON.parse(
  readFileSync(fixture("tokenc", "zoo-sentencepiece-vectors.json"), "utf8"),
) as SentencePieceVectors;

for (const [name, kind] of [
  ["T1", "sentencepiece-bpe"],
  ["T1x", "sentencepiece-bpe"],
  ["T2", "unigram"],
] as const) {
  test(`${name}.model encodes exactly like SentencePiece`, async () => {
    const encoder = createEncoder(await readVocabulary(fixture("zoo", "tokenizers", `${name}.model`)));
    assert.equal(encoder.kind, kind);
    const expected = vectors.ids[name];
    assert.ok(expected !== undefined && expected.length === vectors.texts.length && expected.length > 150);
    vectors.texts.forEach((text, i) => {
      assert.deepEqual(encoder.encode(text), expected[i], `${name} text ${i}: ${JSON.stringify(text)}`);
    });
  });
}

test("T1 without its nmt_nfkc normalizer no longer matches (the settings matter)", async () => {
  const encoder = createEncoder(await readVocabulary(fixture("zoo", "tokenizers", "T1.model")), {
    nfkc: false,
    removeExtraWhitespace: false,
  });
  const i = vectors.texts.indexOf("ｆｕｌｌｗｉｄｔｈ ①②");
  assert.ok(i >= 0);
  assert.notDeepEqual(encoder.encode(vectors.texts[i] as string), vectors.ids.T1?.[i]);
});

test("user-defined pieces are always whole, and the dummy prefix belongs to the whole text, as in SentencePiece", async () => {
  // spm-user-defined.model: a BPE model with byte fallback and user_defined_symbols <tool_call>,
  // </tool_call>, <think>, trained by SentencePiece 0.1.97; the ids are its own encode().
  const reference = JSON.parse(readFileSync(fixture("tokenc", "spm-user-defined-vectors.json"), "utf8")) as {
    texts: string[];
    ids: number[][];
  };
  const vocabulary = await readVocabulary(fixture("tokenc", "spm-user-defined.model"));
  assert.deepEqual(vocabulary.kinds.slice(3, 6), ["user-defined", "user-defined", "user-defined"]);
  const encoder = createEncoder(vocabulary);
  reference.texts.forEach((text, i) => {
    assert.deepEqual(encoder.encode(text), reference.ids[i], `text ${i}: ${JSON.stringify(text)}`);
  });
  // control: with llama.cpp's per-segment prefix the text after a leading piece gets a "▁" instead
  const perSegment = createEncoder(vocabulary, { prefixScope: "segment" });
  assert.notDeepEqual(perSegment.encode("<tool_call>x</tool_call>"), reference.ids[0]);
});

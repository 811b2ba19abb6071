/**
 * The tokenizer cases of ../shared/cases (rebuilt from real failure reports), each with the right
 * answer its README gives: llama.cpp's ids for the SentencePiece-BPE tokenizer.json, whole added
 * tokens, and reading the added-token variants the way Hugging Face tokenizers does.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { createEncoder } from "../../src/tokenizers/encode/create-encoder.js";
import { readVocabulary } from "../../src/tokenizers/read.js";
import { parseTokenizerJson } from "../../src/tokenizers/readers/tokenizer-json.js";
import { loadTokenCounter } from "../../src/tokenizers/token-counter.js";
import { fixture, shared, skipUnlessShared } from "../helpers.js";
import { readTokenVectors } from "./vectors.js";

const cases = (...parts: string[]) => shared("cases", ...parts) as string;

test(
  "SentencePiece-BPE tokenizer.json (merges as pairs, no scores) gives exactly llama.cpp's Llama-2 ids, merges spelled either way",
  skipUnlessShared("cases", "tokjson-spm-bpe-merges"),
  () => {
    const path = cases("tokjson-spm-bpe-merges", "pairs", "tokenizer.json");
    const json = JSON.parse(readFileSync(path, "utf8")) as { model: { merges: [string, string][] } };
    const vectors = readTokenVectors(shared("real", "vocab", "llama-spm.gguf") as string)!;
    assert.ok(vectors.texts.length >= 45);
    const asPairs = parseTokenizerJson(json, path);
    assert.equal(asPairs.scores, undefined);
    const asStrings = parseTokenizerJson(
      { ...json, model: { ...json.model, merges: json.model.merges.map(([l, r]) => `${l} ${r}`) } },
      path,
    );
    for (const vocabulary of [asPairs, asStrings]) {
      const encoder = createEncoder(vocabulary);
      vectors.texts.forEach((text, i) => {
        assert.deepEqual(encoder.encode(text), vectors.ids[i], `text ${i}: ${JSON.stringify(text)}`);
      });
    }
    // control: without its merge list (every piece scoring alike) the same file gets " Hello" wrong
    const unranked = createEncoder({ ...asPairs, merges: undefined });
    const i = vectors.texts.indexOf("  Hello");
    assert.ok(i >= 0);
    assert.notDeepEqual(unranked.encode(vectors.texts[i] as string), vectors.ids[i]);
  },
);

test(
  'added tokens that are not special are matched whole: tokenizer.json "special": false and GGUF type 4',
  skipUnlessShared("cases", "tokjson-added-tokens"),
  async () => {
    for (const path of [
      cases("tokjson-added-tokens", "nonspecial-added", "tokenizer.json"),
      cases("tokjson-added-tokens", "user-defined.gguf"),
    ]) {
      const counter = await loadTokenCounter(path);
      assert.deepEqual(counter.encode("<tool_call>x</tool_call>"), [5257, 87, 5258], path);
      assert.equal(counter.count("a<tool_call>"), 2, path);
      // control tokens still need --parse-special
      assert.equal(counter.encode("<|endoftext|>").includes(5256), false, path);
      const parsing = await loadTokenCounter(path, { parseSpecial: true });
      assert.deepEqual(parsing.encode("<|endoftext|>"), [5256], path);
    }
    // control: without the added entries the same text splits into sub-words
    const restated = await loadTokenCounter(cases("tokjson-added-tokens", "restated", "tokenizer.json"));
    assert.equal(restated.count("<tool_call>x</tool_call>"), 15);
  },
);

test(
  "added-token variants read as Hugging Face tokenizers reads them: restated once, ids by content, notes",
  skipUnlessShared("cases", "tokjson-added-tokens"),
  async () => {
    const read = (name: string) => readVocabulary(cases("tokjson-added-tokens", name, "tokenizer.json"));
    const restated = await read("restated");
    assert.equal(restated.tokens.length, 5257); // <|endoftext|> in model.vocab and added_tokens: once
    assert.equal(restated.tokens[5256], "<|endoftext|>");
    assert.equal(restated.kinds[5256], "control");
    assert.equal(restated.notes, undefined);

    const plusNew = await read("restated-plus-new");
    assert.deepEqual(plusNew.tokens.slice(5256), ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]);
    assert.equal(plusNew.notes, undefined);

    // <|reserved_10|> declares 5266; HF numbers new content from the model's 5,257 tokens: 5257
    const gap = await read("gap");
    assert.equal(gap.tokens.length, 5258);
    assert.equal(gap.tokens[5257], "<|reserved_10|>");
    assert.equal(gap.notes?.length, 1);
    assert.match(
      gap.notes![0]!,
      /"<\|reserved_10\|>" declares id 5266; Hugging Face tokenizers gives it id 5257/,
    );

    // <|fim_prefix|> declares id 100, held by "§": HF gives it 5257 and "§" keeps 100
    const override = await read("override");
    assert.equal(override.tokens[100], "§");
    assert.equal(override.tokens[5257], "<|fim_prefix|>");
    assert.match(override.notes![0]!, /declares id 100 \(the vocabulary's "§"\)/);
    const counter = await loadTokenCounter(cases("tokjson-added-tokens", "override", "tokenizer.json"), {
      parseSpecial: true,
    });
    assert.deepEqual(counter.encode("<|fim_prefix|>"), [5257]);
    assert.deepEqual(counter.encode("§"), [126, 100]); // U+00A7 is the bytes C2 A7: "Â" and byte-level "§"

    // two byte atoms (À, Á: never in UTF-8) missing: 5,255 tokens, and text still encodes
    const missing = await read("missing-byte-atoms");
    assert.equal(missing.tokens.length, 5255);
    assert.ok(!missing.tokens.includes("À") && !missing.tokens.includes("Á"));
    const bytes = createEncoder(missing).encode("Àé 车");
    assert.ok(bytes.length > 0 && bytes.every((id) => id >= 0 && id < 5255));
  },
);

test(
  "added and special tokens cut the text as Hugging Face tokenizers cuts it (its own ids, parse-special on)",
  skipUnlessShared("cases"),
  async () => {
    // Recorded from @huggingface/tokenizers@0.2.0 (HF always cuts added tokens out, special or not;
    // lineage does so for special ones with --parse-special).
    const reference = JSON.parse(readFileSync(fixture("tokenc", "hf-added-tokens-vectors.json"), "utf8")) as {
      cases: Record<string, { texts: string[]; ids: number[][] }>;
    };
    for (const [name, { texts, ids }] of Object.entries(reference.cases)) {
      const counter = await loadTokenCounter(cases(...name.split("/"), "tokenizer.json"), {
        parseSpecial: true,
      });
      texts.forEach((text, i) => {
        assert.deepEqual(counter.encode(text), ids[i], `${name}: ${JSON.stringify(text)}`);
      });
    }
  },
);

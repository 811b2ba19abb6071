/**
 * Live reference counters for the OpenAI tiktoken encodings (gpt-tokenizer): r50k (GPT-2/3),
 * p50k (Codex), cl100k (GPT-3.5/4), o200k (GPT-4o). Exact, offline, no vocabulary download.
 */
import { countTokens as cl100k } from "gpt-tokenizer/encoding/cl100k_base";
import { countTokens as o200k } from "gpt-tokenizer/encoding/o200k_base";
import { countTokens as p50k } from "gpt-tokenizer/encoding/p50k_base";
import { countTokens as r50k } from "gpt-tokenizer/encoding/r50k_base";
import type { TokenCounter } from "../../tokenizers/counter.js";

export const TIKTOKEN_COUNTERS: readonly TokenCounter[] = [
  { family: "cl100k", count: (text) => cl100k(text) },
  { family: "o200k", count: (text) => o200k(text) },
  { family: "p50k", count: (text) => p50k(text) },
  { family: "r50k", count: (text) => r50k(text) },
];

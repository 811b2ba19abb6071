/** Real reference tokenizers (gpt-tokenizer's tiktoken encodings) as TokenCounters for the tests. */
import { countTokens as cl100k } from "gpt-tokenizer/encoding/cl100k_base";
import { countTokens as o200k } from "gpt-tokenizer/encoding/o200k_base";
import { countTokens as p50k } from "gpt-tokenizer/encoding/p50k_base";
import { countTokens as r50k } from "gpt-tokenizer/encoding/r50k_base";
import type { TokenCounter } from "../../src/tokenizers/counter.js";

export const GPT_COUNTERS: readonly TokenCounter[] = [
  { family: "cl100k", count: (text) => cl100k(text) },
  { family: "o200k", count: (text) => o200k(text) },
  { family: "p50k", count: (text) => p50k(text) },
  { family: "r50k", count: (text) => r50k(text) },
];

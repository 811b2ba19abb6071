import type { Command } from "commander";
import { registerTokenizerCompare } from "./tokenizer-compare.js";
import { registerTokenizerCount } from "./tokenizer-count.js";
import { registerTokenizerIdentify } from "./tokenizer-identify.js";

export function registerTokenizer(program: Command): void {
  const tokenizer = program.command("tokenizer").description("read, compare and identify tokenizers");
  registerTokenizerCompare(tokenizer);
  registerTokenizerIdentify(tokenizer);
  registerTokenizerCount(tokenizer);
}

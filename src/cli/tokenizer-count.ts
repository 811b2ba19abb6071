import type { Command } from "commander";
import { loadTokenCounter } from "../tokenizers/token-counter.js";
import { printJson, printLines } from "./output.js";

interface CountOptions {
  tokenizer: string;
  json?: boolean;
  tokens?: boolean;
  parseSpecial?: boolean;
}

export function registerTokenizerCount(program: Command): void {
  program
    .command("count")
    .description("count the tokens of a text exactly (no BOS/EOS, no chat template)")
    .argument("<text>", "the text to encode")
    .requiredOption(
      "--tokenizer <path|family>",
      "tokenizer file, model folder, or built-in family (cl100k, o200k, gpt-2, p50k)",
    )
    .option("--tokens", "also list the token ids and pieces")
    .option("--parse-special", "encode special-token strings such as <|im_start|> as single tokens")
    .option("--json", "print the result as JSON")
    .action(async (text: string, options: CountOptions) => {
      const counter = await loadTokenCounter(options.tokenizer, {
        parseSpecial: options.parseSpecial === true,
      });
      const ids = counter.encode(text);
      const tokens = ids.map((id) => ({ id, piece: counter.piece(id) ?? null }));
      if (options.json) {
        printJson({
          tokenizer: counter.source,
          family: counter.family,
          count: ids.length,
          ...(options.tokens ? { tokens } : {}),
        });
        return;
      }
      const lines = [`${ids.length} tokens (${counter.source}, family ${counter.family})`];
      if (options.tokens) {
        for (const token of tokens)
          lines.push(
            `  ${String(token.id).padStart(7)}  ${token.piece === null ? "" : JSON.stringify(token.piece)}`,
          );
      }
      printLines(lines);
    });
}

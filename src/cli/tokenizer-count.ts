import type { Command } from "commander";
import { UsageError } from "../errors.js";
import { BUILT_IN_FAMILIES } from "../tokenizers/reference/family-sources.js";
import { loadTokenCounter } from "../tokenizers/token-counter.js";
import { printJson, printLines } from "./output.js";

interface CountOptions {
  tokenizer: string;
  json?: boolean;
  tokens?: boolean;
  parseSpecial?: boolean;
}

/** Text read from standard input for `count -`: a whole book is ~1 MB; 256 MiB is not a prompt. */
const MAX_STDIN_BYTES = 256 * 1024 * 1024;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of process.stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    total += buffer.byteLength;
    if (total > MAX_STDIN_BYTES) {
      throw new UsageError(`standard input is larger than ${MAX_STDIN_BYTES} bytes`, { field: "<text>" });
    }
    chunks.push(buffer);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

export function registerTokenizerCount(program: Command): void {
  program
    .command("count")
    .description("count the tokens of a text exactly (no BOS/EOS, no chat template)")
    .argument("<text>", "the text to encode, or - to read it from standard input")
    .requiredOption(
      "--tokenizer <path|family>",
      `tokenizer file, model folder, or built-in family (${BUILT_IN_FAMILIES.join(", ")})`,
    )
    .option("--tokens", "also list the token ids and pieces")
    .option("--parse-special", "encode control-token strings such as <|im_start|> as single tokens")
    .option("--json", "print the result as JSON")
    .action(async (argument: string, options: CountOptions) => {
      const text = argument === "-" ? await readStdin() : argument;
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
          ...(counter.notes.length === 0 ? {} : { notes: counter.notes }),
          ...(options.tokens ? { tokens } : {}),
        });
        return;
      }
      const noun = ids.length === 1 ? "token" : "tokens";
      const lines = [`${ids.length} ${noun} (${counter.source}, family ${counter.family})`];
      for (const note of counter.notes) lines.push(`note: ${note}`);
      if (options.tokens) {
        for (const token of tokens)
          lines.push(
            `  ${String(token.id).padStart(7)}  ${token.piece === null ? "" : JSON.stringify(token.piece)}`,
          );
      }
      printLines(lines);
    });
}

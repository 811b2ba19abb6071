/**
 * Token counters that run in the repo without the heavy reference packages: the tiktoken-style
 * families through gpt-tokenizer (which ships their real rank files).
 */
import { UsageError } from "../../errors.js";
import type { TokenCounter } from "../counter.js";

interface TiktokenModule {
  encode(text: string, options: { disallowedSpecial?: Set<string>; allowedSpecial?: "all" }): number[];
  decode(ids: number[]): string;
}

const TIKTOKEN_MODULES: Record<string, () => Promise<TiktokenModule>> = {
  "gpt-2": () => import("gpt-tokenizer/encoding/r50k_base"),
  p50k: () => import("gpt-tokenizer/encoding/p50k_base"),
  cl100k: () => import("gpt-tokenizer/encoding/cl100k_base"),
  o200k: () => import("gpt-tokenizer/encoding/o200k_base"),
};

/** Families `loadLiveTokenEncoder` can encode without a vocabulary file. */
export const LIVE_FAMILIES: readonly string[] = Object.keys(TIKTOKEN_MODULES);

/** Encodes text to token ids; special-token strings in the text are encoded as plain text unless the
 * encoder was loaded with `parseSpecial`. */
export interface LiveEncoder {
  family: string;
  encode(text: string): number[];
  /** The text of one token (U+FFFD where it holds part of a character). */
  piece(id: number): string;
}

export async function loadLiveTokenEncoder(family: string, parseSpecial = false): Promise<LiveEncoder> {
  const load = TIKTOKEN_MODULES[family];
  if (load === undefined) {
    throw new UsageError(`no built-in encoder for family '${family}' (have: ${LIVE_FAMILIES.join(", ")})`, {
      field: "family",
    });
  }
  const module = await load();
  const plain = new Set<string>();
  return {
    family,
    encode: (text) =>
      module.encode(text, parseSpecial ? { allowedSpecial: "all" } : { disallowedSpecial: plain }),
    piece: (id) => module.decode([id]),
  };
}

/** A {@link TokenCounter} for one of {@link LIVE_FAMILIES}. */
export async function loadLiveTokenCounter(family: string): Promise<TokenCounter> {
  const encoder = await loadLiveTokenEncoder(family);
  return { family, count: (text) => encoder.encode(text).length };
}

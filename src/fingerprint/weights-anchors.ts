/**
 * Anchor tokens: a fixed, priority-ordered list of strings that most vocabularies hold as single
 * tokens, so two models with different tokenizers can be compared on the same token identities.
 * Token strings are first turned into the text they stand for (`▁the` and `Ġthe` both become `" the"`),
 * through the tokenizer area's `tokenStringBytes`.
 */
import { tokenStringBytes } from "../tokenizers/token-bytes.js";
import type { TokenConvention, TokenKind } from "../tokenizers/vocabulary.js";
import { ANCHOR_CANDIDATES } from "./anchors.js";

/** Most anchors a fingerprint keeps (the embedding Gram matrix is n × n). */
export const MAX_FINGERPRINT_ANCHORS = 256;
/** Anchors used for the per-layer matrices: fewer, because there are three per layer. */
export const MAX_LAYER_ANCHORS = 128;

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The text a token stands for, or undefined when it is not whole UTF-8 text (a byte fragment). */
export function tokenText(
  token: string,
  convention: TokenConvention,
  kind: TokenKind = "normal",
): string | undefined {
  try {
    return utf8.decode(tokenStringBytes(token, convention, kind));
  } catch {
    return undefined;
  }
}

/** Token kinds that never serve as anchors: their rows are not trained like text rows. */
const SKIPPED_KINDS: ReadonlySet<TokenKind> = new Set(["unknown", "control", "unused", "byte"]);

export interface AnchorSelection {
  /** Anchor strings in candidate order. */
  anchors: string[];
  /** Token id of each anchor in this vocabulary. */
  ids: number[];
}

/**
 * Pick the anchors this vocabulary holds as single tokens, in candidate order, at most `limit`.
 * When several ids spell the same text the first normal one wins.
 */
export function selectAnchors(
  tokens: readonly string[],
  convention: TokenConvention,
  kinds: readonly TokenKind[] | undefined,
  limit = MAX_FINGERPRINT_ANCHORS,
  rows = tokens.length,
): AnchorSelection {
  const byText = new Map<string, number>();
  const count = Math.min(tokens.length, rows);
  for (let id = 0; id < count; id++) {
    const kind = kinds?.[id];
    if (kind !== undefined && SKIPPED_KINDS.has(kind)) continue;
    const text = tokenText(tokens[id]!, convention, kind);
    if (text !== undefined && text !== "" && !byText.has(text)) byText.set(text, id);
  }
  const anchors: string[] = [];
  const ids: number[] = [];
  for (const candidate of ANCHOR_CANDIDATES) {
    if (anchors.length >= limit) break;
    const id = byText.get(candidate);
    if (id === undefined) continue;
    anchors.push(candidate);
    ids.push(id);
  }
  return { anchors, ids };
}

export { ANCHOR_CANDIDATES };

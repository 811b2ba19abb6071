/**
 * Helpers the readers share: recognising `<0xAB>` byte pieces and naming special tokens by role when a
 * format does not say which id is which.
 */
import type { TokenKind } from "../vocabulary.js";

const BYTE_PIECE = /^<0x([0-9A-Fa-f]{2})>$/;

/** The byte a SentencePiece byte-fallback piece `<0xAB>` stands for, or undefined. */
export function bytePieceValue(token: string): number | undefined {
  const match = BYTE_PIECE.exec(token);
  return match === null ? undefined : Number.parseInt(match[1]!, 16);
}

/** Conventional spellings of special tokens, by role, in the order they are tried. */
const ROLE_SPELLINGS: Record<string, readonly string[]> = {
  bos: ["<s>", "<|begin_of_text|>", "<bos>", "<|startoftext|>", "<｜begin▁of▁sentence｜>"],
  eos: ["</s>", "<|end_of_text|>", "<eos>", "<|endoftext|>", "<｜end▁of▁sentence｜>"],
  unk: ["<unk>", "[UNK]", "<|unk|>"],
  pad: ["<pad>", "[PAD]", "<|pad|>", "<|padding|>"],
  mask: ["<mask>", "[MASK]"],
  cls: ["[CLS]"],
  sep: ["[SEP]"],
};

/**
 * Fill roles that `special` lacks from conventional spellings among tokens that are special
 * (control, unknown or user-defined), and the `unk` role from the first `unknown` token. Roles in
 * `none` were declared absent by the file and are not guessed.
 */
export function guessSpecialRoles(
  tokens: readonly string[],
  kinds: readonly TokenKind[],
  special: Record<string, number>,
  none: ReadonlySet<string> = new Set(),
): Record<string, number> {
  const result = { ...special };
  const byText = new Map<string, number>();
  for (let id = 0; id < tokens.length; id++) {
    const kind = kinds[id];
    if (kind === "control" || kind === "unknown" || kind === "user-defined") {
      const text = tokens[id]!;
      if (!byText.has(text)) byText.set(text, id);
    }
  }
  if (result.unk === undefined && !none.has("unk")) {
    const unk = kinds.indexOf("unknown");
    if (unk >= 0) result.unk = unk;
  }
  for (const [role, spellings] of Object.entries(ROLE_SPELLINGS)) {
    if (result[role] !== undefined || none.has(role)) continue;
    for (const spelling of spellings) {
      const id = byText.get(spelling);
      if (id !== undefined) {
        result[role] = id;
        break;
      }
    }
  }
  return result;
}

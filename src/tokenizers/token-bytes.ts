/**
 * What a token stands for, as bytes, whatever convention its vocabulary spells tokens in:
 *
 * - metaspace (SentencePiece): `▁` is a space (`▁the` → " the");
 * - byte-level (GPT-2 family, tiktoken): each character is one byte through GPT-2's byte-to-unicode map
 *   (`Ġthe` → " the", `Ċ` → "\n");
 * - wordpiece (BERT): `##ing` continues a word ("ing"), any other token starts one (" the"), as
 *   llama.cpp's conversion spells them with `▁`;
 * - raw (llama2.c): the text is the bytes.
 *
 * Byte-fallback pieces `<0xAB>` stand for the byte 0xAB in every convention. Special tokens (control,
 * unknown, unused) stand for their text as written, whitespace trimmed (llama2.c writes BOS as "\n<s>\n").
 *
 * `tokenKey` turns this into a string two vocabularies can be compared by: a tag (`b` for a byte piece,
 * `t` for anything else) plus the bytes, so `<0x41>` and a normal piece "A" are different tokens while
 * `</s>` is the same token whether a file marks it control or user-defined (phi-3 does the latter).
 */
import { bytePieceValue } from "./readers/special-tokens.js";
import type { TokenConvention, TokenKind, Vocabulary } from "./vocabulary.js";

function buildByteToUnicode(): string[] {
  const map: string[] = new Array(256);
  let next = 256;
  for (let byte = 0; byte < 256; byte++) {
    const printable = (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || byte >= 0xae;
    map[byte] = String.fromCharCode(printable ? byte : next++);
  }
  return map;
}

/** GPT-2's map from a byte to the printable character that spells it (`0x20` → `Ġ`, `0x0A` → `Ċ`). */
export const BYTE_TO_UNICODE: readonly string[] = buildByteToUnicode();

/** The inverse of BYTE_TO_UNICODE. */
export const UNICODE_TO_BYTE: ReadonlyMap<string, number> = new Map(
  BYTE_TO_UNICODE.map((char, byte) => [char, byte]),
);

/** Spell bytes the byte-level way. */
export function bytesToByteLevel(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += BYTE_TO_UNICODE[byte]!;
  return text;
}

const encoder = new TextEncoder();

function byteLevelToBytes(token: string, literalIfForeign: boolean): Uint8Array {
  const out: number[] = [];
  for (const char of token) {
    const byte = UNICODE_TO_BYTE.get(char);
    if (byte !== undefined) out.push(byte);
    else if (literalIfForeign) return encoder.encode(token);
    else out.push(...encoder.encode(char));
  }
  return Uint8Array.from(out);
}

function isSpecialKind(kind: TokenKind | undefined): boolean {
  return kind === "control" || kind === "unknown" || kind === "unused";
}

/** The bytes a token string stands for under `convention`, given its kind. */
export function tokenStringBytes(
  token: string,
  convention: TokenConvention,
  kind: TokenKind = "normal",
): Uint8Array {
  if (kind === "byte") {
    const byte = bytePieceValue(token);
    if (byte !== undefined) return Uint8Array.of(byte);
  }
  if (isSpecialKind(kind)) return encoder.encode(token.trim());
  switch (convention) {
    case "metaspace":
      return encoder.encode(token.replaceAll("▁", " "));
    case "byte-level":
      // Added (user-defined) tokens are usually written as plain text; a character outside the byte map
      // shows that one is.
      return byteLevelToBytes(token, kind === "user-defined");
    case "wordpiece":
      if (kind === "user-defined") return encoder.encode(token);
      return encoder.encode(token.startsWith("##") ? token.slice(2) : ` ${token}`);
    case "raw":
      return encoder.encode(token);
  }
}

/** The bytes token `id` of `vocab` stands for. */
export function tokenBytes(vocab: Vocabulary, id: number): Uint8Array {
  const token = vocab.tokens[id];
  if (token === undefined)
    throw new RangeError(`token id ${id} is outside the ${vocab.tokens.length}-token vocabulary`);
  return tokenStringBytes(token, vocab.convention, vocab.kinds[id]);
}

function latin1(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

/**
 * A comparison key for token `id`: equal keys mean the same token content across vocabularies of any
 * convention. Empty (`""`) for ids that hold no token (gaps, empty unused slots).
 */
export function tokenKey(vocab: Vocabulary, id: number): string {
  const token = vocab.tokens[id];
  const kind = vocab.kinds[id];
  if (token === undefined || (token === "" && (kind === "unused" || kind === undefined))) return "";
  const tag = kind === "byte" && bytePieceValue(token) !== undefined ? "b" : "t";
  return `${tag}${latin1(tokenBytes(vocab, id))}`;
}

/** `tokenKey` for every id. */
export function tokenKeys(vocab: Vocabulary): string[] {
  const keys: string[] = new Array(vocab.tokens.length);
  for (let id = 0; id < vocab.tokens.length; id++) keys[id] = tokenKey(vocab, id);
  return keys;
}

/** Human-readable form of a key, for explanations and reports. */
export function describeKey(key: string): string {
  const body = key.slice(1);
  if (key.startsWith("b")) return `<0x${body.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}>`;
  const bytes = Uint8Array.from(body, (char) => char.charCodeAt(0));
  return JSON.stringify(new TextDecoder().decode(bytes));
}

/**
 * GPT-2's byte-to-character map: byte-level BPE vocabularies spell every byte as a printable
 * character (printable Latin-1 bytes as themselves, the rest shifted to U+0100 and up).
 */

function buildByteToChar(): string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const map: string[] = new Array(256);
  const keep = new Set(printable);
  let shifted = 0;
  for (let b = 0; b < 256; b++) {
    map[b] = String.fromCodePoint(keep.has(b) ? b : 256 + shifted++);
  }
  return map;
}

/** `BYTE_TO_CHAR[b]`: the character byte-level vocabularies use for byte `b`. */
export const BYTE_TO_CHAR: readonly string[] = buildByteToChar();

const encoder = new TextEncoder();

/** The byte-level spelling of `text`'s UTF-8 bytes. */
export function toByteLevel(text: string): string {
  let out = "";
  for (const byte of encoder.encode(text)) out += BYTE_TO_CHAR[byte];
  return out;
}

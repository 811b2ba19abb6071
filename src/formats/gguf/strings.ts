/**
 * UTF-8 decoding of GGUF strings. `ignoreBOM: true` keeps a leading U+FEFF (Gemma has tokens that start
 * with one; a default TextDecoder silently drops it). Invalid UTF-8 never throws: the string is decoded
 * with U+FFFD replacements, and the raw bytes are recorded (up to a cap) so callers that care — a
 * tokenizer reader comparing byte-level vocabularies — can see exactly what was in the file.
 */

/** How many invalid strings keep their raw bytes; beyond this only the count grows. */
export const MAX_INVALID_UTF8_REPORTS = 100;

export interface InvalidUtf8Record {
  field: string;
  index?: number;
  bytes: Uint8Array;
}

export class StringDecoder {
  private readonly strict = new TextDecoder("utf-8", { ignoreBOM: true, fatal: true });
  private readonly lenient = new TextDecoder("utf-8", { ignoreBOM: true });
  readonly invalid: InvalidUtf8Record[] = [];
  invalidCount = 0;

  decode(bytes: Uint8Array, field: string, index?: number): string {
    if (bytes.byteLength < 32) {
      // Short ASCII strings (most tokens) skip the decoder call.
      let ascii = true;
      for (let i = 0; i < bytes.byteLength; i++) {
        if (bytes[i]! >= 0x80) {
          ascii = false;
          break;
        }
      }
      if (ascii) return String.fromCharCode.apply(null, bytes as unknown as number[]);
    }
    try {
      return this.strict.decode(bytes);
    } catch {
      this.invalidCount++;
      if (this.invalid.length < MAX_INVALID_UTF8_REPORTS) {
        this.invalid.push(
          index === undefined ? { field, bytes: bytes.slice() } : { field, index, bytes: bytes.slice() },
        );
      }
      return this.lenient.decode(bytes);
    }
  }
}

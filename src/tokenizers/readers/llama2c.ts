/**
 * llama2.c `tokenizer.bin` (written by llama2.c's `tokenizer.py export`): int32 `max_token_length`,
 * then until the end of the file, per token: float32 score, int32 byte length, the bytes. The vocabulary
 * size is not stored (run.c takes it from the checkpoint), so the reader walks to the end of the file.
 * The export turns SentencePiece's `▁` into a plain space and writes BOS/EOS as `"\n<s>\n"` and
 * `"\n</s>\n"`, so the tokens are raw text; byte-fallback pieces keep their `<0xAB>` spelling.
 */
import { FormatError } from "../../errors.js";
import type { TokenKind, Vocabulary } from "../vocabulary.js";
import { MAX_LLAMA2C_TOKENIZER_BYTES, MAX_TOKEN_BYTES, MAX_VOCABULARY_TOKENS } from "./limits.js";
import { readCappedFile } from "./read-capped.js";
import { bytePieceValue } from "./special-tokens.js";

/** llama2.c's fixed ids: run.c encodes with BOS = 1 and stops at EOS = 2; SentencePiece puts `<unk>` at 0. */
const LLAMA2C_ROLES: readonly [role: string, id: number, text: string][] = [
  ["unk", 0, "<unk>"],
  ["bos", 1, "<s>"],
  ["eos", 2, "</s>"],
];

const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/** Parse the bytes of a llama2.c tokenizer file. */
export function parseLlama2cTokenizer(bytes: Uint8Array, file: string): Vocabulary {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 4) {
    throw new FormatError(`file has ${bytes.byteLength} bytes, too short for max_token_length`, {
      file,
      field: "max_token_length",
    });
  }
  const maxTokenLength = view.getInt32(0, true);
  if (maxTokenLength < 1 || maxTokenLength > MAX_TOKEN_BYTES) {
    throw new FormatError(`${maxTokenLength} is not a plausible token length (1..${MAX_TOKEN_BYTES})`, {
      file,
      field: "max_token_length",
    });
  }
  const tokens: string[] = [];
  const scores: number[] = [];
  let offset = 4;
  while (offset < bytes.byteLength) {
    const index = tokens.length;
    const field = `token #${index}`;
    if (index >= MAX_VOCABULARY_TOKENS) {
      throw new FormatError(`more than ${MAX_VOCABULARY_TOKENS} tokens`, { file, field });
    }
    if (offset + 8 > bytes.byteLength) {
      throw new FormatError(`file ends inside the score and length at byte ${offset} (truncated?)`, {
        file,
        field,
      });
    }
    const score = view.getFloat32(offset, true);
    const length = view.getInt32(offset + 4, true);
    if (length < 0 || length > maxTokenLength) {
      throw new FormatError(`length ${length} is outside 0..max_token_length (${maxTokenLength})`, {
        file,
        field: `${field} length`,
      });
    }
    offset += 8;
    if (offset + length > bytes.byteLength) {
      throw new FormatError(`needs ${length} bytes at ${offset} but the file ends at ${bytes.byteLength}`, {
        file,
        field: `${field} bytes`,
      });
    }
    tokens.push(utf8.decode(bytes.subarray(offset, offset + length)));
    scores.push(score);
    offset += length;
  }
  if (tokens.length === 0)
    throw new FormatError("no tokens after max_token_length", { file, field: "tokens" });

  const kinds: TokenKind[] = tokens.map((token) => (bytePieceValue(token) === undefined ? "normal" : "byte"));
  const special: Record<string, number> = {};
  for (const [role, id, text] of LLAMA2C_ROLES) {
    if (tokens[id]?.trim() === text) {
      special[role] = id;
      kinds[id] = role === "unk" ? "unknown" : "control";
    }
  }
  return {
    source: { file, format: "llama2c" },
    model: "bpe",
    convention: "raw",
    tokens,
    scores: Float32Array.from(scores),
    kinds,
    merges: undefined,
    special,
    preTokenizer: undefined,
  };
}

/** Read a llama2.c `tokenizer.bin` / `tokNNN.bin`. */
export async function readLlama2cTokenizer(path: string): Promise<Vocabulary> {
  const bytes = await readCappedFile(path, MAX_LLAMA2C_TOKENIZER_BYTES, "llama2.c tokenizer");
  return parseLlama2cTokenizer(bytes, path);
}

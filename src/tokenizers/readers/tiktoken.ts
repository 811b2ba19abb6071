/**
 * tiktoken rank files (`cl100k_base.tiktoken`, …): one `base64(token bytes) rank` per line, rank = id.
 * Token bytes need not be valid UTF-8, so the tokens are stored in GPT-2's byte-to-unicode spelling
 * (convention `byte-level`), as Hugging Face's converted tiktoken vocabularies spell them too.
 * The files carry no special tokens.
 */
import { FormatError } from "../../errors.js";
import { bytesToByteLevel } from "../token-bytes.js";
import type { Vocabulary } from "../vocabulary.js";
import { MAX_TIKTOKEN_FILE_BYTES, MAX_TOKEN_BYTES, MAX_VOCABULARY_TOKENS } from "./limits.js";
import { readCappedFile } from "./read-capped.js";

const LINE = /^([A-Za-z0-9+/]*={0,2}) (\d+)$/;

/** Parse the text of a tiktoken rank file. Ranks must be unique; gaps read as `""` of kind `unused`. */
export function parseTiktoken(text: string, file: string): Vocabulary {
  const byRank = new Map<number, string>();
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.replace(/\r$/, "");
    if (line === "") continue;
    const field = `line ${index + 1}`;
    const match = LINE.exec(line);
    if (match === null) throw new FormatError('expected "base64-token rank"', { file, field });
    const rank = Number(match[2]);
    if (!Number.isSafeInteger(rank) || rank >= MAX_VOCABULARY_TOKENS) {
      throw new FormatError(`rank ${match[2]} exceeds the limit of ${MAX_VOCABULARY_TOKENS - 1}`, {
        file,
        field,
      });
    }
    if (byRank.has(rank)) throw new FormatError(`rank ${rank} appears twice`, { file, field });
    const bytes = Buffer.from(match[1]!, "base64");
    if (bytes.byteLength === 0 || bytes.byteLength > MAX_TOKEN_BYTES) {
      throw new FormatError(`token of ${bytes.byteLength} bytes (expected 1..${MAX_TOKEN_BYTES})`, {
        file,
        field,
      });
    }
    byRank.set(rank, bytesToByteLevel(bytes));
  }
  if (byRank.size === 0) throw new FormatError("no ranks: not a tiktoken file", { file });
  let size = 0;
  for (const rank of byRank.keys()) size = Math.max(size, rank + 1);
  const tokens: string[] = [];
  for (let id = 0; id < size; id++) tokens.push(byRank.get(id) ?? "");
  return {
    source: { file, format: "tiktoken" },
    model: "tiktoken",
    convention: "byte-level",
    tokens,
    scores: undefined,
    kinds: tokens.map((token) => (token === "" ? "unused" : "normal")),
    merges: undefined,
    special: {},
    preTokenizer: undefined,
  };
}

/** Read a tiktoken `.tiktoken` rank file. */
export async function readTiktoken(path: string): Promise<Vocabulary> {
  const bytes = await readCappedFile(path, MAX_TIKTOKEN_FILE_BYTES, "tiktoken rank file");
  return parseTiktoken(new TextDecoder().decode(bytes), path);
}

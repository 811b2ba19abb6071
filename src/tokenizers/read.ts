/**
 * `readVocabulary(path)`: the one entry point that turns any supported tokenizer file, or a model folder
 * or weight file that carries one, into a Vocabulary.
 *
 * - a folder: `tokenizer.json` (with `tokenizer_config.json` for special-token roles), else
 *   `tokenizer.model`, else `tokenizer.bin`, else `*.tiktoken`, else its only `.gguf` file;
 * - a `.gguf` file (by magic): its `tokenizer.ggml.*` metadata;
 * - `*.json`: tokenizer.json; `*.model` (or protobuf bytes): SentencePiece; `*.tiktoken`: tiktoken ranks;
 * - `tokenizer.bin` / `tokNNN.bin` (also after a prefix: `llama2xs-tok512.bin`): llama2.c tokenizer; any other `.bin` is read as a llama2.c checkpoint
 *   and its neighbouring `tokNNN.bin` (NNN = its vocab_size) or `tokenizer.bin` is used.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { FormatError, InputNotFoundError } from "../errors.js";
import { regularFileSizeSync } from "../formats/file-reader.js";
import { firstShardName } from "../formats/gguf/split.js";
import { parseLlama2cHeader, VERSIONED_HEADER_BYTES } from "../formats/llama2c/header.js";
import { readGgufVocabulary } from "./readers/gguf.js";
import { readLlama2cTokenizer } from "./readers/llama2c.js";
import { readSentencePiece } from "./readers/sentencepiece.js";
import { readTiktoken } from "./readers/tiktoken.js";
import { readTokenizerJson } from "./readers/tokenizer-json.js";
import type { Vocabulary } from "./vocabulary.js";

/** Tokenizer files a folder is searched for, in order of preference. */
export const FOLDER_TOKENIZER_FILES = ["tokenizer.json", "tokenizer.model", "tokenizer.bin"] as const;

/** llama2.c tokenizer names: `tokenizer.bin`, `tok512.bin`, and the same after a prefix (`llama2xs-tok512.bin`). */
const LLAMA2C_TOKENIZER_NAME = /(?:^|[-_.])(?:tokenizer|tok\d+)\.bin$/;

async function kindOf(path: string): Promise<"file" | "folder"> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) return "folder";
    if (info.isFile()) return "file";
  } catch (error) {
    throw new InputNotFoundError("no such file or folder", { file: path, cause: error });
  }
  throw new InputNotFoundError("not a regular file or folder", { file: path });
}

function readPrefix(path: string, length: number): Uint8Array {
  regularFileSizeSync(path); // before opening: a named pipe would block the open
  const fd = openSync(path, "r");
  try {
    const buffer = new Uint8Array(length);
    const read = readSync(fd, buffer, 0, length, 0);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function readFolder(folder: string): Promise<Vocabulary> {
  const names = new Set(await readdir(folder));
  if (names.has("tokenizer.json")) {
    const config = names.has("tokenizer_config.json") ? join(folder, "tokenizer_config.json") : undefined;
    return readTokenizerJson(join(folder, "tokenizer.json"), config);
  }
  if (names.has("tokenizer.model")) return readSentencePiece(join(folder, "tokenizer.model"));
  if (names.has("tokenizer.bin")) return readLlama2cTokenizer(join(folder, "tokenizer.bin"));
  const sorted = [...names].sort();
  const tiktoken = sorted.find((name) => name.endsWith(".tiktoken"));
  if (tiktoken !== undefined) return readTiktoken(join(folder, tiktoken));
  const ggufs = sorted.filter((name) => name.endsWith(".gguf"));
  if (ggufs.length === 1) return readGgufVocabulary(join(folder, ggufs[0]!));
  // A split GGUF keeps its vocabulary in the first shard.
  const firstShard = firstShardName(ggufs);
  if (firstShard !== undefined) return readGgufVocabulary(join(folder, firstShard));
  throw new FormatError(
    ggufs.length > 1
      ? `folder holds ${ggufs.length} .gguf files and no tokenizer file: name the one to read`
      : "folder has no tokenizer file (tokenizer.json, tokenizer.model, tokenizer.bin, *.tiktoken or a .gguf)",
    { file: folder },
  );
}

/**
 * A llama2.c checkpoint's tokenizer: `tok{vocab_size}.bin` beside it, else `tokenizer.bin` (run.c's
 * default). vocab_size comes from the checkpoint's header, legacy or versioned ("ak42", where it is the
 * sixth of the seven ints after magic and version).
 */
async function readCheckpointNeighbour(path: string, prefix: Uint8Array): Promise<Vocabulary> {
  let vocabSize: number;
  try {
    vocabSize = parseLlama2cHeader(prefix, path).vocabSize;
  } catch (error) {
    throw new FormatError("unrecognised .bin file: neither a llama2.c tokenizer nor a llama2.c checkpoint", {
      file: path,
      field: "header",
      cause: error,
    });
  }
  const folder = dirname(path);
  for (const name of [`tok${vocabSize}.bin`, "tokenizer.bin"]) {
    const candidate = join(folder, name);
    if (await exists(candidate)) return readLlama2cTokenizer(candidate);
  }
  throw new InputNotFoundError(
    `llama2.c checkpoint (vocab_size ${vocabSize}) has no tok${vocabSize}.bin or tokenizer.bin beside it`,
    { file: path },
  );
}

function looksLikeTiktoken(prefix: Uint8Array): boolean {
  const text = new TextDecoder().decode(prefix);
  const firstLine = text.split("\n", 1)[0] ?? "";
  return /^[A-Za-z0-9+/]+={0,2} \d+\r?$/.test(firstLine);
}

/** Read the vocabulary of a tokenizer file, a model folder, a GGUF file or a llama2.c checkpoint. */
export async function readVocabulary(path: string): Promise<Vocabulary> {
  if ((await kindOf(path)) === "folder") return readFolder(path);
  const name = basename(path);
  const prefix = readPrefix(path, VERSIONED_HEADER_BYTES);
  const magic = String.fromCharCode(...prefix.subarray(0, 4));
  if (magic === "GGUF") return readGgufVocabulary(path);
  // A safetensors weight file (or its index) carries no vocabulary: the tokenizer beside it is the model's.
  if (name.endsWith(".safetensors") || name.endsWith(".safetensors.index.json"))
    return readFolder(dirname(path));
  if (name.endsWith(".json")) {
    const config = join(dirname(path), "tokenizer_config.json");
    return readTokenizerJson(path, name === "tokenizer.json" && (await exists(config)) ? config : undefined);
  }
  if (name.endsWith(".tiktoken")) return readTiktoken(path);
  if (name.endsWith(".model")) return readSentencePiece(path);
  if (LLAMA2C_TOKENIZER_NAME.test(name)) return readLlama2cTokenizer(path);
  if (name.endsWith(".bin")) return readCheckpointNeighbour(path, prefix);
  // No telling name: sniff the content.
  if (prefix[0] === 0x7b) return readTokenizerJson(path);
  if (looksLikeTiktoken(prefix)) return readTiktoken(path);
  if (prefix[0] === 0x0a) return readSentencePiece(path);
  throw new FormatError(
    "unrecognised tokenizer file (expected tokenizer.json, tokenizer.model, tokenizer.bin, .tiktoken or .gguf)",
    { file: path },
  );
}

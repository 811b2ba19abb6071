/**
 * Recognise a weight file by its first bytes, not only its name: GGUF magic, a safetensors header, a
 * llama2.c header, or a PyTorch pickle / zip checkpoint.
 */
import { open } from "node:fs/promises";
import { basename } from "node:path";
import { InputNotFoundError } from "../errors.js";
import { regularFileSize } from "./file-reader.js";
import { hasLlama2cMagic, LEGACY_HEADER_BYTES } from "./llama2c/header.js";

export type FileKind = "gguf" | "safetensors" | "safetensors-index" | "llama2c" | "pickle" | "unknown";

/** Enough bytes for every check below (the llama2.c versioned header is 256 bytes). */
export const SNIFF_BYTES = 256;

export async function readPrefix(
  path: string,
  length = SNIFF_BYTES,
): Promise<{ bytes: Uint8Array; size: number }> {
  await regularFileSize(path); // before opening: a named pipe would block the open
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (error) {
    throw new InputNotFoundError("cannot read file (does it exist?)", { file: path, cause: error });
  }
  try {
    const { size } = await handle.stat();
    const bytes = new Uint8Array(Math.min(length, size));
    const { bytesRead } = await handle.read(bytes, 0, bytes.byteLength, 0);
    return { bytes: bytes.subarray(0, bytesRead), size };
  } finally {
    await handle.close();
  }
}

/** Bytes that may follow a safetensors header's opening `{`: a key's quote, the closing brace of `{}`,
 * or JSON whitespace (the format pads headers with spaces). A legacy llama2.c header whose n_layers is
 * 123 also has `{` at byte 8, but a zero byte after it. */
const AFTER_BRACE = new Set([0x22, 0x7d, 0x20, 0x09, 0x0a, 0x0d]);

/**
 * A safetensors file by its shape alone: an 8-byte little-endian length of at least 2 (`{}`), then `{`
 * and a byte that can follow it in JSON. The length is not compared with the file size here: a
 * truncated file or an absurd length is still a safetensors, and its reader says what is wrong with it.
 */
function looksLikeSafetensors(bytes: Uint8Array): boolean {
  if (bytes.byteLength < 10) return false;
  const length = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  return length >= 2n && bytes[8] === 0x7b && AFTER_BRACE.has(bytes[9]!); // '{'
}

function looksLikePickle(bytes: Uint8Array): boolean {
  const zip = bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04; // "PK\3\4"
  const pickle = bytes[0] === 0x80 && bytes[1] !== undefined && bytes[1] >= 2 && bytes[1] <= 5; // PROTO op
  return zip || pickle;
}

/** A legacy llama2.c header has seven int32 of which all but vocab_size are positive and small. */
function looksLikeLegacyLlama2c(bytes: Uint8Array): boolean {
  if (bytes.byteLength < LEGACY_HEADER_BYTES) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, LEGACY_HEADER_BYTES);
  const ints = Array.from({ length: 7 }, (_, i) => view.getInt32(4 * i, true));
  return ints.every((value, i) =>
    i === 5 ? value !== 0 && Math.abs(value) < 1 << 24 : value > 0 && value < 1 << 24,
  );
}

/** The kind of file whose first bytes (up to SNIFF_BYTES) are `bytes` and whose name is `name`. */
export function sniffBytes(bytes: Uint8Array, name: string): FileKind {
  if (bytes.byteLength >= 4 && new TextDecoder().decode(bytes.subarray(0, 4)) === "GGUF") return "gguf";
  if (name.endsWith(".safetensors.index.json")) return "safetensors-index";
  if (looksLikeSafetensors(bytes)) return "safetensors";
  if (looksLikePickle(bytes)) return "pickle";
  if (hasLlama2cMagic(bytes) || looksLikeLegacyLlama2c(bytes)) return "llama2c";
  return "unknown";
}

export async function sniffFile(path: string): Promise<FileKind> {
  const { bytes } = await readPrefix(path);
  return sniffBytes(bytes, basename(path));
}

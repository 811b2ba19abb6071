/**
 * Recognise a weight file by its first bytes, not only its name: GGUF magic, a safetensors header, a
 * llama2.c header, or a PyTorch pickle / zip checkpoint.
 */
import { open } from "node:fs/promises";
import { basename } from "node:path";
import { InputNotFoundError } from "../errors.js";
import { hasLlama2cMagic, LEGACY_HEADER_BYTES } from "./llama2c/header.js";

export type FileKind = "gguf" | "safetensors" | "safetensors-index" | "llama2c" | "pickle" | "unknown";

/** Enough bytes for every check below (the llama2.c versioned header is 256 bytes). */
export const SNIFF_BYTES = 256;

export async function readPrefix(
  path: string,
  length = SNIFF_BYTES,
): Promise<{ bytes: Uint8Array; size: number }> {
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

function looksLikeSafetensors(bytes: Uint8Array, size: number): boolean {
  if (bytes.byteLength < 9) return false;
  const length = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  return length > 1n && length <= BigInt(size - 8) && bytes[8] === 0x7b; // '{'
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

export function sniffBytes(bytes: Uint8Array, size: number, name: string): FileKind {
  if (bytes.byteLength >= 4 && new TextDecoder().decode(bytes.subarray(0, 4)) === "GGUF") return "gguf";
  if (name.endsWith(".safetensors.index.json")) return "safetensors-index";
  if (looksLikeSafetensors(bytes, size)) return "safetensors";
  if (looksLikePickle(bytes)) return "pickle";
  if (hasLlama2cMagic(bytes) || looksLikeLegacyLlama2c(bytes)) return "llama2c";
  return "unknown";
}

export async function sniffFile(path: string): Promise<FileKind> {
  const { bytes, size } = await readPrefix(path);
  return sniffBytes(bytes, size, basename(path));
}

/**
 * llama2.c checkpoint headers (Karpathy's `run.c` / `export.py`).
 *
 * Legacy (v0): seven little-endian int32 — dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size,
 * seq_len — then float32 weights. A negative vocab_size means an unshared classifier follows the weights.
 *
 * Versioned: uint32 magic 0x616b3432 ("ak42"), int32 version, the same seven int32 (vocab_size positive),
 * uint8 shared_classifier, and for version 2 an int32 group_size; zero padding up to 256 bytes.
 * Version 1 is float32; version 2 is Q8_0 (int8 values with one float32 scale per group).
 */
import { FormatError } from "../../errors.js";

export const LLAMA2C_MAGIC = 0x616b3432;
export const LEGACY_HEADER_BYTES = 28;
export const VERSIONED_HEADER_BYTES = 256;

/** Caps that reject nonsense before any arithmetic on it: the largest real Llama has dim 16,384,
 * hidden 53,248, 126 layers, 128 heads, a 128k–256k vocabulary and 128k context. These leave room. */
export const MAX_DIM = 1 << 16;
export const MAX_HIDDEN_DIM = 1 << 18;
export const MAX_LAYERS = 1024;
export const MAX_HEADS = 1024;
export const MAX_VOCAB = 1 << 22;
export const MAX_SEQ_LEN = 1 << 22;
/** Q8_0 group sizes export.py can produce: a power of two dividing dim (it starts at 64 and halves). */
export const MAX_GROUP_SIZE = 1 << 16;

export interface Llama2cHeader {
  /** 0 for the legacy header, 1 (float32) or 2 (Q8_0) for the "ak42" export. */
  version: 0 | 1 | 2;
  dim: number;
  hiddenDim: number;
  nLayers: number;
  nHeads: number;
  nKvHeads: number;
  vocabSize: number;
  seqLen: number;
  /** The output classifier is the token embedding (no separate wcls). */
  sharedClassifier: boolean;
  /** Q8_0 group size (version 2 only). */
  groupSize: number | undefined;
  /** Bytes before the first weight. */
  headerBytes: number;
}

function int32(bytes: Uint8Array, offset: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(offset, true);
}

function checkRange(value: number, min: number, max: number, file: string, field: string): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new FormatError(`${field} = ${value} is outside the plausible range ${min}..${max}`, {
      file,
      field,
    });
  }
}

/** True when the first four bytes are the "ak42" magic of the versioned export. */
export function hasLlama2cMagic(prefix: Uint8Array): boolean {
  return prefix.byteLength >= 4 && int32(prefix, 0) === LLAMA2C_MAGIC;
}

/**
 * Parse and validate a header from the first bytes of a file (at least 256 bytes, or the whole file
 * when shorter). Throws a FormatError naming the field for anything implausible.
 */
export function parseLlama2cHeader(prefix: Uint8Array, file: string): Llama2cHeader {
  const versioned = hasLlama2cMagic(prefix);
  const headerBytes = versioned ? VERSIONED_HEADER_BYTES : LEGACY_HEADER_BYTES;
  if (prefix.byteLength < headerBytes) {
    throw new FormatError(`file is shorter than the ${headerBytes}-byte llama2.c header`, {
      file,
      field: "header",
    });
  }
  let version: 0 | 1 | 2 = 0;
  const base = versioned ? 8 : 0;
  if (versioned) {
    const raw = int32(prefix, 4);
    if (raw !== 1 && raw !== 2) {
      throw new FormatError(`unsupported llama2.c export version ${raw} (1 and 2 are read)`, {
        file,
        field: "version",
      });
    }
    version = raw;
  }
  const [dim, hiddenDim, nLayers, nHeads, nKvHeads, rawVocab, seqLen] = Array.from({ length: 7 }, (_, i) =>
    int32(prefix, base + 4 * i),
  ) as [number, number, number, number, number, number, number];
  checkRange(dim, 1, MAX_DIM, file, "dim");
  checkRange(hiddenDim, 1, MAX_HIDDEN_DIM, file, "hidden_dim");
  checkRange(nLayers, 1, MAX_LAYERS, file, "n_layers");
  checkRange(nHeads, 1, Math.min(MAX_HEADS, dim), file, "n_heads");
  checkRange(nKvHeads, 1, nHeads, file, "n_kv_heads");
  checkRange(Math.abs(rawVocab), 1, MAX_VOCAB, file, "vocab_size");
  checkRange(seqLen, 1, MAX_SEQ_LEN, file, "seq_len");
  if (dim % nHeads !== 0) {
    throw new FormatError(`dim ${dim} is not a multiple of n_heads ${nHeads}`, { file, field: "n_heads" });
  }
  if (nHeads % nKvHeads !== 0) {
    throw new FormatError(`n_heads ${nHeads} is not a multiple of n_kv_heads ${nKvHeads}`, {
      file,
      field: "n_kv_heads",
    });
  }
  if ((dim / nHeads) % 2 !== 0) {
    throw new FormatError(`head size ${dim / nHeads} is odd; rotary embeddings need it even`, {
      file,
      field: "n_heads",
    });
  }
  let sharedClassifier: boolean;
  let groupSize: number | undefined;
  if (!versioned) {
    sharedClassifier = rawVocab > 0;
  } else {
    if (rawVocab < 0) {
      throw new FormatError("vocab_size is negative in a versioned header", { file, field: "vocab_size" });
    }
    const flag = prefix[base + 28]!;
    if (flag > 1) {
      throw new FormatError(`shared_classifier flag is ${flag}, not 0 or 1`, {
        file,
        field: "shared_classifier",
      });
    }
    sharedClassifier = flag === 1;
    if (version === 2) {
      groupSize = int32(prefix, base + 29);
      checkRange(groupSize, 1, MAX_GROUP_SIZE, file, "group_size");
      if (dim % groupSize !== 0) {
        throw new FormatError(`group_size ${groupSize} does not divide dim ${dim}`, {
          file,
          field: "group_size",
        });
      }
    }
  }
  return {
    version,
    dim,
    hiddenDim,
    nLayers,
    nHeads,
    nKvHeads,
    vocabSize: Math.abs(rawVocab),
    seqLen,
    sharedClassifier,
    groupSize,
    headerBytes,
  };
}

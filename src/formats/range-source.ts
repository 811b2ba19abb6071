/**
 * Random access to the bytes of one weight file, wherever it is: a local file (`PositionalFile`) or a
 * file on the Hugging Face Hub read with HTTP `Range` requests (`src/hub/http-range-source.ts`). Every
 * store reads through this interface, so a model on the Hub is read exactly like one on disk: headers
 * first, then only the byte ranges of the tensors (or rows) asked for.
 */
import { FormatError } from "../errors.js";

/** A byte range `[offset, offset + length)` of a source. */
export interface ByteRange {
  offset: number;
  length: number;
}

export interface RangeSource {
  /** Where the bytes come from, for messages and `TensorInfo.file`: a local path, or a Hub address such
   * as `hf://org/name@REV/model.safetensors` (never a URL carrying a token). */
  readonly name: string;
  /** Size of the whole file in bytes, known before any read. */
  readonly size: number;
  /**
   * Bytes between two wanted ranges that are cheaper to read through than to skip with a second
   * request: tens of KiB for a local file (a syscall), much more over HTTP (a round trip).
   */
  readonly gapBytes: number;
  /** Bytes delivered so far from where the source keeps them: read from a local file, fetched over
   * HTTP for a remote one (its cache hits excluded). What "bytes read" reports, gaps read through
   * included. */
  readonly bytesRead: number;
  /** Exactly `length` bytes at `offset`, or a FormatError naming `field` (a range outside the file, a
   * short read) or an ApiError (a remote source that fails). */
  read(offset: number, length: number, field: string): Promise<Uint8Array>;
  /** Several ranges at once, in the order given; a source that pays per request merges nearby ones. */
  readMany?(ranges: readonly ByteRange[], field: string): Promise<Uint8Array[]>;
  /** Release handles (safe to call twice). */
  close(): Promise<void>;
}

/** Several ranges of one source: its own batched read when it has one, else one read per range. */
export function readRanges(
  source: RangeSource,
  ranges: readonly ByteRange[],
  field: string,
): Promise<Uint8Array[]> {
  if (source.readMany !== undefined) return source.readMany(ranges, field);
  return Promise.all(ranges.map((range) => source.read(range.offset, range.length, field)));
}

/** Bytes held in memory as a source (tests, and small files fetched whole). */
export function memoryRangeSource(bytes: Uint8Array, name: string): RangeSource {
  let delivered = 0;
  return {
    name,
    size: bytes.byteLength,
    gapBytes: 0,
    get bytesRead() {
      return delivered;
    },
    async read(offset, length, field) {
      checkRange(name, bytes.byteLength, offset, length, field);
      delivered += length;
      return bytes.slice(offset, offset + length);
    },
    async close() {},
  };
}

/** Throws a FormatError unless `[offset, offset + length)` lies inside a file of `size` bytes. */
export function checkRange(name: string, size: number, offset: number, length: number, field: string): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new FormatError(`invalid byte range ${offset}+${length}`, { file: name, field });
  }
  if (offset + length > size) {
    throw new FormatError(
      `needs bytes ${offset}..${offset + length} but the file has only ${size} bytes (truncated?)`,
      { file: name, field },
    );
  }
}

/** Open several sources in order; if one fails, the ones already open are closed before rethrowing. */
export async function openAll<T extends { close(): Promise<void> }>(
  names: readonly string[],
  open: (name: string) => Promise<T>,
): Promise<T[]> {
  const opened: T[] = [];
  try {
    for (const name of names) opened.push(await open(name));
  } catch (error) {
    await Promise.all(opened.map((item) => item.close()));
    throw error;
  }
  return opened;
}

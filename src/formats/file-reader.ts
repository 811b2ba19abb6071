/**
 * Positional reads from a file handle, with the file's size known up front so every offset can be
 * checked before any bytes are requested.
 */
import { type Stats, statSync } from "node:fs";
import { type FileHandle, open, stat } from "node:fs/promises";
import { FormatError, InputNotFoundError } from "../errors.js";
import { checkRange, type RangeSource } from "./range-source.js";
import { LOCAL_ROW_GAP_BYTES } from "./row-reads.js";

function sizeOfRegular(info: Stats, path: string): number {
  if (info.isFile()) return info.size;
  const what = info.isFIFO()
    ? "a named pipe (FIFO)"
    : info.isDirectory()
      ? "a folder"
      : info.isSocket()
        ? "a socket"
        : "a device";
  throw new InputNotFoundError(`not a regular file: ${what}`, { file: path });
}

/**
 * The size of a regular file (symlinks followed), or an InputNotFoundError naming the path. Every file
 * lineage reads is stat-ed with this before it is opened: opening a named pipe blocks until something
 * writes to it (a hang), and a device (/dev/zero, /dev/urandom) has no end.
 */
export async function regularFileSize(path: string): Promise<number> {
  let info: Stats;
  try {
    info = await stat(path);
  } catch (error) {
    throw new InputNotFoundError("cannot read file (does it exist?)", { file: path, cause: error });
  }
  return sizeOfRegular(info, path);
}

/** `regularFileSize` for the synchronous readers. */
export function regularFileSizeSync(path: string): number {
  let info: Stats;
  try {
    info = statSync(path);
  } catch (error) {
    throw new InputNotFoundError("cannot read file (does it exist?)", { file: path, cause: error });
  }
  return sizeOfRegular(info, path);
}

/** A local file as a RangeSource. */
export class PositionalFile implements RangeSource {
  readonly gapBytes = LOCAL_ROW_GAP_BYTES;
  bytesRead = 0;

  private constructor(
    readonly path: string,
    readonly size: number,
    private readonly handle: FileHandle,
  ) {}

  get name(): string {
    return this.path;
  }

  static async open(path: string): Promise<PositionalFile> {
    const size = await regularFileSize(path);
    const handle = await open(path, "r");
    return new PositionalFile(path, size, handle);
  }

  /** Read exactly `length` bytes at `offset`, or throw a FormatError naming `field`. */
  async read(offset: number, length: number, field: string): Promise<Uint8Array> {
    checkRange(this.path, this.size, offset, length, field);
    const buffer = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(buffer, done, length - done, offset + done);
      if (bytesRead === 0) {
        throw new FormatError(`file ended after ${offset + done} bytes`, { file: this.path, field });
      }
      done += bytesRead;
    }
    this.bytesRead += length;
    return buffer;
  }

  async close(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }
}

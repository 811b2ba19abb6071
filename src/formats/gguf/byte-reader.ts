/**
 * A buffered, synchronous, little-endian cursor over a byte source (an open file or bytes in memory).
 * It keeps one window of the source in memory and refills it on demand, so a header of any size is
 * read in bounded chunks and a 400 GB file is never read whole. Every read checks the source's size
 * first: running off the end is a FormatError naming the field, never a short read.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { FormatError, InputNotFoundError } from "../../errors.js";
import { regularFileSizeSync } from "../file-reader.js";

export interface ByteSource {
  /** File path (or a label) used in error messages. */
  readonly name: string;
  readonly size: number;
  /** Copy up to `target.byteLength` bytes starting at `position`; returns the count copied. */
  readAt(target: Uint8Array, position: number): number;
  close(): void;
}

export function memorySource(bytes: Uint8Array, name = "<memory>"): ByteSource {
  return {
    name,
    size: bytes.byteLength,
    readAt(target, position) {
      const slice = bytes.subarray(position, position + target.byteLength);
      target.set(slice);
      return slice.byteLength;
    },
    close() {},
  };
}

export function fileSource(path: string): ByteSource {
  regularFileSizeSync(path); // before opening: a named pipe would block the open
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    throw new InputNotFoundError("cannot read file (does it exist?)", { file: path, cause: error });
  }
  const info = fstatSync(fd);
  if (!info.isFile()) {
    closeSync(fd);
    throw new InputNotFoundError("not a regular file", { file: path });
  }
  let open = true;
  return {
    name: path,
    size: info.size,
    readAt(target, position) {
      let done = 0;
      while (done < target.byteLength) {
        const n = readSync(fd, target, done, target.byteLength - done, position + done);
        if (n === 0) break;
        done += n;
      }
      return done;
    },
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

/** Bytes fetched per refill: large enough that a multi-MB vocabulary costs few reads. */
export const READ_CHUNK_BYTES = 1024 * 1024;

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export class ByteReader {
  private window = new Uint8Array(0);
  private view = new DataView(this.window.buffer);
  private windowStart = 0;
  private windowLength = 0;
  /** Absolute offset of the next byte to read. */
  position = 0;

  constructor(
    readonly source: ByteSource,
    private readonly chunkBytes = READ_CHUNK_BYTES,
  ) {}

  get remaining(): number {
    return this.source.size - this.position;
  }

  fail(message: string, field: string): never {
    throw new FormatError(message, { file: this.source.name, field });
  }

  /** Make `count` bytes at `position` available in the window; returns their index in the window. */
  private ensure(count: number, field: string): number {
    if (count > this.remaining) {
      this.fail(
        `needs ${count} bytes at offset ${this.position} but the file has ${this.source.size} (truncated?)`,
        field,
      );
    }
    const index = this.position - this.windowStart;
    if (index >= 0 && index + count <= this.windowLength) return index;
    const want = Math.min(Math.max(count, this.chunkBytes), this.remaining);
    if (this.window.byteLength < want) {
      this.window = new Uint8Array(want);
      this.view = new DataView(this.window.buffer);
    }
    const got = this.source.readAt(this.window.subarray(0, want), this.position);
    if (got < count) this.fail(`file ended at offset ${this.position + got}`, field);
    this.windowStart = this.position;
    this.windowLength = got;
    return 0;
  }

  u8(field: string): number {
    const at = this.ensure(1, field);
    this.position += 1;
    return this.window[at]!;
  }
  i8(field: string): number {
    const at = this.ensure(1, field);
    this.position += 1;
    return this.view.getInt8(at);
  }
  u16(field: string): number {
    const at = this.ensure(2, field);
    this.position += 2;
    return this.view.getUint16(at, true);
  }
  i16(field: string): number {
    const at = this.ensure(2, field);
    this.position += 2;
    return this.view.getInt16(at, true);
  }
  u32(field: string): number {
    const at = this.ensure(4, field);
    this.position += 4;
    return this.view.getUint32(at, true);
  }
  i32(field: string): number {
    const at = this.ensure(4, field);
    this.position += 4;
    return this.view.getInt32(at, true);
  }
  u64(field: string): bigint {
    const at = this.ensure(8, field);
    this.position += 8;
    return this.view.getBigUint64(at, true);
  }
  i64(field: string): bigint {
    const at = this.ensure(8, field);
    this.position += 8;
    return this.view.getBigInt64(at, true);
  }
  f32(field: string): number {
    const at = this.ensure(4, field);
    this.position += 4;
    return this.view.getFloat32(at, true);
  }
  f64(field: string): number {
    const at = this.ensure(8, field);
    this.position += 8;
    return this.view.getFloat64(at, true);
  }

  /** A view of the next `count` bytes, valid until the next read. `count` must be capped by the caller. */
  bytes(count: number, field: string): Uint8Array {
    const at = this.ensure(count, field);
    this.position += count;
    return this.window.subarray(at, at + count);
  }

  /** Fill `target` from the stream in window-sized pieces (for large numeric arrays). */
  fill(target: Uint8Array, field: string): void {
    if (target.byteLength > this.remaining) this.ensure(target.byteLength, field);
    let done = 0;
    while (done < target.byteLength) {
      const piece = Math.min(this.chunkBytes, target.byteLength - done);
      target.set(this.bytes(piece, field), done);
      done += piece;
    }
  }

  /** Read `count` little-endian elements into a fresh typed array. */
  typed<T extends ArrayBufferView>(
    count: number,
    elementBytes: number,
    make: (buffer: ArrayBuffer, count: number) => T,
    get: (view: DataView, offset: number) => number | bigint,
    field: string,
  ): T {
    const raw = new Uint8Array(count * elementBytes);
    this.fill(raw, field);
    const result = make(raw.buffer, count);
    if (!LITTLE_ENDIAN_HOST) {
      const view = new DataView(raw.buffer);
      const values = result as unknown as { [index: number]: number | bigint };
      for (let i = 0; i < count; i++) values[i] = get(view, i * elementBytes);
    }
    return result;
  }

  skipTo(offset: number): void {
    this.position = offset;
  }
}

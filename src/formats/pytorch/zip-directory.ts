/**
 * The directory of a zip archive read through a RangeSource: `yauzl` parses the end record (ZIP64
 * too) and the central directory; we then read each wanted entry's 30-byte local header to learn where
 * its data starts. Nothing is decompressed: PyTorch stores every entry uncompressed (and aligned to 64
 * bytes), so a tensor is a plain byte range of the archive. A compressed entry is refused by name.
 *
 * yauzl reads through `read(buffer, offset, length, position)`; we serve it from a read-ahead window so
 * the central directory (hundreds of small records at the end of the file) costs one or two reads.
 */
import { Readable } from "node:stream";
import yauzl from "yauzl";
import { FormatError } from "../../errors.js";
import { type RangeSource, readRanges } from "../range-source.js";

/** More entries than any checkpoint has (one per storage: ~100k for the largest MoE checkpoints). */
export const MAX_ZIP_ENTRIES = 1 << 21;

/** Bytes fetched per directory read: the central directory of a 1,000-tensor checkpoint is ~80 KB. */
const DIRECTORY_WINDOW_BYTES = 256 * 1024;

const LOCAL_HEADER_BYTES = 30;
const LOCAL_HEADER_SIGNATURE = 0x04034b50;

export interface ZipEntry {
  name: string;
  /** Offset of the entry's local header. */
  headerOffset: number;
  /** Bytes stored (equal to the uncompressed size for a stored entry). */
  size: number;
  compressionMethod: number;
}

class SourceReader extends yauzl.RandomAccessReader {
  private window: Uint8Array = new Uint8Array(0);
  private windowStart = 0;
  failure: unknown;

  constructor(private readonly source: RangeSource) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    const stream = new Readable({ read() {} });
    this.source.read(start, end - start, "zip directory").then(
      (bytes) => {
        stream.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
        stream.push(null);
      },
      (error) => stream.destroy(error as Error),
    );
    return stream;
  }

  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (err: Error | null) => void,
  ): void {
    const inside =
      position >= this.windowStart && position + length <= this.windowStart + this.window.byteLength;
    const copy = () => {
      const from = position - this.windowStart;
      buffer.set(this.window.subarray(from, from + length), offset);
      callback(null);
    };
    if (inside) {
      copy();
      return;
    }
    const want = Math.min(Math.max(length, DIRECTORY_WINDOW_BYTES), this.source.size - position);
    this.source.read(position, Math.max(want, length), "zip directory").then(
      (bytes) => {
        this.window = bytes;
        this.windowStart = position;
        copy();
      },
      (error) => {
        this.failure = error;
        callback(error as Error);
      },
    );
  }
}

function zipError(source: RangeSource, error: unknown, reader: SourceReader): unknown {
  if (reader.failure !== undefined) return reader.failure;
  if (error instanceof FormatError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new FormatError(`not a readable zip archive: ${message}`, {
    file: source.name,
    field: "zip directory",
  });
}

/** Every entry of the archive's central directory. */
export async function readZipDirectory(source: RangeSource): Promise<ZipEntry[]> {
  const reader = new SourceReader(source);
  let zip: yauzl.ZipFile;
  try {
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
      yauzl.fromRandomAccessReader(
        reader,
        source.size,
        { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: true },
        (error, file) => (error ? reject(error) : resolve(file)),
      );
    });
  } catch (error) {
    throw zipError(source, error, reader);
  }
  if (zip.entryCount > MAX_ZIP_ENTRIES) {
    throw new FormatError(`declares ${zip.entryCount} entries, more than the ${MAX_ZIP_ENTRIES} limit`, {
      file: source.name,
      field: "zip directory",
    });
  }
  const entries: ZipEntry[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on("entry", (entry: yauzl.Entry) => {
        entries.push({
          name: entry.fileName,
          headerOffset: entry.relativeOffsetOfLocalHeader,
          size: entry.compressedSize,
          compressionMethod: entry.compressionMethod,
        });
        zip.readEntry();
      });
      zip.on("end", () => resolve());
      zip.on("error", reject);
      zip.readEntry();
    });
  } catch (error) {
    throw zipError(source, error, reader);
  } finally {
    zip.close();
  }
  return entries;
}

/**
 * Where each entry's data starts: its local header is read (30 bytes plus the name) and checked (the
 * signature, the name, the data inside the file). Entries must be stored uncompressed.
 */
export async function dataOffsets(source: RangeSource, entries: readonly ZipEntry[]): Promise<number[]> {
  for (const entry of entries) {
    if (entry.compressionMethod !== 0) {
      throw new FormatError(
        `entry is compressed (method ${entry.compressionMethod}); tensors are read from stored entries only`,
        { file: source.name, field: entry.name },
      );
    }
  }
  const headers = await readRanges(
    source,
    entries.map((entry) => ({
      offset: entry.headerOffset,
      length: Math.min(LOCAL_HEADER_BYTES, source.size - entry.headerOffset),
    })),
    "zip local headers",
  );
  return entries.map((entry, i) => {
    const header = headers[i]!;
    const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
    if (header.byteLength < LOCAL_HEADER_BYTES || view.getUint32(0, true) !== LOCAL_HEADER_SIGNATURE) {
      throw new FormatError(`no local file header at offset ${entry.headerOffset}`, {
        file: source.name,
        field: entry.name,
      });
    }
    const start =
      entry.headerOffset + LOCAL_HEADER_BYTES + view.getUint16(26, true) + view.getUint16(28, true);
    if (start + entry.size > source.size) {
      throw new FormatError(`entry data ${start}..${start + entry.size} runs past the end of the file`, {
        file: source.name,
        field: entry.name,
      });
    }
    return start;
  });
}

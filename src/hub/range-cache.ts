/**
 * lineage's on-disk cache of byte ranges fetched from Hub files, so a rerun fetches nothing. One cached
 * file is a sparse data file the size of the remote file plus an index of the ranges it holds:
 *   <cacheDir>/hub/<endpoint host>/models--ORG--NAME/blobs/<commit>/<file, URL-encoded>.{data,json}
 * Files at a commit are immutable, so the commit is the key; the ETag the Hub sends (the content hash of
 * an LFS file) is recorded and a different one invalidates the entry. Nothing about the request (no
 * header, no token) is stored.
 */
import { type FileHandle, mkdir, open, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ApiError } from "../errors.js";
import type { ByteRange } from "../formats/range-source.js";

export interface CachedFileKey {
  endpoint: string;
  repo: string;
  commit: string;
  file: string;
}

interface IndexFile {
  file: string;
  size: number;
  etag: string | null;
  ranges: [number, number][];
}

/** The folder of one repository in lineage's cache. */
export function repoCacheFolder(cacheDir: string, endpoint: string, repo: string): string {
  let host: string;
  try {
    host = new URL(endpoint).host.replace(/[^\w.-]/g, "_");
  } catch {
    host = "endpoint";
  }
  return join(cacheDir, "hub", host, `models--${repo.replace("/", "--")}`);
}

/** Merge `[start, end)` into sorted, disjoint intervals. */
function addInterval(ranges: [number, number][], start: number, end: number): [number, number][] {
  const out: [number, number][] = [];
  let [s, e] = [start, end];
  for (const [a, b] of ranges) {
    if (b < s || a > e) out.push([a, b]);
    else [s, e] = [Math.min(a, s), Math.max(b, e)];
  }
  out.push([s, e]);
  return out.sort((x, y) => x[0] - y[0]);
}

export class FileRangeCache {
  private constructor(
    private readonly indexPath: string,
    private readonly handle: FileHandle,
    private index: IndexFile,
  ) {}

  /** Open (creating) the cache entry of a file of `size` bytes whose content has `etag`. */
  static async open(
    cacheDir: string,
    key: CachedFileKey,
    size: number,
    etag: string | undefined,
  ): Promise<FileRangeCache> {
    const folder = join(repoCacheFolder(cacheDir, key.endpoint, key.repo), "blobs", key.commit);
    const base = join(folder, encodeURIComponent(key.file));
    try {
      await mkdir(folder, { recursive: true });
    } catch (error) {
      throw new ApiError(
        `cannot create the cache folder ${folder} (set LINEAGE_CACHE to a writable folder)`,
        {
          cause: error,
        },
      );
    }
    let index: IndexFile = { file: key.file, size, etag: etag ?? null, ranges: [] };
    try {
      const stored = JSON.parse(await readFile(`${base}.json`, "utf8")) as IndexFile;
      const sameContent =
        stored.size === size && (etag === undefined || stored.etag === null || stored.etag === etag);
      if (sameContent && Array.isArray(stored.ranges))
        index = { ...stored, etag: stored.etag ?? etag ?? null };
    } catch {
      // No entry yet, or a damaged one: start empty.
    }
    const handle = await open(`${base}.data`, index.ranges.length === 0 ? "w+" : "r+").catch(() =>
      open(`${base}.data`, "w+"),
    );
    if (index.ranges.length === 0) await handle.truncate(0);
    return new FileRangeCache(`${base}.json`, handle, index);
  }

  /** The parts of `[offset, offset + length)` not yet cached. */
  missing(offset: number, length: number): ByteRange[] {
    const out: ByteRange[] = [];
    let at = offset;
    const end = offset + length;
    for (const [a, b] of this.index.ranges) {
      if (b <= at) continue;
      if (a >= end) break;
      if (a > at) out.push({ offset: at, length: a - at });
      at = Math.max(at, b);
      if (at >= end) break;
    }
    if (at < end) out.push({ offset: at, length: end - at });
    return out;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(out, done, length - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    if (done !== length) throw new ApiError(`cache entry ${this.indexPath} is shorter than its index says`);
    return out;
  }

  async write(offset: number, bytes: Uint8Array): Promise<void> {
    let done = 0;
    while (done < bytes.byteLength) {
      const { bytesWritten } = await this.handle.write(bytes, done, bytes.byteLength - done, offset + done);
      done += bytesWritten;
    }
    this.index.ranges = addInterval(this.index.ranges, offset, offset + bytes.byteLength);
    const temporary = `${this.indexPath}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(this.index));
    await rename(temporary, this.indexPath);
  }

  async close(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }
}

/**
 * One file of a Hub repository at a commit as a RangeSource: reads are served from lineage's range
 * cache, and what is missing is fetched with HTTP Range requests. Reads asked for together (in the same
 * turn of the event loop, or through `readMany`) are merged: ranges closer than `gapBytes` become one
 * request, so a store's scattered row reads cost a few requests, not one per row.
 */
import { ApiError } from "../errors.js";
import { type ByteRange, checkRange, type RangeSource } from "../formats/range-source.js";
import type { HubClient } from "./hub-client.js";
import { FileRangeCache } from "./range-cache.js";

/** Gap between two wanted ranges read through rather than asked for twice. Requests run in parallel
 * (the client's concurrency) and row reads are issued ahead, so a request's round trip mostly overlaps
 * others; every byte read through, though, counts against what a compare fetches. Measured with
 * `npm run bench:hub` (docs/hub.md): at 1 MiB a compare's sampled rows of a 1B model pulled whole
 * matrices; 64 KiB, like a local file's gap, keeps fetches close to what compare reads. */
export const REMOTE_GAP_BYTES = 64 * 1024;

/** A read at offset 0 (every header read starts there) fetches at least this much: the safetensors
 * JSON and the GGUF key-values follow the first bytes, so one request usually brings the whole header. */
export const HEADER_READAHEAD_BYTES = 256 * 1024;

/** Largest single request: bounds memory and what a retry repeats. */
export const MAX_REQUEST_BYTES = 64 * 1024 * 1024;

interface PendingRead {
  offset: number;
  length: number;
  field: string;
  resolve: (bytes: Uint8Array) => void;
  reject: (error: unknown) => void;
}

export interface HubFileLocation {
  repo: string;
  commit: string;
  file: string;
  size: number;
  /** Content hash (LFS) or ETag when the listing gives one. */
  etag?: string;
}

export class HubFileSource implements RangeSource {
  readonly name: string;
  readonly size: number;
  readonly gapBytes = REMOTE_GAP_BYTES;
  /** Bytes fetched over HTTP (reads answered from lineage's range cache cost nothing). */
  bytesRead = 0;
  private pending: PendingRead[] = [];
  private scheduled = false;
  private closed = false;

  private constructor(
    private readonly client: HubClient,
    private readonly location: HubFileLocation,
    private readonly cache: FileRangeCache,
  ) {
    this.name = `hf://${location.repo}@${location.commit}/${location.file}`;
    this.size = location.size;
  }

  static async open(client: HubClient, cacheDir: string, location: HubFileLocation): Promise<HubFileSource> {
    const cache = await FileRangeCache.open(
      cacheDir,
      { endpoint: client.endpoint, repo: location.repo, commit: location.commit, file: location.file },
      location.size,
      location.etag,
    );
    return new HubFileSource(client, location, cache);
  }

  read(offset: number, length: number, field: string): Promise<Uint8Array> {
    try {
      checkRange(this.name, this.size, offset, length, field);
    } catch (error) {
      return Promise.reject(error);
    }
    if (length === 0) return Promise.resolve(new Uint8Array(0));
    return new Promise((resolve, reject) => {
      this.pending.push({ offset, length, field, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          const batch = this.pending;
          this.pending = [];
          this.flush(batch).catch((error) => {
            for (const read of batch) read.reject(error);
          });
        });
      }
    });
  }

  readMany(ranges: readonly ByteRange[], field: string): Promise<Uint8Array[]> {
    return Promise.all(ranges.map((range) => this.read(range.offset, range.length, field)));
  }

  /** Fetch what a batch of reads needs (merged), then answer each read from the cache. */
  private async flush(batch: readonly PendingRead[]): Promise<void> {
    if (this.closed) throw new ApiError("read after close", { file: this.name });
    const wanted = batch.map((read) =>
      read.offset === 0
        ? { offset: 0, length: Math.min(this.size, Math.max(read.length, HEADER_READAHEAD_BYTES)) }
        : read,
    );
    const missing = wanted.flatMap((range) => this.cache.missing(range.offset, range.length));
    const requests = mergeRanges(missing, this.gapBytes, MAX_REQUEST_BYTES);
    await Promise.all(
      requests.map(async (request) => {
        const { bytes, size } = await this.client.range(
          { repo: this.location.repo, revision: this.location.commit, file: this.location.file },
          request.offset,
          request.length,
        );
        if (size !== undefined && size !== this.size) {
          throw new ApiError(`the file has ${size} bytes but the repository listing said ${this.size}`, {
            file: this.name,
          });
        }
        await this.cache.write(request.offset, bytes);
      }),
    );
    let fetched = 0;
    for (const request of requests) fetched += request.length;
    this.bytesRead += fetched;
    let served = 0;
    for (const read of batch) {
      try {
        read.resolve(await this.cache.read(read.offset, read.length));
        served += read.length;
      } catch (error) {
        read.reject(error);
      }
    }
    this.client.traffic.cachedBytes += Math.max(0, served - fetched);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.cache.close();
  }
}

/** Sorted, merged ranges: neighbours closer than `gap` join, no merged range exceeds `max` (a single
 * range longer than `max` is split). */
export function mergeRanges(ranges: readonly ByteRange[], gap: number, max: number): ByteRange[] {
  const sorted = [...ranges].filter((r) => r.length > 0).sort((a, b) => a.offset - b.offset);
  const merged: ByteRange[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    const end = range.offset + range.length;
    if (last !== undefined && range.offset <= last.offset + last.length + gap && end - last.offset <= max) {
      last.length = Math.max(last.length, end - last.offset);
    } else {
      merged.push({ offset: range.offset, length: range.length });
    }
  }
  return merged.flatMap((range) => {
    const pieces: ByteRange[] = [];
    for (let at = range.offset; at < range.offset + range.length; at += max) {
      pieces.push({ offset: at, length: Math.min(max, range.offset + range.length - at) });
    }
    return pieces;
  });
}

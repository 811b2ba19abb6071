/**
 * A GGUF header read through a RangeSource. The header parser is synchronous (it walks a cursor over
 * the bytes), so a remote file's header is parsed from a prefix held in memory: a first guess, then a
 * larger prefix whenever the parser runs past it. A local file is parsed straight from disk.
 */
import { FormatError } from "../../errors.js";
import { PositionalFile } from "../file-reader.js";
import type { RangeSource } from "../range-source.js";
import type { ByteSource } from "./byte-reader.js";
import { type GgufHeader, parseGgufHeader, readGgufHeader } from "./header.js";

/** First prefix fetched for a remote header: most headers (a 32k-token vocabulary, a few hundred tensors)
 * fit in 2 MiB; the parser reads ahead in 1 MiB windows, so a smaller guess would always be refetched. */
export const FIRST_REMOTE_PREFIX_BYTES = 4 * 1024 * 1024;

/** Largest prefix fetched for a header. The largest real headers (150k-token vocabularies with their
 * merges, ~100k-tensor MoE tables) take 10–30 MB; a header that needs more is refused, not downloaded. */
export const MAX_REMOTE_HEADER_BYTES = 96 * 1024 * 1024;

/** Thrown by a prefix source when the parser reads past the bytes fetched so far. */
class PrefixExhausted extends Error {
  constructor(readonly end: number) {
    super(`GGUF header parser needs bytes up to ${end}`);
  }
}

function prefixSource(prefix: Uint8Array, name: string, size: number): ByteSource {
  return {
    name,
    size,
    readAt(target, position) {
      const end = position + target.byteLength;
      if (end > prefix.byteLength && prefix.byteLength < size) throw new PrefixExhausted(end);
      const slice = prefix.subarray(position, end);
      target.set(slice);
      return slice.byteLength;
    },
    close() {},
  };
}

/** Parse the header of the GGUF file behind `source`, reading only the header's bytes (plus read-ahead). */
export async function readGgufHeaderFrom(source: RangeSource): Promise<GgufHeader> {
  if (source instanceof PositionalFile) return readGgufHeader(source.path);
  let length = Math.min(source.size, FIRST_REMOTE_PREFIX_BYTES);
  for (;;) {
    const prefix = await source.read(0, length, "header");
    try {
      return parseGgufHeader(prefixSource(prefix, source.name, source.size));
    } catch (error) {
      if (!(error instanceof PrefixExhausted)) throw error;
      const next = Math.min(source.size, Math.max(2 * length, error.end));
      if (next > MAX_REMOTE_HEADER_BYTES) {
        throw new FormatError(
          `the header runs past ${MAX_REMOTE_HEADER_BYTES} bytes (the limit fetched for a GGUF header)`,
          { file: source.name, field: "header" },
        );
      }
      length = next;
    }
  }
}

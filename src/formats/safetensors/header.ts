/**
 * The safetensors header: an 8-byte little-endian length, then that many bytes of JSON mapping tensor
 * names to `{ dtype, shape, data_offsets }` (offsets relative to the end of the header).
 * Wire types keep the on-disk spelling; validation happens here, before any tensor byte is read.
 */
import { FormatError } from "../../errors.js";
import { DTYPE_NAME, SAFETENSORS_DTYPE_BITS } from "../dtype.js";

/** Header JSON larger than this is refused before anything is allocated: real headers of 400 GB models
 * are a few MB, and a hostile (or garbage) length must not allocate gigabytes. 100,000,000 bytes is the
 * `MAX_HEADER_SIZE` of the reference implementation (the `safetensors` Rust crate, `HeaderTooLarge`),
 * so every file it reads we read too. */
export const MAX_HEADER_BYTES = 100_000_000;
/** More dimensions than any real tensor has; a cap so a hostile shape cannot make us loop. */
export const MAX_RANK = 16;

export interface SafetensorsWireEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

export interface SafetensorsEntry {
  name: string;
  /** As written: a decodable SafetensorsDtype, another dtype of the format (F4, F8_E8M0, …) or a name
   * we do not know; only reading a tensor of a dtype we cannot decode fails. */
  dtype: string;
  shape: number[];
  /** Offsets relative to the start of the data section. */
  begin: number;
  end: number;
}

export interface ParsedHeader {
  headerLength: number;
  /** Absolute offset of the data section (8 + headerLength). */
  dataStart: number;
  entries: SafetensorsEntry[];
  metadata: Record<string, string>;
}

export function readHeaderLength(prefix: Uint8Array, file: string, fileSize: number): number {
  if (prefix.byteLength < 8 || fileSize < 8) {
    throw new FormatError("file is shorter than the 8-byte header length", { file, field: "header length" });
  }
  const length = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (length > BigInt(MAX_HEADER_BYTES)) {
    // BigInt prints exactly: a garbage length of 2^62 reads 4611686018427387904, not 4611686018427388000.
    throw new FormatError(
      `header of ${length} bytes exceeds the ${MAX_HEADER_BYTES}-byte limit of safetensors headers (not a safetensors file, or a corrupt one)`,
      { file, field: "header length" },
    );
  }
  const n = Number(length);
  if (8 + n > fileSize) {
    throw new FormatError(`header of ${n} bytes is longer than the ${fileSize}-byte file (truncated?)`, {
      file,
      field: "header length",
    });
  }
  return n;
}

/** A JSON value for a message. JSON.parse has already rounded an integer above 2^53 (2^62 reads as
 * 4611686018427388000), so such a figure is not printed as if it were the file's. */
function describeJsonNumber(value: unknown): string {
  if (typeof value === "number" && Number.isInteger(value) && Math.abs(value) > Number.MAX_SAFE_INTEGER) {
    return `${value < 0 ? "below -" : "more than "}2^53`;
  }
  return JSON.stringify(value);
}

function checkShape(shape: unknown, file: string, field: string): number[] {
  if (!Array.isArray(shape) || shape.length > MAX_RANK) {
    throw new FormatError(`shape must be an array of at most ${MAX_RANK} dimensions`, { file, field });
  }
  for (const dim of shape) {
    if (!Number.isSafeInteger(dim) || dim < 0) {
      throw new FormatError(`shape has an invalid dimension ${describeJsonNumber(dim)}`, { file, field });
    }
  }
  return shape as number[];
}

/** Parse and validate the JSON header. `dataBytes` is the size of the data section. */
export function parseHeaderJson(json: Uint8Array, file: string, dataBytes: number): ParsedHeader {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(json));
  } catch (error) {
    throw new FormatError("header is not valid UTF-8 JSON", { file, field: "header", cause: error });
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new FormatError("header must be a JSON object", { file, field: "header" });
  }
  const entries: SafetensorsEntry[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        throw new FormatError("__metadata__ must be an object of strings", { file, field: "__metadata__" });
      }
      metadata = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
      continue;
    }
    const field = `tensor ${name}`;
    if (value === null || typeof value !== "object") {
      throw new FormatError("entry must be an object", { file, field });
    }
    const wire = value as Partial<SafetensorsWireEntry>;
    if (typeof wire.dtype !== "string" || !DTYPE_NAME.test(wire.dtype)) {
      throw new FormatError(`dtype ${JSON.stringify(wire.dtype)} is not a dtype name`, {
        file,
        field: `${field}.dtype`,
      });
    }
    const dtype = wire.dtype;
    const shape = checkShape(wire.shape, file, `${field}.shape`);
    const offsets = wire.data_offsets;
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
      offsets[0] > offsets[1]
    ) {
      const written = Array.isArray(offsets)
        ? ` (written [${offsets.map(describeJsonNumber).join(", ")}])`
        : "";
      throw new FormatError(`data_offsets must be [begin, end] with 0 <= begin <= end${written}`, {
        file,
        field: `${field}.data_offsets`,
      });
    }
    const [begin, end] = offsets;
    if (end > dataBytes) {
      throw new FormatError(`data_offsets end ${end} is past the data section (${dataBytes} bytes)`, {
        file,
        field: `${field}.data_offsets`,
      });
    }
    // A dtype the format defines has a known size (F4 packs two elements per byte); a name we do not
    // know at all is kept with its byte span, bounded and checked for overlap like every other tensor.
    const bits = SAFETENSORS_DTYPE_BITS[dtype];
    if (bits !== undefined) {
      // In BigInt: a product of safe dimensions can pass 2^53, and the message must print it exactly.
      let totalBits = BigInt(bits);
      for (const dim of shape) totalBits *= BigInt(dim);
      if (totalBits % 8n !== 0n || totalBits / 8n !== BigInt(end - begin)) {
        const needs = totalBits % 8n === 0n ? `${totalBits / 8n} bytes` : `${totalBits} bits`;
        throw new FormatError(
          `shape [${shape.join(", ")}] of ${dtype} needs ${needs} but data_offsets span ${end - begin}`,
          { file, field: `${field}.data_offsets` },
        );
      }
    }
    entries.push({ name, dtype, shape, begin, end });
  }
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1]!;
    const current = sorted[i]!;
    if (current.begin < previous.end) {
      throw new FormatError(`data overlaps tensor ${previous.name}`, {
        file,
        field: `tensor ${current.name}.data_offsets`,
      });
    }
  }
  return { headerLength: json.byteLength, dataStart: 8 + json.byteLength, entries, metadata };
}

/**
 * The GGUF header: magic `GGUF`, version (2 or 3; v1 used 32-bit lengths and is refused), tensor count,
 * metadata count, the metadata key-values, the tensor infos, then padding to `general.alignment` where
 * the data section starts. Everything is validated here before any tensor byte is read: caps on every
 * declared length, tensor extents inside the file, aligned and non-overlapping.
 */
import { ByteReader, type ByteSource, fileSource, memorySource } from "./byte-reader.js";
import { type GgmlType, ggmlByteLength, ggmlTypeById } from "./ggml-types.js";
import { type InvalidUtf8Record, StringDecoder } from "./strings.js";
import {
  GGUF_VALUE_TYPES,
  type GgufArray,
  type GgufTypeInfo,
  type GgufValue,
  type GgufValueType,
  minimumItemBytes,
} from "./value.js";

export const GGUF_MAGIC = "GGUF";
export const GGUF_DEFAULT_ALIGNMENT = 32;

// Hostile-input caps. Each is far above anything a real file holds; together with the rule that every
// declared length must fit in the bytes left in the file, they keep a forged header from allocating
// gigabytes, recursing without end or looping for hours.
/** Metadata entries: real files have 20–60; 1M bounds the work a forged count can ask for. */
export const MAX_KV_COUNT = 1 << 20;
/** Tensors: a 671B MoE model in GGUF has about 1,100 (experts are merged); 1M bounds the table. */
export const MAX_TENSOR_COUNT = 1 << 20;
/** Bytes in one string: `tokenizer.huggingface.json` or a chat template can be tens of MB; V8 strings
 * stop near 512M characters, so 256 MiB keeps us clear of that and of forged lengths. */
export const MAX_STRING_BYTES = 256 * 1024 * 1024;
/** Bytes in a metadata key or tensor name: llama.cpp limits tensor names to 63 bytes; keys are short. */
export const MAX_NAME_BYTES = 64 * 1024;
/** Items in one array: vocabularies reach 262,144 tokens and merge lists ~1M; 16M leaves headroom. */
export const MAX_ARRAY_LENGTH = 1 << 24;
/** Nesting of arrays of arrays: nothing real nests at all; a cap keeps recursion shallow. */
export const MAX_ARRAY_DEPTH = 8;
/** Dimensions per tensor: GGML_MAX_DIMS. */
export const MAX_DIMS = 4;
/** Elements in one tensor: 2^48 (~281 trillion) is far past any real tensor and keeps sizes exact. */
export const MAX_TENSOR_ELEMENTS = 2 ** 48;
/** Largest `general.alignment` accepted: real files use 32 (a few use 64); 1 MiB is already absurd. */
export const MAX_ALIGNMENT = 1024 * 1024;

export interface GgufTensorInfo {
  name: string;
  /** Dimensions as stored (GGML order, fastest-varying first). */
  ne: number[];
  /** `ne` reversed: outermost first, as PyTorch and safetensors write shapes. */
  shape: number[];
  type: GgmlType;
  /** GGML type name (`Q4_K`, `F16`, …). */
  dtype: string;
  /** Offset relative to the start of the data section, as stored. */
  relativeOffset: number;
  /** Absolute offset in the file. */
  offset: number;
  byteLength: number;
  elementCount: number;
}

export interface GgufHeader {
  file: string;
  fileSize: number;
  version: number;
  tensorCount: number;
  kvCount: number;
  /** Metadata in file order. */
  metadata: Map<string, GgufValue>;
  /** Declared on-disk type of every metadata value. */
  metadataTypes: Map<string, GgufTypeInfo>;
  tensors: GgufTensorInfo[];
  alignment: number;
  /** Absolute offset where the data section starts (end of header, padded to `alignment`). */
  dataStart: number;
  /** Strings that were not valid UTF-8 (decoded with U+FFFD; raw bytes of the first
   * `MAX_INVALID_UTF8_REPORTS` kept here), and how many there were in all. */
  invalidUtf8: InvalidUtf8Record[];
  invalidUtf8Count: number;
}

/** Read and validate the header of the GGUF file at `path` (reads only the header bytes). */
export async function readGgufHeader(path: string): Promise<GgufHeader> {
  const source = fileSource(path);
  try {
    return parseGgufHeader(source);
  } finally {
    source.close();
  }
}

/** Parse a GGUF header held in memory (tests, or a prefix fetched elsewhere). */
export function parseGgufBytes(bytes: Uint8Array, name = "<memory>"): GgufHeader {
  return parseGgufHeader(memorySource(bytes, name));
}

function toCount(value: bigint, cap: number, reader: ByteReader, field: string): number {
  if (value > BigInt(cap)) reader.fail(`declared ${value} exceeds the limit of ${cap}`, field);
  return Number(value);
}

export function parseGgufHeader(source: ByteSource): GgufHeader {
  const reader = new ByteReader(source);
  const strings = new StringDecoder();
  if (source.size < 4) reader.fail(`file has ${source.size} bytes, too short for the GGUF magic`, "magic");
  const magic = reader.bytes(4, "magic");
  const magicText = String.fromCharCode(...magic);
  if (magicText !== GGUF_MAGIC) {
    reader.fail(`not a GGUF file: magic is ${JSON.stringify(magicText)}, expected "GGUF"`, "magic");
  }
  const version = reader.u32("version");
  if (version === 1) {
    reader.fail("GGUF version 1 (32-bit lengths, 2023) is not supported; re-convert to v3", "version");
  }
  if (version !== 2 && version !== 3) {
    // A big-endian file (gguf-py can write them) shows its version byte-swapped.
    const bigEndian = version === 0x02000000 || version === 0x03000000;
    reader.fail(
      bigEndian
        ? "big-endian GGUF files are not supported"
        : `unsupported GGUF version ${version} (expected 2 or 3)`,
      "version",
    );
  }
  const tensorCount = toCount(reader.u64("tensor_count"), MAX_TENSOR_COUNT, reader, "tensor_count");
  const kvCount = toCount(reader.u64("metadata_kv_count"), MAX_KV_COUNT, reader, "metadata_kv_count");
  // Each key-value takes at least 8 (key length) + 4 (type) + 1 bytes; each tensor info at least
  // 8 (name length) + 4 (n_dims) + 4 (type) + 8 (offset).
  if (kvCount * 13 + tensorCount * 24 > reader.remaining) {
    reader.fail(
      `declares ${kvCount} key-values and ${tensorCount} tensors, more than the ${source.size}-byte file can hold (truncated?)`,
      tensorCount * 24 > reader.remaining ? "tensor_count" : "metadata_kv_count",
    );
  }

  const metadata = new Map<string, GgufValue>();
  const metadataTypes = new Map<string, GgufTypeInfo>();
  for (let i = 0; i < kvCount; i++) {
    const key = readString(reader, strings, MAX_NAME_BYTES, `metadata #${i} key`);
    if (metadata.has(key)) reader.fail("duplicate metadata key", key);
    const type = readValueType(reader, key);
    const info: GgufTypeInfo = { type };
    metadata.set(key, readValue(reader, strings, type, key, info, 0));
    metadataTypes.set(key, info);
  }

  const alignment = readAlignment(reader, metadata, metadataTypes);

  const infos: Omit<GgufTensorInfo, "offset">[] = [];
  const names = new Set<string>();
  for (let i = 0; i < tensorCount; i++) {
    const name = readString(reader, strings, MAX_NAME_BYTES, `tensor #${i} name`);
    if (names.has(name)) reader.fail("duplicate tensor name", `tensor ${name}`);
    names.add(name);
    infos.push(readTensorInfo(reader, name, alignment));
  }

  const headerEnd = reader.position;
  const dataStart = Math.ceil(headerEnd / alignment) * alignment;
  const tensors = placeTensors(reader, infos, dataStart);
  return {
    file: source.name,
    fileSize: source.size,
    version,
    tensorCount,
    kvCount,
    metadata,
    metadataTypes,
    tensors,
    alignment,
    dataStart,
    invalidUtf8: strings.invalid,
    invalidUtf8Count: strings.invalidCount,
  };
}

function readValueType(reader: ByteReader, field: string): GgufValueType {
  const id = reader.u32(field);
  const type = GGUF_VALUE_TYPES[id];
  if (type === undefined) reader.fail(`unknown metadata value type ${id}`, field);
  return type;
}

function readString(
  reader: ByteReader,
  strings: StringDecoder,
  cap: number,
  field: string,
  index?: number,
): string {
  // Two 32-bit halves instead of a BigInt: this runs once per vocabulary token.
  const low = reader.u32(field);
  const high = reader.u32(field);
  const count = high * 2 ** 32 + low;
  if (count > cap) reader.fail(`string length ${count} exceeds the limit of ${cap} bytes`, field);
  if (count > reader.remaining) {
    reader.fail(`string length ${count} runs past the end of the file (truncated?)`, field);
  }
  return strings.decode(reader.bytes(count, field), field, index);
}

function readScalar(reader: ByteReader, type: GgufValueType, field: string): number | bigint | boolean {
  switch (type) {
    case "uint8":
      return reader.u8(field);
    case "int8":
      return reader.i8(field);
    case "uint16":
      return reader.u16(field);
    case "int16":
      return reader.i16(field);
    case "uint32":
      return reader.u32(field);
    case "int32":
      return reader.i32(field);
    case "float32":
      return reader.f32(field);
    case "float64":
      return reader.f64(field);
    case "uint64":
      return reader.u64(field);
    case "int64":
      return reader.i64(field);
    case "bool": {
      const byte = reader.u8(field);
      if (byte > 1) reader.fail(`bool value ${byte} is neither 0 nor 1`, field);
      return byte === 1;
    }
    default:
      return reader.fail(`${type} is not a scalar type`, field);
  }
}

function readValue(
  reader: ByteReader,
  strings: StringDecoder,
  type: GgufValueType,
  field: string,
  info: GgufTypeInfo,
  depth: number,
  index?: number,
): GgufValue {
  if (type === "string") return readString(reader, strings, MAX_STRING_BYTES, field, index);
  if (type !== "array") return readScalar(reader, type, field);
  if (depth >= MAX_ARRAY_DEPTH) reader.fail(`arrays nested deeper than ${MAX_ARRAY_DEPTH}`, field);
  const itemType = readValueType(reader, field);
  const itemInfo: GgufTypeInfo = { type: itemType };
  info.items = itemInfo;
  const length = toCount(reader.u64(field), MAX_ARRAY_LENGTH, reader, field);
  if (length * minimumItemBytes(itemType) > reader.remaining) {
    reader.fail(`array of ${length} ${itemType} items runs past the end of the file (truncated?)`, field);
  }
  return readArray(reader, strings, itemType, length, field, itemInfo, depth);
}

function readArray(
  reader: ByteReader,
  strings: StringDecoder,
  itemType: GgufValueType,
  length: number,
  field: string,
  itemInfo: GgufTypeInfo,
  depth: number,
): GgufArray {
  switch (itemType) {
    case "uint8":
      return reader.typed(
        length,
        1,
        (b, n) => new Uint8Array(b, 0, n),
        (v, o) => v.getUint8(o),
        field,
      );
    case "int8":
      return reader.typed(
        length,
        1,
        (b, n) => new Int8Array(b, 0, n),
        (v, o) => v.getInt8(o),
        field,
      );
    case "uint16":
      return reader.typed(
        length,
        2,
        (b, n) => new Uint16Array(b, 0, n),
        (v, o) => v.getUint16(o, true),
        field,
      );
    case "int16":
      return reader.typed(
        length,
        2,
        (b, n) => new Int16Array(b, 0, n),
        (v, o) => v.getInt16(o, true),
        field,
      );
    case "uint32":
      return reader.typed(
        length,
        4,
        (b, n) => new Uint32Array(b, 0, n),
        (v, o) => v.getUint32(o, true),
        field,
      );
    case "int32":
      return reader.typed(
        length,
        4,
        (b, n) => new Int32Array(b, 0, n),
        (v, o) => v.getInt32(o, true),
        field,
      );
    case "float32":
      return reader.typed(
        length,
        4,
        (b, n) => new Float32Array(b, 0, n),
        (v, o) => v.getFloat32(o, true),
        field,
      );
    case "float64":
      return reader.typed(
        length,
        8,
        (b, n) => new Float64Array(b, 0, n),
        (v, o) => v.getFloat64(o, true),
        field,
      );
    case "uint64":
      return reader.typed(
        length,
        8,
        (b, n) => new BigUint64Array(b, 0, n),
        (v, o) => v.getBigUint64(o, true),
        field,
      );
    case "int64":
      return reader.typed(
        length,
        8,
        (b, n) => new BigInt64Array(b, 0, n),
        (v, o) => v.getBigInt64(o, true),
        field,
      );
    case "bool": {
      const items: boolean[] = new Array(length);
      for (let i = 0; i < length; i++) items[i] = readScalar(reader, "bool", field) as boolean;
      return items;
    }
    case "string": {
      const items: string[] = new Array(length);
      for (let i = 0; i < length; i++) items[i] = readString(reader, strings, MAX_STRING_BYTES, field, i);
      return items;
    }
    case "array": {
      const items: GgufValue[] = new Array(length);
      for (let i = 0; i < length; i++) {
        // Nested arrays may each declare their own item type; the info records the first one.
        const info: GgufTypeInfo = { type: "array" };
        items[i] = readValue(reader, strings, "array", field, info, depth + 1, i);
        if (i === 0 && info.items !== undefined) itemInfo.items = info.items;
      }
      return items;
    }
  }
}

function readAlignment(
  reader: ByteReader,
  metadata: Map<string, GgufValue>,
  types: Map<string, GgufTypeInfo>,
): number {
  const field = "general.alignment";
  const value = metadata.get(field);
  if (value === undefined) return GGUF_DEFAULT_ALIGNMENT;
  const type = types.get(field)!.type;
  if (type !== "uint32" && type !== "uint64" && type !== "int32" && type !== "uint16" && type !== "uint8") {
    reader.fail(`must be an unsigned integer, found ${type}`, field);
  }
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0 || n > MAX_ALIGNMENT || (n & (n - 1)) !== 0) {
    reader.fail(`alignment ${value} is not a power of two between 1 and ${MAX_ALIGNMENT}`, field);
  }
  return n;
}

function readTensorInfo(reader: ByteReader, name: string, alignment: number): Omit<GgufTensorInfo, "offset"> {
  const field = `tensor ${name}`;
  const nDims = reader.u32(`${field} n_dims`);
  if (nDims > MAX_DIMS)
    reader.fail(`n_dims ${nDims} exceeds GGML's maximum of ${MAX_DIMS}`, `${field} n_dims`);
  const ne: number[] = [];
  let elementCount = 1;
  for (let d = 0; d < nDims; d++) {
    const dim = reader.u64(`${field} ne[${d}]`);
    if (dim > BigInt(MAX_TENSOR_ELEMENTS)) {
      reader.fail(
        `dimension ${dim} exceeds the limit of ${MAX_TENSOR_ELEMENTS} elements`,
        `${field} ne[${d}]`,
      );
    }
    ne.push(Number(dim));
    elementCount *= Number(dim);
    if (elementCount > MAX_TENSOR_ELEMENTS) {
      reader.fail(`more than ${MAX_TENSOR_ELEMENTS} elements`, `${field} ne`);
    }
  }
  const typeId = reader.u32(`${field} type`);
  const type = ggmlTypeById(typeId);
  if (type === undefined) reader.fail(`unknown GGML type id ${typeId}`, `${field} type`);
  const rowLength = ne[0] ?? 1;
  if (rowLength % type.blockSize !== 0) {
    reader.fail(
      `row length ne[0]=${rowLength} is not a multiple of the ${type.name} block size ${type.blockSize}`,
      `${field} ne[0]`,
    );
  }
  const offset = reader.u64(`${field} offset`);
  if (offset > BigInt(Number.MAX_SAFE_INTEGER))
    reader.fail(`offset ${offset} is out of range`, `${field} offset`);
  const relativeOffset = Number(offset);
  if (relativeOffset % alignment !== 0) {
    reader.fail(
      `offset ${relativeOffset} is not a multiple of the alignment ${alignment}`,
      `${field} offset`,
    );
  }
  return {
    name,
    ne,
    shape: [...ne].reverse(),
    type,
    dtype: type.name,
    relativeOffset,
    byteLength: ggmlByteLength(type, elementCount),
    elementCount,
  };
}

/** Turn relative offsets into absolute ones; every tensor must lie inside the file and none may overlap. */
function placeTensors(
  reader: ByteReader,
  infos: Omit<GgufTensorInfo, "offset">[],
  dataStart: number,
): GgufTensorInfo[] {
  const dataBytes = reader.source.size - dataStart;
  const tensors = infos.map((info) => {
    const end = info.relativeOffset + info.byteLength;
    if (info.byteLength > 0 && end > dataBytes) {
      reader.fail(
        `data ${info.relativeOffset}..${end} runs past the end of the data section (${Math.max(0, dataBytes)} bytes; truncated?)`,
        `tensor ${info.name} offset`,
      );
    }
    return { ...info, offset: dataStart + info.relativeOffset };
  });
  const byOffset = [...tensors].filter((t) => t.byteLength > 0).sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < byOffset.length; i++) {
    const previous = byOffset[i - 1]!;
    const current = byOffset[i]!;
    if (current.offset < previous.offset + previous.byteLength) {
      reader.fail(`data overlaps tensor ${previous.name}`, `tensor ${current.name} offset`);
    }
  }
  return tensors;
}

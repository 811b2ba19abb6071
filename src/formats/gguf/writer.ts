/**
 * Writing GGUF v3 files: metadata of every value type and tensors of any GGML type whose bytes the
 * caller supplies already encoded (see `quantize.ts` for Q8_0/Q4_0 and `half.ts` for
 * F32/F16). Used by tests to build inputs byte by byte, by the benchmark, and to make quantized copies
 * of models. Tensor data may be streamed (async iterables of chunks) so multi-GB files never sit in
 * memory.
 */
import { open } from "node:fs/promises";
import { UsageError } from "../../errors.js";
import { ggmlByteLength, requireGgmlType } from "./ggml-types.js";
import { GGUF_DEFAULT_ALIGNMENT } from "./header.js";
import {
  GGUF_SCALAR_BYTES,
  type GgufArray,
  type GgufTypeInfo,
  type GgufValue,
  type GgufValueType,
  ggufValueTypeId,
} from "./value.js";

/** A metadata value with the on-disk type to write it as. */
export interface GgufTypedValue {
  type: GgufTypeInfo;
  value: GgufValue;
}

/** Shorthands for typed metadata values. */
export const gguf = {
  u8: (value: number): GgufTypedValue => ({ type: { type: "uint8" }, value }),
  i8: (value: number): GgufTypedValue => ({ type: { type: "int8" }, value }),
  u16: (value: number): GgufTypedValue => ({ type: { type: "uint16" }, value }),
  i16: (value: number): GgufTypedValue => ({ type: { type: "int16" }, value }),
  u32: (value: number): GgufTypedValue => ({ type: { type: "uint32" }, value }),
  i32: (value: number): GgufTypedValue => ({ type: { type: "int32" }, value }),
  u64: (value: bigint): GgufTypedValue => ({ type: { type: "uint64" }, value }),
  i64: (value: bigint): GgufTypedValue => ({ type: { type: "int64" }, value }),
  f32: (value: number): GgufTypedValue => ({ type: { type: "float32" }, value }),
  f64: (value: number): GgufTypedValue => ({ type: { type: "float64" }, value }),
  bool: (value: boolean): GgufTypedValue => ({ type: { type: "bool" }, value }),
  str: (value: string): GgufTypedValue => ({ type: { type: "string" }, value }),
  /** An array of `items` (a scalar or string type, or nested `GgufTypeInfo` for arrays of arrays). */
  array: (items: GgufValueType | GgufTypeInfo, value: GgufArray): GgufTypedValue => ({
    type: { type: "array", items: typeof items === "string" ? { type: items } : items },
    value,
  }),
};

export interface GgufTensorSpec {
  name: string;
  /** GGML type name (`F32`, `F16`, `Q8_0`, …). */
  dtype: string;
  /** PyTorch order (outermost first); written reversed as GGML `ne`. */
  shape: readonly number[];
  /** Encoded bytes: one array, or chunks (streamed) whose total must be the tensor's byte length. */
  data: Uint8Array | (() => AsyncIterable<Uint8Array>);
}

export interface GgufFileSpec {
  /** Metadata in the order to write it. `general.alignment` is added when `alignment` is not 32. */
  metadata?: Iterable<[string, GgufTypedValue]>;
  tensors?: readonly GgufTensorSpec[];
  alignment?: number;
  /** Defaults to 3. */
  version?: 2 | 3;
}

class ByteSink {
  private buffer = new Uint8Array(4096);
  private view = new DataView(this.buffer.buffer);
  length = 0;

  private room(count: number): number {
    if (this.length + count > this.buffer.byteLength) {
      const next = new Uint8Array(Math.max(this.buffer.byteLength * 2, this.length + count));
      next.set(this.buffer.subarray(0, this.length));
      this.buffer = next;
      this.view = new DataView(next.buffer);
    }
    const at = this.length;
    this.length += count;
    return at;
  }
  // `room` may replace the buffer, so it is always called before `this.view`/`this.buffer` is read.
  u8(v: number) {
    const at = this.room(1);
    this.view.setUint8(at, v);
  }
  u32(v: number) {
    const at = this.room(4);
    this.view.setUint32(at, v, true);
  }
  u64(v: number | bigint) {
    const at = this.room(8);
    this.view.setBigUint64(at, BigInt(v), true);
  }
  raw(bytes: Uint8Array) {
    const at = this.room(bytes.byteLength);
    this.buffer.set(bytes, at);
  }
  string(text: string) {
    const bytes = new TextEncoder().encode(text);
    this.u64(bytes.byteLength);
    this.raw(bytes);
  }
  scalar(type: GgufValueType, value: GgufValue, field: string) {
    const at = this.room(GGUF_SCALAR_BYTES[type] ?? 0);
    const v = this.view;
    const n = value as number;
    switch (type) {
      case "uint8":
        return v.setUint8(at, n);
      case "int8":
        return v.setInt8(at, n);
      case "uint16":
        return v.setUint16(at, n, true);
      case "int16":
        return v.setInt16(at, n, true);
      case "uint32":
        return v.setUint32(at, n, true);
      case "int32":
        return v.setInt32(at, n, true);
      case "float32":
        return v.setFloat32(at, n, true);
      case "float64":
        return v.setFloat64(at, n, true);
      case "uint64":
        return v.setBigUint64(at, BigInt(value as bigint), true);
      case "int64":
        return v.setBigInt64(at, BigInt(value as bigint), true);
      case "bool":
        return v.setUint8(at, value ? 1 : 0);
      default:
        throw new UsageError(`${type} is not a scalar type`, { field });
    }
  }
  value(info: GgufTypeInfo, value: GgufValue, field: string) {
    if (info.type === "string") {
      if (value instanceof Uint8Array) {
        // Raw bytes, written as they are (lets tests write invalid UTF-8).
        this.u64(value.byteLength);
        this.raw(value);
        return;
      }
      if (typeof value !== "string") throw new UsageError("expected a string", { field });
      this.string(value);
      return;
    }
    if (info.type !== "array") {
      this.scalar(info.type, value, field);
      return;
    }
    const items = info.items;
    if (items === undefined) throw new UsageError("array without an item type", { field });
    const list = value as ArrayLike<GgufValue>;
    this.u32(ggufValueTypeId(items.type));
    this.u64(list.length);
    for (let i = 0; i < list.length; i++) this.value(items, list[i]!, field);
  }
  bytes(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }
}

interface Layout {
  header: Uint8Array;
  tensors: { spec: GgufTensorSpec; offset: number; byteLength: number }[];
  alignment: number;
}

function layout(spec: GgufFileSpec): Layout {
  const alignment = spec.alignment ?? GGUF_DEFAULT_ALIGNMENT;
  const metadata = [...(spec.metadata ?? [])];
  if (alignment !== GGUF_DEFAULT_ALIGNMENT && !metadata.some(([key]) => key === "general.alignment")) {
    metadata.push(["general.alignment", gguf.u32(alignment)]);
  }
  const tensors = spec.tensors ?? [];
  const sink = new ByteSink();
  sink.raw(new TextEncoder().encode("GGUF"));
  sink.u32(spec.version ?? 3);
  sink.u64(tensors.length);
  sink.u64(metadata.length);
  for (const [key, typed] of metadata) {
    sink.string(key);
    sink.u32(ggufValueTypeId(typed.type.type));
    sink.value(typed.type, typed.value, key);
  }
  const placed: Layout["tensors"] = [];
  let offset = 0;
  for (const tensor of tensors) {
    const type = requireGgmlType(tensor.dtype, { field: tensor.name });
    const ne = [...tensor.shape].reverse();
    const count = ne.reduce((a, b) => a * b, 1);
    if ((ne[0] ?? 1) % type.blockSize !== 0) {
      throw new UsageError(`row length ${ne[0]} is not a multiple of the ${type.name} block size`, {
        field: tensor.name,
      });
    }
    const byteLength = ggmlByteLength(type, count);
    if (tensor.data instanceof Uint8Array && tensor.data.byteLength !== byteLength) {
      throw new UsageError(`data has ${tensor.data.byteLength} bytes, expected ${byteLength}`, {
        field: tensor.name,
      });
    }
    sink.string(tensor.name);
    sink.u32(ne.length);
    for (const dim of ne) sink.u64(dim);
    sink.u32(type.id);
    sink.u64(offset);
    placed.push({ spec: tensor, offset, byteLength });
    offset = Math.ceil((offset + byteLength) / alignment) * alignment;
  }
  const headerLength = Math.ceil(sink.length / alignment) * alignment;
  const header = new Uint8Array(headerLength);
  header.set(sink.bytes());
  return { header, tensors: placed, alignment };
}

/** The whole file in memory (tensor data must be given as Uint8Arrays). For tests and small files. */
export function encodeGguf(spec: GgufFileSpec): Uint8Array {
  const { header, tensors } = layout(spec);
  const last = tensors.at(-1);
  const total = header.byteLength + (last === undefined ? 0 : last.offset + last.byteLength);
  const out = new Uint8Array(total);
  out.set(header);
  for (const tensor of tensors) {
    if (!(tensor.spec.data instanceof Uint8Array)) {
      throw new UsageError("encodeGguf needs tensor data as a Uint8Array; use writeGguf to stream", {
        field: tensor.spec.name,
      });
    }
    out.set(tensor.spec.data, header.byteLength + tensor.offset);
  }
  return out;
}

/** Write a GGUF file, streaming tensor data chunk by chunk. */
export async function writeGguf(path: string, spec: GgufFileSpec): Promise<void> {
  const { header, tensors } = layout(spec);
  const handle = await open(path, "w");
  try {
    await handle.write(header, 0, header.byteLength, 0);
    for (const tensor of tensors) {
      let position = header.byteLength + tensor.offset;
      const end = position + tensor.byteLength;
      const data = tensor.spec.data;
      const chunks = data instanceof Uint8Array ? [data] : data();
      for await (const chunk of chunks) {
        if (position + chunk.byteLength > end) {
          throw new UsageError(`data is longer than the expected ${tensor.byteLength} bytes`, {
            field: tensor.spec.name,
          });
        }
        await handle.write(chunk, 0, chunk.byteLength, position);
        position += chunk.byteLength;
      }
      if (position !== end) {
        throw new UsageError(`data is shorter than the expected ${tensor.byteLength} bytes`, {
          field: tensor.spec.name,
        });
      }
    }
  } finally {
    await handle.close();
  }
}

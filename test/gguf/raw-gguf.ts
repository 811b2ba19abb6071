/**
 * Test helper: GGUF bytes written field by field, so a test can put any value (valid or hostile) in
 * any field. `buildGguf()` with no options is a small valid file: two metadata entries, an F32 tensor
 * and a Q8_0 tensor; each option replaces one part.
 */

export class RawWriter {
  private parts: number[] = [];
  /** Key-value entries started with `kv`. */
  entries = 0;
  /** Start a metadata entry: its key (with a declared length that may lie). */
  kv(key: string, declaredLength?: bigint | number): this {
    this.entries++;
    return this.str(key, declaredLength);
  }
  u8(v: number): this {
    this.parts.push(v & 0xff);
    return this;
  }
  u32(v: number): this {
    for (let i = 0; i < 4; i++) this.parts.push((v >>> (8 * i)) & 0xff);
    return this;
  }
  u64(v: bigint | number): this {
    const big = BigInt.asUintN(64, BigInt(v));
    for (let i = 0n; i < 8n; i++) this.parts.push(Number((big >> (8n * i)) & 0xffn));
    return this;
  }
  bytes(b: Uint8Array | number[]): this {
    for (const x of b) this.parts.push(x);
    return this;
  }
  /** A GGUF string: u64 length (declared, may lie) then the UTF-8 bytes. */
  str(text: string, declaredLength?: bigint | number): this {
    const encoded = new TextEncoder().encode(text);
    return this.u64(declaredLength ?? encoded.byteLength).bytes(encoded);
  }
  pad(alignment: number): this {
    while (this.parts.length % alignment !== 0) this.parts.push(0);
    return this;
  }
  get length(): number {
    return this.parts.length;
  }
  done(): Uint8Array {
    return new Uint8Array(this.parts);
  }
}

export interface RawTensor {
  name: string;
  ne: (bigint | number)[];
  nDims?: number;
  type: number;
  offset: bigint | number;
}

export interface RawOptions {
  magic: string;
  version: number;
  tensorCount?: bigint;
  kvCount?: bigint;
  /** Writes the key-value section (default: architecture string + alignment 32 as uint32). */
  kvs: (w: RawWriter) => void;
  tensors: RawTensor[];
  alignment: number;
  /** Bytes of tensor data after the padded header (default: enough for the default tensors). */
  dataBytes: number;
  /** Cut the finished file to this many bytes. */
  truncateTo?: number;
}

export const DEFAULT_TENSORS: RawTensor[] = [
  { name: "a", ne: [4, 2], type: 0, offset: 0 }, // F32 [2, 4]: 32 bytes
  { name: "b", ne: [32], type: 8, offset: 32 }, // Q8_0: one 34-byte block
];

export function defaultKvs(w: RawWriter): void {
  w.kv("general.architecture").u32(8).str("llama");
  w.kv("general.alignment").u32(4).u32(32);
}

export function buildGguf(options: Partial<RawOptions> = {}): Uint8Array {
  const o: RawOptions = {
    magic: "GGUF",
    version: 3,
    kvs: defaultKvs,
    tensors: DEFAULT_TENSORS,
    alignment: 32,
    dataBytes: 66,
    ...options,
  };
  const body = new RawWriter();
  o.kvs(body);
  const kvCount = body.entries;
  for (const t of o.tensors) {
    body.str(t.name).u32(t.nDims ?? t.ne.length);
    for (const dim of t.ne) body.u64(dim);
    body.u32(t.type).u64(t.offset);
  }
  const w = new RawWriter();
  w.bytes(new TextEncoder().encode(o.magic)).u32(o.version);
  w.u64(o.tensorCount ?? BigInt(o.tensors.length)).u64(o.kvCount ?? BigInt(kvCount));
  w.bytes(body.done()).pad(o.alignment);
  const data = new Uint8Array(o.dataBytes);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37) & 0x3f; // finite F32s, small Q8_0 scale
  w.bytes(data);
  const file = w.done();
  return o.truncateTo === undefined ? file : file.subarray(0, o.truncateTo);
}

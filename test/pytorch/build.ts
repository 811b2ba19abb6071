/**
 * Builders for PyTorch checkpoints in tests: pickle opcodes written one by one (protocol 2, as
 * `torch.save` writes them) and a stored-entry zip archive laid out like PyTorch's (entries aligned to
 * 64 bytes with padding in the local extra field).
 */
import { crc32 } from "node:zlib";

export class PickleWriter {
  private readonly parts: number[] = [];

  private op(code: string, ...bytes: number[]): this {
    this.parts.push(code.charCodeAt(0), ...bytes);
    return this;
  }
  private u32(value: number): number[] {
    return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
  }
  raw(...bytes: number[]): this {
    this.parts.push(...bytes);
    return this;
  }
  proto(): this {
    return this.raw(0x80, 2);
  }
  global(module: string, name: string): this {
    return this.op("c", ...Buffer.from(`${module}\n${name}\n`, "latin1"));
  }
  mark(): this {
    return this.op("(");
  }
  str(text: string): this {
    const bytes = Buffer.from(text, "utf8");
    return this.op("X", ...this.u32(bytes.length), ...bytes);
  }
  int(value: number): this {
    return this.op("J", ...this.u32(value >>> 0));
  }
  tuple(): this {
    return this.op("t");
  }
  emptyTuple(): this {
    return this.op(")");
  }
  emptyDict(): this {
    return this.op("}");
  }
  setitems(): this {
    return this.op("u");
  }
  reduce(): this {
    return this.op("R");
  }
  build(): this {
    return this.op("b");
  }
  persistentId(): this {
    return this.op("Q");
  }
  newFalse(): this {
    return this.op("\x89");
  }
  stop(): this {
    return this.op(".");
  }
  ints(values: readonly number[]): this {
    this.mark();
    for (const value of values) this.int(value);
    return this.tuple();
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

export interface TensorSpec {
  name: string;
  key: string;
  storage?: string;
  numel: number;
  shape: number[];
  stride?: number[];
  offset?: number;
}

function contiguousStride(shape: readonly number[]): number[] {
  const stride = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) stride[i] = stride[i + 1]! * shape[i + 1]!;
  return stride;
}

/** The ops of an OrderedDict of `_rebuild_tensor_v2` tensors (a state dict), without PROTO/STOP. */
export function writeStateDict(w: PickleWriter, tensors: readonly TensorSpec[]): PickleWriter {
  w.global("collections", "OrderedDict").emptyTuple().reduce().mark();
  for (const t of tensors) {
    w.str(t.name).global("torch._utils", "_rebuild_tensor_v2").mark();
    w.mark()
      .str("storage")
      .global("torch", t.storage ?? "FloatStorage")
      .str(t.key)
      .str("cpu")
      .int(t.numel)
      .tuple();
    w.persistentId()
      .int(t.offset ?? 0)
      .ints(t.shape)
      .ints(t.stride ?? contiguousStride(t.shape));
    w.newFalse().global("collections", "OrderedDict").emptyTuple().reduce().tuple().reduce();
  }
  return w.setitems();
}

export function stateDictPickle(tensors: readonly TensorSpec[]): Uint8Array {
  return writeStateDict(new PickleWriter().proto(), tensors).stop().bytes();
}

export interface ZipFileSpec {
  name: string;
  data: Uint8Array;
}

/** A zip of stored entries, each entry's data aligned to 64 bytes like PyTorch's writer does. */
export function zipArchive(files: readonly ZipFileSpec[]): Uint8Array {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const file of files) {
    const name = Buffer.from(file.name, "utf8");
    const minimum = offset + 30 + name.length + 4;
    const padding = (64 - (minimum % 64)) % 64;
    const extra = Buffer.alloc(4 + padding);
    extra.writeUInt16LE(0x4246, 0); // "FB", PyTorch's padding field
    extra.writeUInt16LE(padding, 2);
    const crc = crc32(file.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(file.data.length, 18);
    local.writeUInt32LE(file.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(extra.length, 28);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(file.data.length, 20);
    header.writeUInt32LE(file.data.length, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(offset, 42);
    central.push(header, name);
    chunks.push(local, name, extra, Buffer.from(file.data));
    offset += 30 + name.length + extra.length + file.data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...chunks, directory, end]));
}

/** A torch-style zip checkpoint: `<dir>/data.pkl`, `<dir>/data/<key>` per storage, `<dir>/version`. */
export function torchZip(
  pickle: Uint8Array,
  storages: Record<string, Uint8Array>,
  dir = "archive",
): Uint8Array {
  return zipArchive([
    { name: `${dir}/data.pkl`, data: pickle },
    ...Object.entries(storages).map(([key, data]) => ({ name: `${dir}/data/${key}`, data })),
    { name: `${dir}/version`, data: new TextEncoder().encode("3\n") },
  ]);
}

export function f32Bytes(values: readonly number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

/**
 * A TensorStore over one GGUF model (one file, or every shard of a split model): headers are read once (in bounded chunks), tensors are read by
 * positional reads of their own bytes and decoded to float32. Shapes are GGML `ne` reversed into
 * PyTorch order; dtypes are GGML type names. Tensors of types we cannot decode are listed but refused
 * by `read` with a FormatError.
 */
import { FormatError } from "../../errors.js";
import { PositionalFile } from "../file-reader.js";
import type { RangeSource } from "../range-source.js";
import { type CoalesceOptions, readRowsCoalesced } from "../row-reads.js";
import { checkRows, gatherRows, matrixView, type TensorInfo, type TensorStore } from "../tensor-store.js";
import { canDequantize, dequantize } from "./dequant.js";
import { type GgufHeader, type GgufTensorInfo, readGgufHeader } from "./header.js";
import { readGgufHeaderFrom } from "./header-from-source.js";
import { readSplitHeaders, splitInfo } from "./split.js";

/** File bytes decoded per chunk by `readChunks`: big enough to amortise a read, small enough that the
 * decoded floats are still in cache when statistics read them (measured: 0.25–1 MiB is as fast as
 * 4 MiB or faster, with ~100 MB less peak RSS in the benchmark). */
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;

export class GgufStore implements TensorStore {
  readonly format = "gguf" as const;
  readonly files: readonly string[];
  readonly tensors: readonly TensorInfo[];
  /** Key-values of the first (or only) file: a split model keeps its metadata there. */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** The header of the first (or only) file. */
  readonly header: GgufHeader;
  /** Headers of every shard, in shard order (one for an ordinary file). */
  readonly shards: readonly GgufHeader[];
  private readonly byName = new Map<string, { tensor: GgufTensorInfo; shard: number }>();
  private readonly infoByName = new Map<string, TensorInfo>();

  private constructor(
    shards: readonly GgufHeader[],
    private readonly sources: readonly RangeSource[],
  ) {
    this.shards = shards;
    this.header = shards[0]!;
    this.files = shards.map((shard) => shard.file);
    this.metadata = Object.fromEntries(this.header.metadata);
    const infos: TensorInfo[] = [];
    shards.forEach((shard, index) => {
      for (const tensor of shard.tensors) {
        this.byName.set(tensor.name, { tensor, shard: index });
        const info: TensorInfo = {
          name: tensor.name,
          dtype: tensor.dtype,
          shape: tensor.shape,
          file: shard.file,
          offset: tensor.offset,
          byteLength: tensor.byteLength,
        };
        infos.push(info);
        this.infoByName.set(info.name, info);
      }
    });
    this.tensors = infos;
  }

  /**
   * Open a GGUF file. A split model (`split.count` > 1) is opened from its first shard and every shard
   * is read, as llama.cpp does (see split.ts); a missing shard is an InputNotFoundError naming it.
   */
  static async open(path: string): Promise<GgufStore> {
    const shards = await readSplitHeaders(await readGgufHeader(path));
    const sources: RangeSource[] = [];
    try {
      for (const shard of shards) {
        const source = await PositionalFile.open(shard.file);
        sources.push(source);
        if (source.size !== shard.fileSize) {
          throw new FormatError("file changed size while being opened", { file: shard.file });
        }
      }
    } catch (error) {
      for (const source of sources) await source.close();
      throw error;
    }
    return new GgufStore(shards, sources);
  }

  /**
   * A store over one opened source (a Hub file read by ranges); closes it on failure. A split model
   * cannot be opened this way: its other shards are found by file name, next to the first.
   */
  static async fromSource(source: RangeSource): Promise<GgufStore> {
    try {
      const header = await readGgufHeaderFrom(source);
      if (source.size !== header.fileSize) {
        throw new FormatError("file changed size while being opened", { file: source.name });
      }
      if (splitInfo(header) !== undefined) {
        throw new FormatError("a split GGUF is read from local files only (its shards are found by name)", {
          file: source.name,
          field: "split.count",
        });
      }
      return new GgufStore([header], [source]);
    } catch (error) {
      await source.close();
      throw error;
    }
  }

  get(name: string): TensorInfo | undefined {
    return this.infoByName.get(name);
  }

  /** The GGUF view of a tensor (`ne`, GGML type, element count), or undefined. */
  ggufTensor(name: string): GgufTensorInfo | undefined {
    return this.byName.get(name)?.tensor;
  }

  private require(name: string): { tensor: GgufTensorInfo; shard: number } {
    const entry = this.byName.get(name);
    if (entry === undefined) throw new FormatError("no such tensor", { file: this.header.file, field: name });
    if (!canDequantize(entry.tensor.type)) {
      throw new FormatError(`decoding ${entry.tensor.dtype} tensors is not supported`, {
        file: this.files[entry.shard],
        field: `tensor ${name}`,
      });
    }
    return entry;
  }

  async read(name: string): Promise<Float32Array> {
    const { tensor, shard } = this.require(name);
    const bytes = new Uint8Array(tensor.byteLength);
    await this.readInto(shard, bytes, tensor.offset, name);
    return dequantize(bytes, tensor.type);
  }

  /**
   * Rows of the matrix view (see `TensorStore.readRows`; a row runs along `ne[0]`), read positionally
   * with nearby rows merged into one read. A quantized row is a whole number of blocks (the header
   * checks `ne[0]` is a multiple of the block size), so rows decode on their own; a 1-D tensor of a
   * block type (rows of one value) is read whole instead.
   */
  async readRows(name: string, rows: readonly number[], options?: CoalesceOptions): Promise<Float32Array> {
    const { tensor, shard } = this.require(name);
    const info = this.infoByName.get(name)!;
    checkRows(info, rows);
    const { cols } = matrixView(info.shape);
    const { blockSize, typeSize } = tensor.type;
    if (cols % blockSize !== 0) return gatherRows(await this.read(name), cols, rows);
    const rowBytes = (cols / blockSize) * typeSize;
    return readRowsCoalesced(
      rows,
      cols,
      rowBytes,
      async (first, end) => {
        const bytes = new Uint8Array((end - first) * rowBytes);
        await this.readInto(shard, bytes, tensor.offset + first * rowBytes, name);
        return bytes;
      },
      (bytes, runFirst, first, count, out) => {
        const from = (first - runFirst) * rowBytes;
        dequantize(bytes.subarray(from, from + count * rowBytes), tensor.type, out);
      },
      { gapBytes: this.sources[shard]!.gapBytes, ...options },
    );
  }

  /**
   * Decode a tensor piece by piece: each chunk holds whole blocks, at most `chunkBytes` of file bytes
   * (at least one block). The yielded array is reused: it is valid until the next iteration. Memory
   * stays at two buffers whatever the tensor's size.
   */
  async *readChunks(name: string, options: { chunkBytes?: number } = {}): AsyncGenerator<Float32Array> {
    const { tensor, shard } = this.require(name);
    const { typeSize, blockSize } = tensor.type;
    const blocksPerChunk = Math.max(1, Math.floor((options.chunkBytes ?? DEFAULT_CHUNK_BYTES) / typeSize));
    const totalBlocks = tensor.byteLength / typeSize;
    const bytes = new Uint8Array(Math.min(blocksPerChunk, totalBlocks) * typeSize);
    const values = new Float32Array(Math.min(blocksPerChunk, totalBlocks) * blockSize);
    for (let block = 0; block < totalBlocks; block += blocksPerChunk) {
      const count = Math.min(blocksPerChunk, totalBlocks - block);
      const piece = bytes.subarray(0, count * typeSize);
      await this.readInto(shard, piece, tensor.offset + block * typeSize, name);
      const out = values.subarray(0, count * blockSize);
      dequantize(piece, tensor.type, out);
      yield out;
    }
  }

  /** Fill `target` from `position`; the header already checked the range lies inside the file. */
  private async readInto(shard: number, target: Uint8Array, position: number, name: string): Promise<void> {
    target.set(await this.sources[shard]!.read(position, target.byteLength, `tensor ${name}`));
  }

  private closed = false;

  bytesRead(): number {
    return this.sources.reduce((sum, source) => sum + source.bytesRead, 0);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const source of this.sources) await source.close();
  }
}

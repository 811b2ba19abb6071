/**
 * What the fingerprint and the comparison read of one model: rows of canonical tensors (or of stored
 * tensors no naming rule knows) in canonical layout, with the bytes taken from disk counted.
 *
 * Row reads go through `CanonicalModel.readRows` (positional where the store and layout allow, else a
 * whole read). A model whose layer matrices are stored as the transpose of their declared shape (a
 * llama2.c re-layout: the header cannot say so) is read with `storedTransposed`: each such matrix is read
 * whole and turned back.
 */
import { FormatError } from "../errors.js";
import type { TensorInfo } from "../formats/tensor-store.js";
import { gatherRows, matrixView, readTensorRows } from "../formats/tensor-store.js";
import type { CanonicalModel, CanonicalTensor } from "../naming/canonical-model.js";
import { applyTransforms, storedRows, transpose } from "../naming/transforms.js";

/** One tensor as compared: canonical (or stored) name, shape, stored dtype, row reads. */
export interface TensorHandle {
  /** Canonical name, or the stored name for a tensor no naming rule knows. */
  name: string;
  /** Shape as compared (canonical layout). */
  shape: number[];
  /** Stored element type (`BF16`, `Q4_K`, …). */
  dtype: string;
  /** Stored bytes of the whole tensor. */
  byteLength: number;
  /** Rows of the matrix view ([rows.length, last dim]). */
  readRows(rows: readonly number[]): Promise<Float32Array>;
  readAll(): Promise<Float32Array>;
}

/** Weights are finite: a NaN or infinity means a damaged file or a decoding fault, never a value to
 * compare (it would make every correlation meaningless). */
function finite(values: Float32Array, file: string, tensor: string): Float32Array {
  // v·0 is 0 for every finite v and NaN for NaN and ±Inf: one branch-free pass finds whether to look.
  let probe = 0;
  for (let i = 0; i < values.length; i++) probe += values[i]! * 0;
  if (probe === 0) return values;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!))
      throw new FormatError(
        `decodes to a non-finite value (${values[i]}): a damaged file or a decoding fault`,
        {
          file,
          field: tensor,
        },
      );
  }
  return values;
}

export class ModelView {
  /** Bytes estimated from the rows asked for, for a store that keeps no byte count. */
  private estimated = 0;
  /** The store's byte count when the view was made. */
  private readonly countedBefore: number | undefined;
  /** Layer matrices whose stored bytes hold the transpose of their declared shape. */
  storedTransposed = false;
  /** Canonical matrices stored as the transpose of the canonical layout under a reversed shape (an
   * `[in, out]` re-layout no naming rule undid): read turned, shape reported turned. */
  readonly turned = new Set<string>();

  constructor(readonly model: CanonicalModel) {
    this.countedBefore = model.source.store.bytesRead?.();
  }

  /** Bytes read from this model's files since the view was made: the store's own count (gaps merged
   * into coalesced row reads included) when it keeps one, else estimated from the rows
   * asked for. */
  get bytesRead(): number {
    const now = this.model.source.store.bytesRead?.();
    return now !== undefined && this.countedBefore !== undefined ? now - this.countedBefore : this.estimated;
  }

  get path(): string {
    return this.model.source.path;
  }

  has(canonical: string): boolean {
    return this.model.get(canonical) !== undefined;
  }

  shape(canonical: string): number[] | undefined {
    const shape = this.model.get(canonical)?.shape;
    return shape !== undefined && this.turned.has(canonical) ? [shape[1]!, shape[0]!] : shape;
  }

  /** The canonical tensor as a handle, or undefined when the model lacks it. */
  tensor(canonical: string): TensorHandle | undefined {
    const tensor = this.model.get(canonical);
    if (tensor === undefined) return undefined;
    if (this.turned.has(canonical)) {
      const [rows, cols] = tensor.shape as [number, number];
      const all = async () =>
        transpose(finite(await this.canonicalAll(tensor), this.path, describe(tensor)), rows, cols);
      return {
        name: canonical,
        shape: [cols, rows],
        dtype: tensor.source.dtype,
        byteLength: tensor.source.byteLength,
        readRows: async (picked) => gatherRows(await all(), rows, picked),
        readAll: all,
      };
    }
    return {
      name: canonical,
      shape: tensor.shape,
      dtype: tensor.source.dtype,
      byteLength: tensor.source.byteLength,
      readRows: async (rows) => finite(await this.canonicalRows(tensor, rows), this.path, describe(tensor)),
      readAll: async () => finite(await this.canonicalAll(tensor), this.path, describe(tensor)),
    };
  }

  /** A stored tensor no naming rule recognised, by its stored name. */
  stored(info: TensorInfo): TensorHandle {
    const store = this.model.source.store;
    const { rows: total } = matrixView(info.shape);
    return {
      name: info.name,
      shape: info.shape,
      dtype: info.dtype,
      byteLength: info.byteLength,
      readRows: async (rows) => {
        this.count(info.byteLength, store.readRows === undefined ? total : rows.length, total);
        return finite(await readTensorRows(store, info.name, rows), this.path, info.name);
      },
      readAll: async () => {
        this.estimated += info.byteLength;
        return finite(await store.read(info.name), this.path, info.name);
      },
    };
  }

  /** Read a 1-D tensor (norm gain, bias) whole, or undefined when absent. */
  async vector(canonical: string): Promise<Float32Array | undefined> {
    const tensor = this.model.get(canonical);
    if (tensor === undefined || tensor.shape.length !== 1) return undefined;
    return finite(await this.canonicalAll(tensor), this.path, describe(tensor));
  }

  private count(byteLength: number, rowsRead: number, totalRows: number): void {
    this.estimated +=
      totalRows === 0 ? 0 : Math.ceil((byteLength * Math.min(rowsRead, totalRows)) / totalRows);
  }

  private transposedHere(tensor: CanonicalTensor): boolean {
    return this.storedTransposed && tensor.layer !== undefined && tensor.source.shape.length === 2;
  }

  private async canonicalAll(tensor: CanonicalTensor): Promise<Float32Array> {
    this.estimated += tensor.source.byteLength;
    if (!this.transposedHere(tensor)) return this.model.read(tensor.canonical);
    const [rows, cols] = tensor.source.shape as [number, number];
    // The bytes of a declared [rows, cols] tensor hold a [cols, rows] matrix: turn it back.
    const stored = await this.model.source.store.read(tensor.source.name);
    return applyTransforms(transpose(stored, cols, rows), tensor.source.shape, tensor.transforms);
  }

  private async canonicalRows(tensor: CanonicalTensor, rows: readonly number[]): Promise<Float32Array> {
    const { rows: total, cols } = matrixView(tensor.shape);
    if (this.transposedHere(tensor)) return gatherRows(await this.canonicalAll(tensor), cols, rows);
    const positional =
      this.model.source.store.readRows !== undefined &&
      storedRows(tensor.source.shape, tensor.transforms, rows) !== undefined;
    this.count(tensor.source.byteLength, positional ? rows.length : total, total);
    return this.model.readRows(tensor.canonical, rows);
  }
}

function describe(tensor: CanonicalTensor): string {
  return tensor.canonical === tensor.source.name
    ? tensor.canonical
    : `${tensor.canonical} (${tensor.source.name})`;
}

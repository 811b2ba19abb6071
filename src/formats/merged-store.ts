/**
 * Several stores of one format seen as one (the shards of a sharded PyTorch checkpoint): their tensor
 * tables are concatenated, a tensor name may appear in one shard only, reads go to the shard holding it.
 */
import { FormatError } from "../errors.js";
import { readTensorRows, type TensorInfo, type TensorStore, type WeightFormat } from "./tensor-store.js";

export class MergedStore implements TensorStore {
  readonly files: readonly string[];
  readonly tensors: readonly TensorInfo[];
  readonly metadata: Readonly<Record<string, unknown>>;
  private readonly owner = new Map<string, TensorStore>();

  /** Takes ownership of `stores` (closes them all, also when the names clash). */
  static async merge(format: WeightFormat, stores: readonly TensorStore[]): Promise<MergedStore> {
    try {
      return new MergedStore(format, stores);
    } catch (error) {
      await Promise.all(stores.map((store) => store.close()));
      throw error;
    }
  }

  private constructor(
    readonly format: WeightFormat,
    private readonly stores: readonly TensorStore[],
  ) {
    this.files = stores.flatMap((store) => store.files);
    this.tensors = stores.flatMap((store) => store.tensors);
    this.metadata = Object.assign({}, ...stores.map((store) => store.metadata));
    for (const store of stores) {
      for (const tensor of store.tensors) {
        const other = this.owner.get(tensor.name);
        if (other !== undefined) {
          throw new FormatError(`tensor also appears in ${other.files[0]}`, {
            file: store.files[0],
            field: `tensor ${tensor.name}`,
          });
        }
        this.owner.set(tensor.name, store);
      }
    }
  }

  get(name: string): TensorInfo | undefined {
    return this.owner.get(name)?.get(name);
  }

  private storeOf(name: string): TensorStore {
    const store = this.owner.get(name);
    if (store === undefined) throw new FormatError("no such tensor", { file: this.files[0], field: name });
    return store;
  }

  read(name: string): Promise<Float32Array> {
    return this.storeOf(name).read(name);
  }

  readRows(name: string, rows: readonly number[]): Promise<Float32Array> {
    return readTensorRows(this.storeOf(name), name, rows);
  }

  bytesRead(): number {
    return this.stores.reduce((sum, store) => sum + (store.bytesRead?.() ?? 0), 0);
  }

  async close(): Promise<void> {
    await Promise.all(this.stores.map((store) => store.close()));
  }
}

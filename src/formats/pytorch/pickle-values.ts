/**
 * The only objects a checkpoint's pickle can build here: references to storages and tensors, and inert
 * tokens for the classes a checkpoint names (storage types, dtypes, devices). They are frozen, so a
 * pickle's BUILD opcode cannot rewrite them after they were checked, and they are recognised by class,
 * never by shape, so a dict that looks like a tensor reference is still a dict.
 */
import type { SafetensorsDtype } from "../dtype.js";

/** Element type of a storage as we decode it (safetensors spelling), or `untyped` for raw bytes
 * (`torch.UntypedStorage`, whose tensors name their dtype in `_rebuild_tensor_v3`). */
export type StorageDtype = SafetensorsDtype | "untyped";

/** A storage class named by a pickle (`torch.FloatStorage`, `torch.UntypedStorage`, …). */
export class StorageType {
  constructor(
    readonly qualifiedName: string,
    readonly dtype: StorageDtype,
  ) {
    Object.freeze(this);
  }
}

/** A dtype named by a pickle (`torch.bfloat16`, …): used by `_rebuild_tensor_v3`. */
export class DtypeToken {
  constructor(
    readonly qualifiedName: string,
    readonly dtype: SafetensorsDtype | undefined,
  ) {
    Object.freeze(this);
  }
}

/** One storage a checkpoint holds: its bytes are `numel` elements of `dtype`, found by `key` (zip:
 * the entry `data/<key>`; legacy format: the storage's place in the key list). */
export class StorageRef {
  constructor(
    readonly key: string,
    readonly dtype: StorageDtype,
    readonly numel: number,
    readonly location: string,
    /** Legacy format only: this storage is a view into another one (`view_metadata`). */
    readonly view: { key: string; offset: number; numel: number } | undefined,
  ) {
    Object.freeze(this);
  }
}

/** A tensor as `torch._utils._rebuild_tensor_v2` describes it: a strided view into a storage. */
export class TensorRef {
  constructor(
    readonly storage: StorageRef,
    /** In elements of `dtype`. */
    readonly storageOffset: number,
    readonly shape: readonly number[],
    readonly stride: readonly number[],
    /** The tensor's element type: the storage's, or `_rebuild_tensor_v3`'s dtype for untyped storage. */
    readonly dtype: SafetensorsDtype,
  ) {
    Object.freeze(this.shape);
    Object.freeze(this.stride);
    Object.freeze(this);
  }
}

/** A global that is allowed only as an inert marker (a class passed around, never called for data). */
export class InertToken {
  constructor(readonly qualifiedName: string) {
    Object.freeze(this);
  }
}

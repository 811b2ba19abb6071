/**
 * Where a pickled tensor's values lie: `_rebuild_tensor_v2(storage, storage_offset, size, stride)` is a
 * strided view into a storage. A contiguous view (what `state_dict()` nearly always holds) is one byte
 * range; any other view is read as the span it covers and gathered through its strides.
 */
import { FormatError } from "../../errors.js";
import { SAFETENSORS_DTYPE_BYTES } from "../dtype.js";
import type { TensorRef } from "./pickle-values.js";

export interface TensorPlacement {
  /** Byte offset of the view's first element inside its storage's bytes. */
  byteOffset: number;
  /** Bytes of the storage the view spans (numel × element size when contiguous). */
  byteLength: number;
  contiguous: boolean;
  elementBytes: number;
}

function product(values: readonly number[]): number {
  let total = 1;
  for (const value of values) total *= value;
  return total;
}

export function isContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i]! !== 1 && stride[i]! !== expected) return false;
    expected *= shape[i]!;
  }
  return true;
}

/** The byte range a tensor view covers in storage bytes of `storageBytes`, or a FormatError naming it. */
export function placeTensor(
  tensor: TensorRef,
  storageBytes: number,
  file: string,
  field: string,
): TensorPlacement {
  const elementBytes = SAFETENSORS_DTYPE_BYTES[tensor.dtype];
  const numel = product(tensor.shape);
  if (!Number.isSafeInteger(numel * elementBytes)) {
    throw new FormatError(`shape [${tensor.shape.join(", ")}] is too large`, { file, field });
  }
  let span = 0;
  if (numel > 0) {
    let last = 0;
    for (let i = 0; i < tensor.shape.length; i++) last += (tensor.shape[i]! - 1) * tensor.stride[i]!;
    span = last + 1;
  }
  const byteOffset = tensor.storageOffset * elementBytes;
  const byteLength = span * elementBytes;
  if (!Number.isSafeInteger(byteOffset + byteLength) || byteOffset + byteLength > storageBytes) {
    throw new FormatError(
      `the view (offset ${tensor.storageOffset}, shape [${tensor.shape.join(", ")}], stride [${tensor.stride.join(", ")}]) ` +
        `needs ${byteOffset + byteLength} bytes but its storage holds ${storageBytes}`,
      { file, field },
    );
  }
  return { byteOffset, byteLength, contiguous: isContiguous(tensor.shape, tensor.stride), elementBytes };
}

/** The values of a strided view, row-major, from the decoded span it covers (`span[0]` = first element). */
export function gatherStrided(
  span: Float32Array,
  shape: readonly number[],
  stride: readonly number[],
): Float32Array {
  const out = new Float32Array(product(shape));
  const index = new Array<number>(shape.length).fill(0);
  for (let n = 0; n < out.length; n++) {
    let at = 0;
    for (let d = 0; d < shape.length; d++) at += index[d]! * stride[d]!;
    out[n] = span[at]!;
    for (let d = shape.length - 1; d >= 0; d--) {
      index[d]!++;
      if (index[d]! < shape[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}

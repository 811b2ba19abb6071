/**
 * The allow-list of Python globals a checkpoint's pickle may name. Pickles rebuild objects by calling
 * whatever global they name (`posix.system` as readily as `collections.OrderedDict`), so every global
 * outside this table is refused with its name before anything is built, and nothing here runs Python
 * or touches the system: each entry is a small TypeScript function that builds inert data.
 *
 * Source: PyTorch's own `torch/_weights_only_unpickler.py` (`_get_allowed_globals`,
 * `_tensor_rebuild_functions`), i.e. what `torch.load(weights_only=True)` accepts; storage classes and
 * dtypes from `torch/storage.py` (`_dtype_to_storage_type_map`, `_new_dtypes`). Rebuild functions for
 * tensors we cannot read (quantized, sparse, nested, meta) are refused with a reason.
 */
import type { SafetensorsDtype } from "../dtype.js";
import { DtypeToken, InertToken, StorageRef, StorageType, TensorRef } from "./pickle-values.js";

/** Dimensions of one tensor: more than any real tensor, bounds work on a hostile shape. */
export const MAX_TENSOR_DIMS = 16;

/** What a global resolves to: a function the pickle may call, or a value it may pass around. */
export type AllowedGlobal = ((...args: unknown[]) => unknown) | object;

/** A pickle named a global that is not allowed (or is known but unreadable); carries the name. */
export class RefusedGlobalError extends Error {
  constructor(
    readonly qualifiedName: string,
    readonly reason: string,
  ) {
    super(`${qualifiedName}: ${reason}`);
  }
}

/** Legacy typed storage classes (`torch.<Name>`) and what their elements are. */
export const STORAGE_DTYPES: Readonly<Record<string, SafetensorsDtype>> = {
  DoubleStorage: "F64",
  FloatStorage: "F32",
  HalfStorage: "F16",
  BFloat16Storage: "BF16",
  LongStorage: "I64",
  IntStorage: "I32",
  ShortStorage: "I16",
  CharStorage: "I8",
  ByteStorage: "U8",
  BoolStorage: "BOOL",
};

/** `torch.<dtype>` globals (a dtype pickles as its name) → element type; undefined = not decodable. */
export const TORCH_DTYPES: Readonly<Record<string, SafetensorsDtype | undefined>> = {
  float64: "F64",
  float32: "F32",
  float16: "F16",
  bfloat16: "BF16",
  int64: "I64",
  int32: "I32",
  int16: "I16",
  int8: "I8",
  uint8: "U8",
  bool: "BOOL",
  float8_e4m3fn: "F8_E4M3",
  float8_e5m2: "F8_E5M2",
  complex32: undefined,
  complex64: undefined,
  complex128: undefined,
  float8_e4m3fnuz: undefined,
  float8_e5m2fnuz: undefined,
  uint16: undefined,
  uint32: undefined,
  uint64: undefined,
};

/** Known globals we refuse anyway, with the reason given to the user. */
const UNREADABLE: Readonly<Record<string, string>> = {
  "torch._utils._rebuild_qtensor": "quantized PyTorch tensors are not supported",
  "torch._utils._rebuild_sparse_tensor": "sparse tensors are not supported",
  "torch._utils._rebuild_nested_tensor": "nested tensors are not supported",
  "torch._utils._rebuild_meta_tensor_no_storage": "meta tensors hold no values",
  "torch._utils._rebuild_wrapper_subclass": "tensor subclasses are not supported",
  "torch._utils._rebuild_device_tensor_from_numpy": "numpy-backed tensors are not supported",
  "torch.ComplexFloatStorage": "complex tensors are not supported",
  "torch.ComplexDoubleStorage": "complex tensors are not supported",
  "torch.QInt8Storage": "quantized PyTorch tensors are not supported",
  "torch.QInt32Storage": "quantized PyTorch tensors are not supported",
  "torch.QUInt8Storage": "quantized PyTorch tensors are not supported",
  "torch.QUInt4x2Storage": "quantized PyTorch tensors are not supported",
  "torch.QUInt2x4Storage": "quantized PyTorch tensors are not supported",
};

function isSafeCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function integerList(value: unknown, what: string): number[] {
  if (!Array.isArray(value) || value.length > MAX_TENSOR_DIMS) {
    throw new Error(`${what} must be a tuple of at most ${MAX_TENSOR_DIMS} integers`);
  }
  for (const item of value) if (!isSafeCount(item)) throw new Error(`${what} holds ${String(item)}`);
  return [...value] as number[];
}

function makeTensor(
  storage: unknown,
  storageOffset: unknown,
  size: unknown,
  stride: unknown,
  dtype: SafetensorsDtype | undefined,
): TensorRef {
  if (!(storage instanceof StorageRef))
    throw new Error("tensor rebuilt from something that is not a storage");
  if (!isSafeCount(storageOffset)) throw new Error(`storage offset ${String(storageOffset)}`);
  const shape = integerList(size, "size");
  const strides = integerList(stride, "stride");
  if (strides.length !== shape.length)
    throw new Error(`size has ${shape.length} dims but stride ${strides.length}`);
  const element = dtype ?? (storage.dtype === "untyped" ? undefined : storage.dtype);
  if (element === undefined)
    throw new Error("an untyped storage needs the tensor's dtype (_rebuild_tensor_v3)");
  return new TensorRef(storage, storageOffset, shape, strides, element);
}

function rebuildTensor(storage: unknown, offset: unknown, size: unknown, stride: unknown): TensorRef {
  return makeTensor(storage, offset, size, stride, undefined);
}

function rebuildTensorV2(storage: unknown, offset: unknown, size: unknown, stride: unknown): TensorRef {
  return makeTensor(storage, offset, size, stride, undefined);
}

function rebuildTensorV3(...args: unknown[]): TensorRef {
  const dtype = args[6];
  if (!(dtype instanceof DtypeToken)) throw new Error("_rebuild_tensor_v3 needs a dtype");
  if (dtype.dtype === undefined) throw new Error(`${dtype.qualifiedName} tensors are not supported`);
  return makeTensor(args[0], args[1], args[2], args[3], dtype.dtype);
}

function parameterData(data: unknown): TensorRef {
  if (!(data instanceof TensorRef)) throw new Error("a parameter must wrap a tensor");
  return data;
}

const REBUILD_FUNCTIONS = new Set<unknown>([rebuildTensor, rebuildTensorV2, rebuildTensorV3]);

/** `torch._tensor._rebuild_from_type_v2(func, new_type, args, state)`: a tensor subclass or a tensor with
 * Python attributes; the attributes are dropped and `func` must be one of the rebuild functions above. */
function rebuildFromTypeV2(func: unknown, _newType: unknown, args: unknown): TensorRef {
  if (!REBUILD_FUNCTIONS.has(func) || !Array.isArray(args)) {
    throw new Error("_rebuild_from_type_v2 must wrap a tensor rebuild function");
  }
  return (func as (...a: unknown[]) => TensorRef)(...args);
}

function orderedDict(items?: unknown): Map<unknown, unknown> {
  const map = new Map<unknown, unknown>();
  if (Array.isArray(items)) {
    for (const pair of items) if (Array.isArray(pair) && pair.length === 2) map.set(pair[0], pair[1]);
  }
  return map;
}

function sequence(items?: unknown): unknown[] {
  return Array.isArray(items) ? [...items] : [];
}

function bytesOf(value?: unknown, encoding?: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value.slice();
  if (typeof value === "string") {
    // `_codecs.encode(s, "latin1")` is how protocol 2 pickles a bytes object.
    if (encoding === "latin1" || encoding === "latin-1")
      return Uint8Array.from(value, (c) => c.charCodeAt(0) & 0xff);
    return new TextEncoder().encode(value);
  }
  if (Array.isArray(value)) return Uint8Array.from(value.filter((v): v is number => typeof v === "number"));
  return new Uint8Array(0);
}

function torchSize(dims?: unknown): number[] {
  return integerList(dims ?? [], "torch.Size");
}

function torchDevice(kind?: unknown, index?: unknown): string {
  return typeof index === "number" ? `${String(kind)}:${index}` : String(kind);
}

function buildTable(): Map<string, AllowedGlobal> {
  const table = new Map<string, AllowedGlobal>([
    ["collections.OrderedDict", orderedDict],
    ["collections.Counter", orderedDict],
    ["builtins.set", sequence],
    ["builtins.frozenset", sequence],
    ["__builtin__.set", sequence],
    ["builtins.bytearray", bytesOf],
    ["_codecs.encode", bytesOf],
    ["torch.Size", torchSize],
    ["torch.device", torchDevice],
    ["torch.serialization._get_layout", new InertToken("torch.serialization._get_layout")],
    ["torch.Tensor", new InertToken("torch.Tensor")],
    ["torch.nn.parameter.Parameter", parameterData],
    ["torch._utils._rebuild_tensor", rebuildTensor],
    ["torch._utils._rebuild_tensor_v2", rebuildTensorV2],
    ["torch._utils._rebuild_tensor_v3", rebuildTensorV3],
    ["torch._utils._rebuild_parameter", parameterData],
    ["torch._utils._rebuild_parameter_with_state", parameterData],
    ["torch._tensor._rebuild_from_type_v2", rebuildFromTypeV2],
    ["torch.UntypedStorage", new StorageType("torch.UntypedStorage", "untyped")],
    ["torch.storage.UntypedStorage", new StorageType("torch.storage.UntypedStorage", "untyped")],
  ]);
  for (const [name, dtype] of Object.entries(STORAGE_DTYPES)) {
    table.set(`torch.${name}`, new StorageType(`torch.${name}`, dtype));
  }
  for (const [name, dtype] of Object.entries(TORCH_DTYPES)) {
    table.set(`torch.${name}`, new DtypeToken(`torch.${name}`, dtype));
  }
  return table;
}

const ALLOWED = buildTable();

/** The implementation of an allowed global, or a RefusedGlobalError naming it. */
export function resolveGlobal(module: unknown, name: unknown): AllowedGlobal {
  if (typeof module !== "string" || typeof name !== "string") {
    throw new RefusedGlobalError(
      `${String(module)}.${String(name)}`,
      "a global must be named by two strings",
    );
  }
  const qualified = `${module}.${name}`;
  const allowed = ALLOWED.get(qualified);
  if (allowed !== undefined) return allowed;
  const unreadable = UNREADABLE[qualified];
  if (unreadable !== undefined) throw new RefusedGlobalError(qualified, unreadable);
  throw new RefusedGlobalError(
    qualified,
    "not on the allow-list of tensor-rebuilding globals (a pickle that names it could run code; nothing was run)",
  );
}

/** Every allowed global's qualified name (documentation and tests). */
export function allowedGlobalNames(): string[] {
  return [...ALLOWED.keys()].sort();
}

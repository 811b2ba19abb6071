/**
 * A TensorStore over a PyTorch checkpoint (`pytorch_model.bin`, `.pt`, `.pth`, `consolidated.00.pth`),
 * read without executing anything: the pickle is interpreted with an allow-list of globals
 * (`allowed-globals.ts`), the state dict is found inside common wrappers (`state-dict.ts`), and each
 * tensor is a byte range of the file read on demand.
 *
 * Two layouts (torch/serialization.py):
 * - zip (torch ≥ 1.6, `_save`): `<dir>/data.pkl`, `<dir>/data/<key>` (one stored entry per storage),
 *   `<dir>/version`, optionally `<dir>/byteorder`; persistent ids `("storage", type, key, location, numel)`.
 * - legacy (`_legacy_save`): five pickles in a row (magic number, protocol 1001, sys_info, the object
 *   with persistent ids `("storage", type, root_key, location, numel, view_metadata)`, the sorted storage
 *   keys), then per key an int64 element count and the storage's raw bytes.
 */
import { FormatError } from "../../errors.js";
import { decodeToFloat32 } from "../decode.js";
import { SAFETENSORS_DTYPE_BYTES } from "../dtype.js";
import { PositionalFile } from "../file-reader.js";
import { type RangeSource, readRanges } from "../range-source.js";
import { type CoalesceOptions, readRowsCoalesced } from "../row-reads.js";
import { checkRows, gatherRows, matrixView, type TensorInfo, type TensorStore } from "../tensor-store.js";
import { configFromModelArgs } from "./checkpoint-config.js";
import { StorageRef, StorageType, type TensorRef } from "./pickle-values.js";
import { type FoundStateDict, findStateDict } from "./state-dict.js";
import { gatherStrided, placeTensor, type TensorPlacement } from "./tensor-layout.js";
import { PicklePrefixExhausted, unpickle } from "./unpickle.js";
import { dataOffsets, readZipDirectory, type ZipEntry } from "./zip-directory.js";

/** A pickle larger than this is not a state dict's description (~100 bytes per tensor: 100k tensors and
 * their optimizer state take a few MB): refuse rather than read it. */
export const MAX_PICKLE_BYTES = 64 * 1024 * 1024;

/** First bytes read of a legacy checkpoint; doubled while its pickles run past them. */
const LEGACY_FIRST_PREFIX_BYTES = 1024 * 1024;

/** `torch.serialization.MAGIC_NUMBER` (0x1950a86a20f9469cfc6c) pickled with protocol 2: PROTO 2, LONG1
 * of 10 bytes, STOP. Matched as bytes (pickleparser cannot decode a 10-byte LONG1). */
const LEGACY_MAGIC = Uint8Array.from([
  0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e,
]);
/** `torch.serialization.PROTOCOL_VERSION`. */
const LEGACY_PROTOCOL_VERSION = 1001;

/** The entry holding a storage's bytes in a zip checkpoint. */
function storageEntryName(directory: string, key: string): string {
  return `${directory}/data/${key}`;
}

interface PlacedTensor {
  info: TensorInfo;
  ref: TensorRef;
  placement: TensorPlacement;
}

export class PytorchStore implements TensorStore {
  readonly format = "pytorch" as const;
  readonly files: readonly string[];
  readonly tensors: readonly TensorInfo[];
  private readonly byName = new Map<string, PlacedTensor>();

  private constructor(
    private readonly source: RangeSource,
    placed: readonly PlacedTensor[],
    readonly metadata: Readonly<Record<string, unknown>>,
    /** `model_args` as config.json keys, when the checkpoint carries them. */
    readonly impliedConfig: Record<string, unknown> | undefined,
  ) {
    this.files = [source.name];
    this.tensors = placed.map((tensor) => tensor.info);
    for (const tensor of placed) this.byName.set(tensor.info.name, tensor);
  }

  static async open(path: string): Promise<PytorchStore> {
    return PytorchStore.fromSource(await PositionalFile.open(path));
  }

  /** A store over an opened source (a local file or a Hub file); closes it on failure. */
  static async fromSource(source: RangeSource): Promise<PytorchStore> {
    try {
      const head = await source.read(0, Math.min(4, source.size), "format");
      const zip = head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
      const opened = zip ? await openZip(source) : await openLegacy(source);
      const { placed, metadata, config } = placeTensors(source, opened, zip ? "zip" : "legacy");
      return new PytorchStore(source, placed, metadata, config);
    } catch (error) {
      await source.close();
      throw error;
    }
  }

  get(name: string): TensorInfo | undefined {
    return this.byName.get(name)?.info;
  }

  private require(name: string): PlacedTensor {
    const tensor = this.byName.get(name);
    if (tensor === undefined)
      throw new FormatError("no such tensor", { file: this.source.name, field: name });
    return tensor;
  }

  async read(name: string): Promise<Float32Array> {
    const { info, ref, placement } = this.require(name);
    const bytes = await this.source.read(info.offset, info.byteLength, `tensor ${name}`);
    const values = decodeToFloat32(bytes, ref.dtype);
    return placement.contiguous ? values : gatherStrided(values, ref.shape, ref.stride);
  }

  /** Rows of the matrix view (see `TensorStore.readRows`): nearby rows merged into one positional read;
   * a non-contiguous view is read whole and its rows copied out. */
  async readRows(name: string, rows: readonly number[], options?: CoalesceOptions): Promise<Float32Array> {
    const { info, ref, placement } = this.require(name);
    checkRows(info, rows);
    const { cols } = matrixView(info.shape);
    if (!placement.contiguous) return gatherRows(await this.read(name), cols, rows);
    const rowBytes = cols * placement.elementBytes;
    return readRowsCoalesced(
      rows,
      cols,
      rowBytes,
      (first, end) =>
        this.source.read(info.offset + first * rowBytes, (end - first) * rowBytes, `tensor ${name}`),
      (bytes, runFirst, first, count, out) => {
        const from = (first - runFirst) * rowBytes;
        decodeToFloat32(bytes.subarray(from, from + count * rowBytes), ref.dtype, out);
      },
      { gapBytes: this.source.gapBytes, ...options },
    );
  }

  bytesRead(): number {
    return this.source.bytesRead;
  }

  async close(): Promise<void> {
    await this.source.close();
  }
}

/** Where each storage's bytes lie in the file, by key. */
type StorageBytes = Map<string, { offset: number; length: number }>;

interface Opened {
  storages: StorageBytes;
  found: FoundStateDict;
}

/** Collects the storages a pickle references, checking each persistent id's shape. */
function storageCollector(file: string, field: string, legacy: boolean) {
  const storages = new Map<string, StorageRef>();
  const text = (value: unknown): string | undefined =>
    typeof value === "string"
      ? value
      : value instanceof Uint8Array
        ? new TextDecoder("latin1").decode(value)
        : undefined;
  const load = (pid: unknown): StorageRef => {
    if (!Array.isArray(pid) || text(pid[0]) !== "storage" || pid.length < 5) {
      throw new FormatError("persistent id is not a ('storage', type, key, location, numel) tuple", {
        file,
        field,
      });
    }
    const [, type, rawKey, rawLocation, numel, viewMetadata] = pid;
    const key = text(rawKey);
    if (
      !(type instanceof StorageType) ||
      key === undefined ||
      typeof numel !== "number" ||
      !Number.isSafeInteger(numel) ||
      numel < 0
    ) {
      throw new FormatError(`storage reference ${JSON.stringify(key ?? null)} has a bad type, key or size`, {
        file,
        field,
      });
    }
    let view: StorageRef["view"];
    if (legacy && Array.isArray(viewMetadata)) {
      const [viewKey, offset, viewNumel] = viewMetadata;
      const viewName = text(viewKey);
      if (viewName === undefined || typeof offset !== "number" || typeof viewNumel !== "number") {
        throw new FormatError(`storage ${key} has malformed view metadata`, { file, field });
      }
      view = { key: viewName, offset, numel: viewNumel };
    }
    const identity = view === undefined ? key : `${key}/${view.key}`;
    const known = storages.get(identity);
    if (known !== undefined) {
      if (known.dtype !== type.dtype || known.numel !== numel) {
        throw new FormatError(`storage ${key} is referenced with two different types or sizes`, {
          file,
          field,
        });
      }
      return known;
    }
    const storage = new StorageRef(key, type.dtype, numel, text(rawLocation) ?? "", view);
    storages.set(identity, storage);
    return storage;
  };
  return { load, storages };
}

function elementBytes(storage: StorageRef): number {
  return storage.dtype === "untyped" ? 1 : SAFETENSORS_DTYPE_BYTES[storage.dtype];
}

function storageByteLength(storage: StorageRef): number {
  return storage.numel * elementBytes(storage);
}

async function openZip(source: RangeSource): Promise<Opened> {
  const entries = await readZipDirectory(source);
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  const pickles = entries.filter((entry) => /^[^/]+\/data\.pkl$/.test(entry.name));
  if (pickles.length !== 1) {
    throw new FormatError(
      pickles.length === 0
        ? "zip archive has no <dir>/data.pkl: not a PyTorch checkpoint"
        : `zip archive has ${pickles.length} data.pkl entries`,
      { file: source.name, field: "data.pkl" },
    );
  }
  const pickleEntry = pickles[0]!;
  const directory = pickleEntry.name.slice(0, -"/data.pkl".length);
  const field = pickleEntry.name;
  if (pickleEntry.size > MAX_PICKLE_BYTES) {
    throw new FormatError(`pickle of ${pickleEntry.size} bytes exceeds the ${MAX_PICKLE_BYTES}-byte limit`, {
      file: source.name,
      field,
    });
  }
  const byteorderEntry = byName.get(`${directory}/byteorder`);
  const small = [pickleEntry, ...(byteorderEntry === undefined ? [] : [byteorderEntry])];
  const [pickleStart, byteorderStart] = await dataOffsets(source, small);
  if (byteorderEntry !== undefined) {
    const order = new TextDecoder().decode(
      await source.read(byteorderStart!, Math.min(byteorderEntry.size, 16), "byteorder"),
    );
    if (order.trim() !== "little") {
      throw new FormatError(
        `byte order ${JSON.stringify(order.trim())} is not supported (little-endian only)`,
        {
          file: source.name,
          field: `${directory}/byteorder`,
        },
      );
    }
  }
  const pickleBytes = await source.read(pickleStart!, pickleEntry.size, field);
  const collector = storageCollector(source.name, field, false);
  const { value } = unpickle(pickleBytes, { file: source.name, field, persistentLoad: collector.load });
  // Only storages the state dict uses are located (an optimizer's state is never read).
  const found = findStateDict(value, source.name, field);
  const used = new Map<string, ZipEntry>();
  for (const tensor of found.tensors.values()) {
    const name = storageEntryName(directory, tensor.storage.key);
    const entry = byName.get(name);
    if (entry === undefined) {
      throw new FormatError(
        `the pickle references storage ${tensor.storage.key} but the archive has no ${name}`,
        {
          file: source.name,
          field,
        },
      );
    }
    used.set(tensor.storage.key, entry);
  }
  const keys = [...used.keys()];
  const starts = await dataOffsets(
    source,
    keys.map((key) => used.get(key)!),
  );
  const storages: StorageBytes = new Map();
  keys.forEach((key, i) => {
    const entry = used.get(key)!;
    storages.set(key, { offset: starts[i]!, length: entry.size });
  });
  return { storages, found };
}

async function openLegacy(source: RangeSource): Promise<Opened> {
  const field = "legacy pickle";
  let length = Math.min(source.size, LEGACY_FIRST_PREFIX_BYTES);
  for (;;) {
    const prefix = await source.read(0, length, field);
    try {
      return await parseLegacy(source, prefix, length < source.size);
    } catch (error) {
      if (!(error instanceof PicklePrefixExhausted)) throw error;
      if (length >= Math.min(source.size, MAX_PICKLE_BYTES)) {
        throw new FormatError(`the pickles run past ${MAX_PICKLE_BYTES} bytes (the limit read for them)`, {
          file: source.name,
          field,
        });
      }
      length = Math.min(source.size, MAX_PICKLE_BYTES, 2 * length);
    }
  }
}

async function parseLegacy(source: RangeSource, bytes: Uint8Array, isPrefix: boolean): Promise<Opened> {
  const file = source.name;
  const field = "legacy pickle";
  const magic = bytes.subarray(0, LEGACY_MAGIC.byteLength);
  if (magic.byteLength < LEGACY_MAGIC.byteLength || magic.some((byte, i) => byte !== LEGACY_MAGIC[i])) {
    throw new FormatError(
      "not a PyTorch checkpoint: neither a zip archive nor a legacy torch.save file (magic number missing)",
      { file, field: "magic" },
    );
  }
  const options = { file, isPrefix };
  const version = unpickle(bytes, { ...options, field: "protocol version", start: LEGACY_MAGIC.byteLength });
  if (version.value !== LEGACY_PROTOCOL_VERSION) {
    throw new FormatError(`protocol version ${String(version.value)}, expected ${LEGACY_PROTOCOL_VERSION}`, {
      file,
      field: "protocol version",
    });
  }
  const sysInfo = unpickle(bytes, { ...options, field: "sys_info", start: version.end });
  if (sysInfo.value instanceof Map && sysInfo.value.get("little_endian") === false) {
    throw new FormatError("big-endian checkpoints are not supported", {
      file,
      field: "sys_info.little_endian",
    });
  }
  const collector = storageCollector(file, field, true);
  const main = unpickle(bytes, { ...options, field, start: sysInfo.end, persistentLoad: collector.load });
  const keyList = unpickle(bytes, { ...options, field: "storage keys", start: main.end });
  if (!Array.isArray(keyList.value) || keyList.value.some((key) => typeof key !== "string")) {
    throw new FormatError("the storage key list is not a list of strings", { file, field: "storage keys" });
  }
  const keys = keyList.value as string[];
  // Root storages (views name theirs) in file order: int64 element count, then the raw bytes.
  const roots = new Map<string, StorageRef>();
  for (const storage of collector.storages.values()) {
    const key = storage.view?.key ?? storage.key;
    if (storage.view === undefined || !roots.has(key)) roots.set(key, storage);
  }
  const storages: StorageBytes = new Map();
  let position = keyList.end;
  const headers: { key: string; at: number; numel: number }[] = [];
  for (const key of keys) {
    const storage = roots.get(key);
    if (storage === undefined) {
      throw new FormatError(`storage key ${key} is listed but no tensor references it`, {
        file,
        field: "storage keys",
      });
    }
    if (storage.view !== undefined) {
      throw new FormatError(`storage ${key} is only known through a view; its size is unknown`, {
        file,
        field,
      });
    }
    const byteLength = storageByteLength(storage);
    headers.push({ key, at: position, numel: storage.numel });
    storages.set(key, { offset: position + 8, length: byteLength });
    position += 8 + byteLength;
    if (position > source.size) {
      throw new FormatError(`storage ${key} runs past the end of the file (truncated?)`, {
        file,
        field: `storage ${key}`,
      });
    }
  }
  const counts = await readRanges(
    source,
    headers.map((h) => ({ offset: h.at, length: 8 })),
    "storage sizes",
  );
  headers.forEach((header, i) => {
    const count = counts[i]!;
    const numel = new DataView(count.buffer, count.byteOffset, 8).getBigInt64(0, true);
    if (numel !== BigInt(header.numel)) {
      throw new FormatError(
        `storage ${header.key} holds ${numel} elements but its reference says ${header.numel}`,
        {
          file,
          field: `storage ${header.key}`,
        },
      );
    }
  });
  // A view's bytes start `offset` elements into its root storage.
  for (const storage of collector.storages.values()) {
    if (storage.view === undefined) continue;
    const root = storages.get(storage.key);
    const size = elementBytes(storage);
    if (root === undefined || (storage.view.offset + storage.view.numel) * size > root.length) {
      throw new FormatError(`view ${storage.view.key} lies outside storage ${storage.key}`, { file, field });
    }
    storages.set(`${storage.key}/${storage.view.key}`, {
      offset: root.offset + storage.view.offset * size,
      length: storage.view.numel * size,
    });
  }
  return { storages, found: findStateDict(main.value, file, field) };
}

/** Each state-dict tensor as a byte range of the file, checked against its storage's size. */
function placeTensors(source: RangeSource, opened: Opened, layout: "zip" | "legacy") {
  const { found, storages } = opened;
  const placed: PlacedTensor[] = [];
  for (const [name, ref] of found.tensors) {
    const key =
      ref.storage.view === undefined ? ref.storage.key : `${ref.storage.key}/${ref.storage.view.key}`;
    const bytes = storages.get(key);
    if (bytes === undefined) {
      throw new FormatError(`storage ${ref.storage.key} has no bytes in the file`, {
        file: source.name,
        field: name,
      });
    }
    const declared = ref.storage.view === undefined ? storageByteLength(ref.storage) : bytes.length;
    if (declared > bytes.length) {
      throw new FormatError(
        `storage ${ref.storage.key} should hold ${declared} bytes (${ref.storage.numel} × ${ref.storage.dtype}) but the file has ${bytes.length}`,
        { file: source.name, field: name },
      );
    }
    const placement = placeTensor(ref, declared, source.name, name);
    placed.push({
      info: {
        name,
        dtype: ref.dtype,
        shape: [...ref.shape],
        file: source.name,
        offset: bytes.offset + placement.byteOffset,
        byteLength: placement.byteLength,
      },
      ref,
      placement,
    });
  }
  const metadata: Record<string, unknown> = {
    layout,
    state_dict: found.path,
    ...(found.strippedPrefix === undefined ? {} : { stripped_prefix: found.strippedPrefix }),
    ...(found.modelArgs === undefined ? {} : { model_args: found.modelArgs }),
  };
  const config = found.modelArgs === undefined ? undefined : configFromModelArgs(found.modelArgs);
  return { placed, metadata, config };
}

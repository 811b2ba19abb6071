/**
 * Write safetensors files (and Hugging Face folders: config.json + model.safetensors). Tensor bytes
 * come from a callback, one tensor at a time, so writing streams. The header is padded with spaces to a
 * multiple of 8 bytes, as the reference implementation does.
 */
import { mkdir, open, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FormatError } from "../../errors.js";
import { SAFETENSORS_DTYPE_BYTES, type SafetensorsDtype } from "../dtype.js";
import { type EncodableDtype, encodeFloat32 } from "../encode.js";
import { elementCount } from "../tensor-store.js";

export interface SafetensorsTensorSpec {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
}

/** The header bytes (length prefix included) and each tensor's data offsets, in the order given. */
export function encodeSafetensorsHeader(
  tensors: readonly SafetensorsTensorSpec[],
  metadata?: Record<string, string>,
): { bytes: Uint8Array; offsets: [number, number][] } {
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) header.__metadata__ = metadata;
  const offsets: [number, number][] = [];
  let at = 0;
  for (const tensor of tensors) {
    const length = elementCount(tensor.shape) * SAFETENSORS_DTYPE_BYTES[tensor.dtype];
    offsets.push([at, at + length]);
    header[tensor.name] = { dtype: tensor.dtype, shape: tensor.shape, data_offsets: [at, at + length] };
    at += length;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const text = new TextEncoder().encode(json);
  const bytes = new Uint8Array(8 + text.byteLength);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(text.byteLength), true);
  bytes.set(text, 8);
  return { bytes, offsets };
}

/** Build a whole safetensors file in memory (small files: tests and fixtures). */
export function encodeSafetensors(
  tensors: readonly (SafetensorsTensorSpec & { data: Uint8Array })[],
  metadata?: Record<string, string>,
): Uint8Array {
  const { bytes, offsets } = encodeSafetensorsHeader(tensors, metadata);
  const total = bytes.byteLength + (offsets.at(-1)?.[1] ?? 0);
  const out = new Uint8Array(total);
  out.set(bytes, 0);
  tensors.forEach((tensor, i) => {
    const [begin, end] = offsets[i]!;
    if (tensor.data.byteLength !== end - begin) {
      throw new FormatError(`has ${tensor.data.byteLength} bytes, shape needs ${end - begin}`, {
        field: tensor.name,
      });
    }
    out.set(tensor.data, bytes.byteLength + begin);
  });
  return out;
}

/** Write a safetensors file, asking `data(name)` for each tensor's bytes in order. */
export async function writeSafetensors(
  path: string,
  tensors: readonly SafetensorsTensorSpec[],
  data: (name: string) => Promise<Uint8Array> | Uint8Array,
  metadata?: Record<string, string>,
): Promise<void> {
  const { bytes, offsets } = encodeSafetensorsHeader(tensors, metadata);
  const handle = await open(path, "w");
  try {
    await handle.write(bytes, 0, bytes.byteLength, 0);
    for (const [i, tensor] of tensors.entries()) {
      const chunk = await data(tensor.name);
      const [begin, end] = offsets[i]!;
      if (chunk.byteLength !== end - begin) {
        throw new FormatError(`has ${chunk.byteLength} bytes, shape needs ${end - begin}`, {
          file: path,
          field: tensor.name,
        });
      }
      await handle.write(chunk, 0, chunk.byteLength, bytes.byteLength + begin);
    }
  } finally {
    await handle.close();
  }
}

export interface HfFolderSpec {
  config: Record<string, unknown>;
  tensors: readonly { name: string; shape: number[] }[];
  /** Float32 values of one tensor (row-major in `shape`). */
  read: (name: string) => Promise<Float32Array> | Float32Array;
  /** On-disk dtype of every tensor (default F32). */
  dtype?: EncodableDtype;
  /** Extra small files to write beside, e.g. generation_config.json. */
  extraFiles?: Record<string, string | Uint8Array>;
}

/** Write a Hugging Face model folder: config.json and model.safetensors (created if missing). */
export async function writeHfFolder(folder: string, spec: HfFolderSpec): Promise<void> {
  await mkdir(folder, { recursive: true });
  const dtype = spec.dtype ?? "F32";
  await writeFile(join(folder, "config.json"), `${JSON.stringify(spec.config, null, 2)}\n`);
  for (const [name, content] of Object.entries(spec.extraFiles ?? {}))
    await writeFile(join(folder, name), content);
  await writeSafetensors(
    join(folder, "model.safetensors"),
    spec.tensors.map((tensor) => ({ name: tensor.name, dtype, shape: tensor.shape })),
    async (name) => encodeFloat32(await spec.read(name), dtype),
    { format: "pt" },
  );
}

/**
 * Write llama2.c checkpoints (legacy v0, version 1 float32, version 2 Q8_0) in the exact layout
 * `export.py` produces, one tensor at a time from a callback, so large models stream.
 */
import { open } from "node:fs/promises";
import { FormatError } from "../../errors.js";
import { elementCount } from "../tensor-store.js";
import { LEGACY_HEADER_BYTES, LLAMA2C_MAGIC, type Llama2cHeader, VERSIONED_HEADER_BYTES } from "./header.js";
import { type Llama2cTensor, llama2cLayout } from "./layout.js";

export type Llama2cHeaderFields = Omit<Llama2cHeader, "headerBytes">;

export function encodeLlama2cHeader(fields: Llama2cHeaderFields): Uint8Array {
  const versioned = fields.version !== 0;
  const bytes = new Uint8Array(versioned ? VERSIONED_HEADER_BYTES : LEGACY_HEADER_BYTES);
  const view = new DataView(bytes.buffer);
  let at = 0;
  if (versioned) {
    view.setUint32(0, LLAMA2C_MAGIC, true);
    view.setInt32(4, fields.version, true);
    at = 8;
  }
  const vocab = !versioned && !fields.sharedClassifier ? -fields.vocabSize : fields.vocabSize;
  const ints = [
    fields.dim,
    fields.hiddenDim,
    fields.nLayers,
    fields.nHeads,
    fields.nKvHeads,
    vocab,
    fields.seqLen,
  ];
  for (const [i, value] of ints.entries()) view.setInt32(at + 4 * i, value, true);
  if (versioned) {
    bytes[at + 28] = fields.sharedClassifier ? 1 : 0;
    if (fields.version === 2) view.setInt32(at + 29, fields.groupSize ?? 64, true);
  }
  return bytes;
}

/**
 * Symmetric int8 quantization of one group, as export.py's `quantize_q80` computes it in float32 torch
 * arithmetic: scale = max|w| / 127, q = round(w / scale) with torch.round's ties to even.
 */
export function quantizeQ8Group(values: Float32Array, out: Int8Array): number {
  let max = 0;
  for (const v of values) max = Math.max(max, Math.abs(v));
  const scale = Math.fround(max / 127);
  for (let i = 0; i < values.length; i++)
    out[i] = scale === 0 ? 0 : roundHalfEven(Math.fround(values[i]! / scale));
  return scale;
}

function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

function f32Bytes(values: Float32Array): Uint8Array {
  const copy = Float32Array.from(values);
  return new Uint8Array(copy.buffer);
}

/**
 * Write a checkpoint. `tensor(name)` returns the float32 values (row-major, layout.ts shapes) of each
 * tensor the header calls for; it is called once per tensor in file order.
 */
export async function writeLlama2c(
  path: string,
  fields: Llama2cHeaderFields,
  tensor: (name: string) => Promise<Float32Array> | Float32Array,
): Promise<void> {
  const header = encodeLlama2cHeader(fields);
  const layout = llama2cLayout({ ...fields, headerBytes: header.byteLength });
  const ordered = [...layout.tensors].sort((a, b) => a.offset - b.offset);
  const handle = await open(path, "w");
  try {
    await handle.write(header, 0, header.byteLength, 0);
    for (const entry of ordered) {
      const values = await tensor(entry.name);
      checkLength(entry, values);
      if (entry.encoding.kind === "f32") {
        const bytes = f32Bytes(values);
        await handle.write(bytes, 0, bytes.byteLength, entry.offset);
        continue;
      }
      const { groupSize, scaleOffset } = entry.encoding;
      const ints = new Int8Array(values.length);
      const groupScales = new Float32Array(values.length / groupSize);
      for (let g = 0; g < groupScales.length; g++) {
        groupScales[g] = quantizeQ8Group(
          values.subarray(g * groupSize, (g + 1) * groupSize),
          ints.subarray(g * groupSize, (g + 1) * groupSize),
        );
      }
      await handle.write(new Uint8Array(ints.buffer), 0, ints.byteLength, entry.offset);
      await handle.write(new Uint8Array(groupScales.buffer), 0, groupScales.byteLength, scaleOffset);
    }
  } finally {
    await handle.close();
  }
}

function checkLength(entry: Llama2cTensor, values: Float32Array): void {
  if (values.length !== elementCount(entry.shape)) {
    throw new FormatError(`expected ${elementCount(entry.shape)} values, got ${values.length}`, {
      field: entry.name,
    });
  }
}

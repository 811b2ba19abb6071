/**
 * A TensorStore over a llama2.c `.bin` checkpoint. The header is validated and the file's size must be
 * exactly what the header implies, so a file that merely starts with seven small integers is not taken
 * for a checkpoint. Tensors carry Meta's names (see layout.ts); dtype is `F32`, or `Q8_G{n}` for
 * version-2 int8 tensors with one float32 scale per group of n values.
 */
import { FormatError } from "../../errors.js";
import { decodeToFloat32 } from "../decode.js";
import { PositionalFile } from "../file-reader.js";
import type { RangeSource } from "../range-source.js";
import type { TensorInfo, TensorStore } from "../tensor-store.js";
import { type Llama2cHeader, parseLlama2cHeader, VERSIONED_HEADER_BYTES } from "./header.js";
import { type Llama2cTensor, llama2cLayout, presentationOrder } from "./layout.js";

export class Llama2cStore implements TensorStore {
  readonly format = "llama2c" as const;
  readonly files: readonly string[];
  readonly tensors: readonly TensorInfo[];
  readonly metadata: Readonly<Record<string, unknown>>;
  private readonly byName = new Map<string, { info: TensorInfo; layout: Llama2cTensor }>();

  private constructor(
    readonly header: Llama2cHeader,
    layout: readonly Llama2cTensor[],
    private readonly file: RangeSource,
  ) {
    this.files = [file.name];
    this.metadata = {
      version: header.version,
      dim: header.dim,
      hidden_dim: header.hiddenDim,
      n_layers: header.nLayers,
      n_heads: header.nHeads,
      n_kv_heads: header.nKvHeads,
      vocab_size: header.vocabSize,
      seq_len: header.seqLen,
      shared_classifier: header.sharedClassifier,
      ...(header.groupSize === undefined ? {} : { group_size: header.groupSize }),
    };
    const infos: TensorInfo[] = [];
    for (const tensor of presentationOrder(layout)) {
      const info: TensorInfo = {
        name: tensor.name,
        dtype: tensor.encoding.kind === "f32" ? "F32" : `Q8_G${tensor.encoding.groupSize}`,
        shape: tensor.shape,
        file: file.name,
        offset: tensor.offset,
        byteLength: tensor.byteLength,
      };
      infos.push(info);
      this.byName.set(tensor.name, { info, layout: tensor });
    }
    this.tensors = infos;
  }

  static async open(path: string): Promise<Llama2cStore> {
    return Llama2cStore.fromSource(await PositionalFile.open(path));
  }

  /** A store over an opened source (a local file or a Hub file); closes it on failure. */
  static async fromSource(file: RangeSource): Promise<Llama2cStore> {
    const path = file.name;
    try {
      const prefix = await file.read(0, Math.min(VERSIONED_HEADER_BYTES, file.size), "header");
      const header = parseLlama2cHeader(prefix, path);
      const layout = llama2cLayout(header);
      if (layout.expectedBytes !== file.size) {
        throw new FormatError(
          `the header implies ${layout.expectedBytes} bytes (dim ${header.dim}, hidden_dim ${header.hiddenDim}, ` +
            `n_layers ${header.nLayers}, vocab_size ${header.vocabSize}, seq_len ${header.seqLen}, ` +
            `${header.sharedClassifier ? "shared" : "unshared"} classifier) but the file has ${file.size}` +
            (layout.expectedBytes > file.size ? " (truncated?)" : " (trailing data or wrong header)"),
          { file: path, field: "header" },
        );
      }
      return new Llama2cStore(header, layout.tensors, file);
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  get(name: string): TensorInfo | undefined {
    return this.byName.get(name)?.info;
  }

  async read(name: string): Promise<Float32Array> {
    const entry = this.byName.get(name);
    if (entry === undefined) throw new FormatError("no such tensor", { file: this.file.name, field: name });
    const { layout } = entry;
    const field = `tensor ${name}`;
    const values = await this.file.read(layout.offset, layout.byteLength, field);
    if (layout.encoding.kind === "f32") return decodeToFloat32(values, "F32");
    const { groupSize, scaleOffset } = layout.encoding;
    const groups = layout.byteLength / groupSize;
    const scales = decodeToFloat32(await this.file.read(scaleOffset, groups * 4, `${field} scales`), "F32");
    const out = new Float32Array(layout.byteLength);
    const ints = new Int8Array(values.buffer, values.byteOffset, values.byteLength);
    for (let g = 0; g < groups; g++) {
      const scale = scales[g]!;
      for (let j = g * groupSize; j < (g + 1) * groupSize; j++) out[j] = ints[j]! * scale;
    }
    return out;
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}

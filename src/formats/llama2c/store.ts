/**
 * A TensorStore over a llama2.c `.bin` checkpoint. The header is validated and the file's size must be
 * exactly what the header implies, so a file that merely starts with seven small integers is not taken
 * for a checkpoint. Tensors carry Meta's names (see layout.ts); dtype is `F32`, or `Q8_G{n}` for
 * version-2 int8 tensors with one float32 scale per group of n values (`byteLength` counts both, since
 * export.py writes each tensor's scales right after its values).
 */
import { FormatError } from "../../errors.js";
import { decodeToFloat32 } from "../decode.js";
import { PositionalFile } from "../file-reader.js";
import type { RangeSource } from "../range-source.js";
import { type CoalesceOptions, readRowsCoalesced } from "../row-reads.js";
import { checkRows, matrixView, type TensorInfo, type TensorStore } from "../tensor-store.js";
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
        // On disk, a version-2 tensor is its int8 values and then its float32 scales.
        byteLength:
          tensor.encoding.kind === "f32"
            ? tensor.byteLength
            : tensor.byteLength + (tensor.byteLength / tensor.encoding.groupSize) * 4,
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

  private entry(name: string): { info: TensorInfo; layout: Llama2cTensor } {
    const entry = this.byName.get(name);
    if (entry === undefined) throw new FormatError("no such tensor", { file: this.file.name, field: name });
    return entry;
  }

  async read(name: string): Promise<Float32Array> {
    const { layout } = this.entry(name);
    return this.readValues(layout, 0, layout.byteLength / (layout.encoding.kind === "f32" ? 4 : 1));
  }

  /**
   * Rows of the matrix view (see `TensorStore.readRows`), read positionally: nearby rows are merged
   * into one read of their values (and, for Q8, one read of the scales of the groups they span).
   */
  async readRows(name: string, rows: readonly number[], options?: CoalesceOptions): Promise<Float32Array> {
    const { info, layout } = this.entry(name);
    checkRows(info, rows);
    const { cols } = matrixView(info.shape);
    const bytesPerValue = layout.encoding.kind === "f32" ? 4 : 1;
    return readRowsCoalesced(
      rows,
      cols,
      cols * bytesPerValue,
      (first, end) => this.readValues(layout, first * cols, (end - first) * cols),
      (run, runFirst, first, count, out) => {
        const from = (first - runFirst) * cols;
        out.set(run.subarray(from, from + count * cols));
      },
      { gapBytes: this.file.gapBytes, ...options },
    );
  }

  /** `count` values from value index `start` of a tensor, decoded (Q8: scaled by their groups' scales). */
  private async readValues(layout: Llama2cTensor, start: number, count: number): Promise<Float32Array> {
    const field = `tensor ${layout.name}`;
    if (layout.encoding.kind === "f32") {
      return decodeToFloat32(await this.file.read(layout.offset + start * 4, count * 4, field), "F32");
    }
    const { groupSize, scaleOffset } = layout.encoding;
    const values = await this.file.read(layout.offset + start, count, field);
    const firstGroup = Math.floor(start / groupSize);
    const groups = Math.ceil((start + count) / groupSize) - firstGroup;
    const scales = decodeToFloat32(
      await this.file.read(scaleOffset + firstGroup * 4, groups * 4, `${field} scales`),
      "F32",
    );
    // export.py's scales are max|w| / 127: finite and never negative. Anything else means the bytes are
    // not laid out as version 2 says (e.g. a draft export that wrote all scales after all values).
    const bad = scales.findIndex((scale) => !(scale >= 0) || !Number.isFinite(scale));
    if (bad >= 0) {
      throw new FormatError(
        `scale #${firstGroup + bad} is ${scales[bad]}, not a Q8_0 scale (max|w|/127): the file is not laid out as llama2.c's version 2 (int8 values, then that tensor's float32 scales)`,
        { file: this.file.name, field: `${field} scales` },
      );
    }
    const out = new Float32Array(count);
    const ints = new Int8Array(values.buffer, values.byteOffset, values.byteLength);
    for (let i = 0; i < count; ) {
      const group = Math.floor((start + i) / groupSize);
      const scale = scales[group - firstGroup]!;
      const stop = Math.min(count, (group + 1) * groupSize - start);
      for (; i < stop; i++) out[i] = ints[i]! * scale;
    }
    return out;
  }

  bytesRead(): number {
    return this.file.bytesRead;
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}

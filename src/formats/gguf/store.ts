/**
 * A TensorStore over one GGUF file: the header is read once (in bounded chunks), tensors are read by
 * positional reads of their own bytes and decoded to float32. Shapes are GGML `ne` reversed into
 * PyTorch order; dtypes are GGML type names. Tensors of types we cannot decode are listed but refused
 * by `read` with a FormatError.
 */
import { FormatError } from "../../errors.js";
import { PositionalFile } from "../file-reader.js";
import type { TensorInfo, TensorStore } from "../tensor-store.js";
import { canDequantize, dequantize } from "./dequant.js";
import { type GgufHeader, type GgufTensorInfo, readGgufHeader } from "./header.js";

export class GgufStore implements TensorStore {
  readonly format = "gguf" as const;
  readonly files: readonly string[];
  readonly tensors: readonly TensorInfo[];
  readonly metadata: Readonly<Record<string, unknown>>;
  private readonly byName = new Map<string, GgufTensorInfo>();
  private readonly infoByName = new Map<string, TensorInfo>();

  private constructor(
    readonly header: GgufHeader,
    private readonly file: PositionalFile,
  ) {
    this.files = [header.file];
    this.metadata = Object.fromEntries(header.metadata);
    this.tensors = header.tensors.map((tensor) => ({
      name: tensor.name,
      dtype: tensor.dtype,
      shape: tensor.shape,
      file: header.file,
      offset: tensor.offset,
      byteLength: tensor.byteLength,
    }));
    for (const tensor of header.tensors) this.byName.set(tensor.name, tensor);
    for (const info of this.tensors) this.infoByName.set(info.name, info);
  }

  static async open(path: string): Promise<GgufStore> {
    const header = await readGgufHeader(path);
    const file = await PositionalFile.open(path);
    if (file.size !== header.fileSize) {
      await file.close();
      throw new FormatError("file changed size while being opened", { file: path });
    }
    return new GgufStore(header, file);
  }

  get(name: string): TensorInfo | undefined {
    return this.infoByName.get(name);
  }

  /** The GGUF view of a tensor (`ne`, GGML type, element count), or undefined. */
  ggufTensor(name: string): GgufTensorInfo | undefined {
    return this.byName.get(name);
  }

  private require(name: string): GgufTensorInfo {
    const tensor = this.byName.get(name);
    if (tensor === undefined)
      throw new FormatError("no such tensor", { file: this.header.file, field: name });
    if (!canDequantize(tensor.type)) {
      throw new FormatError(`decoding ${tensor.dtype} tensors is not supported`, {
        file: this.header.file,
        field: `tensor ${name}`,
      });
    }
    return tensor;
  }

  async read(name: string): Promise<Float32Array> {
    const tensor = this.require(name);
    const bytes = await this.file.read(tensor.offset, tensor.byteLength, `tensor ${name}`);
    return dequantize(bytes, tensor.type);
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}

/**
 * Quantized safetensors weights that carry their own scale tensors, dequantized on read:
 *
 *   - FP8 with block scales (DeepSeek-V3 and the Hugging Face `quant_method: "fp8"` format):
 *     `X.weight` F8_E4M3 [R, C] beside `X.weight_scale_inv` F32 [ceil(R/br), ceil(C/bc)], the block size
 *     [br, bc] in config.json `quantization_config.weight_block_size` (typically [128, 128]); the value
 *     is `weight · scale_inv` of its block (despite the name the scale multiplies: DeepSeek-V3's
 *     `weight_dequant`, transformers' FP8 integration and llama.cpp's converter `dequant_simple` all
 *     compute `weight.float() * scale`);
 *   - per-tensor or per-channel scales (`X.weight_scale`, compressed-tensors / FBGEMM FP8 and int8):
 *     one value, or one per row ([R] or [R, 1]).
 *
 * The wrapper lists every stored tensor as it is (scales included, with their own dtype) and says which
 * tensors are scales (`quantizationScales`: weight → scale), so counts and naming leave them out.
 * A scale whose shape does not fit its weight is refused when the weight is read, naming both.
 */
import { FormatError } from "../../errors.js";
import { matrixView, readTensorRows, type TensorInfo, type TensorStore } from "../tensor-store.js";

/** Suffixes of scale tensors, tried in order, for a weight named `….weight`. */
export const SCALE_SUFFIXES = ["_scale_inv", "_scale"] as const;

/** Stored dtypes whose values are quantized integers or low-precision codes meant to be scaled. */
const SCALED_DTYPES = new Set(["F8_E4M3", "F8_E5M2", "I8"]);

interface ScaleGeometry {
  scale: TensorInfo;
  /** Rows and columns of the weight covered by one scale value. */
  blockRows: number;
  blockCols: number;
  /** Scale values per row of blocks. */
  scaleCols: number;
}

/** `[br, bc]` from config.json `quantization_config.weight_block_size`, when it is two positive integers. */
export function weightBlockSize(
  config: Readonly<Record<string, unknown>> | undefined,
): [number, number] | undefined {
  const quantization = config?.quantization_config;
  if (quantization === null || typeof quantization !== "object") return undefined;
  const size = (quantization as Record<string, unknown>).weight_block_size;
  if (!Array.isArray(size) || size.length !== 2) return undefined;
  const [rows, cols] = size;
  return Number.isSafeInteger(rows) && Number.isSafeInteger(cols) && rows > 0 && cols > 0
    ? [rows as number, cols as number]
    : undefined;
}

/** weight name → its scale tensor, for every scaled-dtype weight that has one beside it. */
export function findQuantizationScales(tensors: readonly TensorInfo[]): Map<string, string> {
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const scales = new Map<string, string>();
  for (const tensor of tensors) {
    if (!SCALED_DTYPES.has(tensor.dtype) || !tensor.name.endsWith(".weight")) continue;
    for (const suffix of SCALE_SUFFIXES) {
      const scale = byName.get(`${tensor.name}${suffix}`);
      if (scale !== undefined) {
        scales.set(tensor.name, scale.name);
        break;
      }
    }
  }
  return scales;
}

export class BlockScaledStore implements TensorStore {
  readonly format: TensorStore["format"];
  readonly files: readonly string[];
  readonly tensors: readonly TensorInfo[];
  readonly metadata: Readonly<Record<string, unknown>>;
  /** weight name → scale tensor name. */
  readonly quantizationScales: ReadonlyMap<string, string>;

  constructor(
    private readonly base: TensorStore,
    scales: ReadonlyMap<string, string>,
    private readonly blockSize: [number, number] | undefined,
    /** Where the block size came from, for messages. */
    private readonly configPath: string | undefined,
  ) {
    this.format = base.format;
    this.files = base.files;
    this.tensors = base.tensors;
    this.metadata = base.metadata;
    this.quantizationScales = scales;
  }

  get(name: string): TensorInfo | undefined {
    return this.base.get(name);
  }

  private geometry(weight: TensorInfo): ScaleGeometry | undefined {
    const scaleName = this.quantizationScales.get(weight.name);
    if (scaleName === undefined) return undefined;
    const scale = this.base.get(scaleName)!;
    const { rows, cols } = matrixView(weight.shape);
    const scaleCount = scale.shape.reduce((a, b) => a * b, 1);
    const fail = (why: string): never => {
      throw new FormatError(
        `scale ${scaleName} [${scale.shape.join(", ")}] does not fit weight [${weight.shape.join(", ")}]: ${why}`,
        { file: scale.file, field: `tensor ${weight.name}` },
      );
    };
    if (scaleCount === 1) return { scale, blockRows: rows, blockCols: cols, scaleCols: 1 };
    const [scaleRows, scaleCols] = scale.shape.length === 1 ? [scale.shape[0]!, 1] : matrixShape(scale.shape);
    if (scaleCols === 1 && scaleRows === rows) return { scale, blockRows: 1, blockCols: cols, scaleCols: 1 };
    let blockRows: number;
    let blockCols: number;
    if (this.blockSize !== undefined) {
      [blockRows, blockCols] = this.blockSize;
    } else {
      blockRows = Math.ceil(rows / scaleRows);
      blockCols = Math.ceil(cols / scaleCols);
    }
    if (Math.ceil(rows / blockRows) !== scaleRows || Math.ceil(cols / blockCols) !== scaleCols) {
      fail(
        this.blockSize === undefined
          ? "not a grid of equal blocks"
          : `weight_block_size [${blockRows}, ${blockCols}] (${this.configPath ?? "config.json"}) needs [${Math.ceil(rows / blockRows)}, ${Math.ceil(cols / blockCols)}]`,
      );
    }
    return { scale, blockRows, blockCols, scaleCols };
  }

  /**
   * Multiply rows of the weight's matrix view, laid out one after another in `values`, by their
   * scales: row i of `values` is weight row `rows[i]`, or row i itself when `rows` is undefined.
   */
  private async scaleRows(weight: TensorInfo, values: Float32Array, rows?: readonly number[]) {
    const geometry = this.geometry(weight);
    if (geometry === undefined) return values;
    const scales = await this.base.read(geometry.scale.name);
    const { cols } = matrixView(weight.shape);
    const count = values.length / cols;
    for (let i = 0; i < count; i++) {
      const base = Math.floor((rows?.[i] ?? i) / geometry.blockRows) * geometry.scaleCols;
      const row = values.subarray(i * cols, (i + 1) * cols);
      for (let c = 0; c < cols; c++) row[c] = row[c]! * scales[base + Math.floor(c / geometry.blockCols)]!;
    }
    return values;
  }

  async read(name: string): Promise<Float32Array> {
    const values = await this.base.read(name);
    const weight = this.base.get(name);
    if (weight === undefined || !this.quantizationScales.has(name)) return values;
    return this.scaleRows(weight, values);
  }

  async readRows(name: string, rows: readonly number[]): Promise<Float32Array> {
    const values = await readTensorRows(this.base, name, rows);
    const weight = this.base.get(name);
    if (weight === undefined || !this.quantizationScales.has(name)) return values;
    return this.scaleRows(weight, values, rows);
  }

  close(): Promise<void> {
    return this.base.close();
  }
}

function matrixShape(shape: readonly number[]): [number, number] {
  const { rows, cols } = matrixView(shape);
  return [rows, cols];
}

/**
 * Wrap `store` so that its scaled weights read dequantized, when it has any (else `store` itself).
 * `config` gives `quantization_config.weight_block_size` when the model folder has one.
 */
export function withQuantizationScales(
  store: TensorStore,
  config: Readonly<Record<string, unknown>> | undefined,
  configPath: string | undefined,
): TensorStore {
  const scales = findQuantizationScales(store.tensors);
  if (scales.size === 0) return store;
  return new BlockScaledStore(store, scales, weightBlockSize(config), configPath);
}

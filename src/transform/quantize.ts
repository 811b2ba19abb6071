/**
 * Quantize round trip (lossy; what a GGUF copy does to the weights): every matrix is quantized to Q8_0
 * or Q4_0 with ggml's block layout and dequantized back to float32. Norm gains (vectors) stay float32,
 * as llama.cpp keeps them.
 */
import { UsageError } from "../errors.js";
import { dequantize } from "../formats/gguf/dequant.js";
import { requireGgmlType } from "../formats/gguf/ggml-types.js";
import { quantizeQ4_0, quantizeQ8_0 } from "../formats/gguf/quantize.js";
import { derive, type LlamaModel } from "./llama-model.js";

export const ROUND_TRIP_TYPES = ["Q8_0", "Q4_0"] as const;
export type RoundTripType = (typeof ROUND_TRIP_TYPES)[number];

const QUANTIZE: Record<RoundTripType, (values: Float32Array) => Uint8Array> = {
  Q8_0: (values) => quantizeQ8_0(values),
  Q4_0: quantizeQ4_0,
};

export function quantizeRoundTrip(model: LlamaModel, type: RoundTripType): LlamaModel {
  const quantize = QUANTIZE[type];
  if (quantize === undefined) throw new UsageError(`unknown quantization type ${type} (Q8_0 or Q4_0)`);
  const ggml = requireGgmlType(type);
  return derive(model, {
    step: `quantize(${type})`,
    async tensor(name, read) {
      const shape = model.shapes.get(name);
      if (shape === undefined || shape.length !== 2 || name.startsWith("freqs_cis_")) return undefined;
      const values = await read(name);
      if (values.length % ggml.blockSize !== 0) return undefined;
      return dequantize(quantize(values), ggml);
    },
  });
}

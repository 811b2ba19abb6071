/** Whether lineage can decode a stored dtype to float32, per weight format (others are listed only). */
import { isSafetensorsDtype } from "./dtype.js";
import { DEQUANTIZABLE } from "./gguf/ggml-types.js";
import type { WeightFormat } from "./tensor-store.js";

export function canDecode(format: WeightFormat, dtype: string): boolean {
  switch (format) {
    case "safetensors":
    case "pytorch":
      return isSafetensorsDtype(dtype);
    case "gguf":
      return DEQUANTIZABLE.has(dtype);
    case "llama2c":
      return true;
  }
}

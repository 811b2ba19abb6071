/**
 * Storage-only transforms: the weights are unchanged, only how a writer lays them out on disk.
 * - rename: another naming convention (Yi `ln1`/`ln2`, Meta, or invented names no rule knows);
 * - transposeStorage: matrices stored [in, out] (llama2.c: same header, each matrix's data transposed);
 * - fuseQkv: Phi-3 (`qkv_proj` + `gate_up_proj`) or Baichuan (`W_pack`) fused projections;
 * - castDtype: another element type (F32, F16, BF16) for safetensors output.
 */
import type { EncodableDtype } from "../formats/encode.js";
import { derive, type FusedStyle, type LlamaModel } from "./llama-model.js";
import type { NamingScheme } from "./naming-schemes.js";

export function rename(model: LlamaModel, naming: NamingScheme): LlamaModel {
  return derive(model, { step: `rename(${naming})`, storage: { naming } });
}

export function transposeStorage(model: LlamaModel): LlamaModel {
  return derive(model, { step: "transpose", storage: { transposed: true } });
}

export function fuseQkv(model: LlamaModel, style: FusedStyle): LlamaModel {
  return derive(model, { step: `fuse-qkv(${style})`, storage: { fused: style, naming: "hf-llama" } });
}

export function castDtype(model: LlamaModel, dtype: EncodableDtype): LlamaModel {
  return derive(model, { step: `cast(${dtype})`, storage: { dtype } });
}

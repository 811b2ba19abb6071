/**
 * Every transformation by name, for scripts and tests: `createTransform(kind, options)` returns a
 * function LlamaModel → LlamaModel and throws a UsageError on unknown kinds. `preservesFunction` says
 * which kinds leave the model's logits unchanged (up to float rounding).
 */
import { UsageError } from "../errors.js";
import type { EncodableDtype } from "../formats/encode.js";
import { foldNorms } from "./fold-norms.js";
import type { FusedStyle, LlamaModel } from "./llama-model.js";
import { isNamingScheme, type NamingScheme } from "./naming-schemes.js";
import { addNoise } from "./noise.js";
import { permuteHeads } from "./permute-heads.js";
import { permuteHidden } from "./permute-hidden.js";
import { permuteMlp } from "./permute-mlp.js";
import { quantizeRoundTrip, ROUND_TRIP_TYPES, type RoundTripType } from "./quantize.js";
import { reinitialize } from "./reinit.js";
import { rescale } from "./rescale.js";
import { rotateResidual } from "./rotate.js";
import { castDtype, fuseQkv, rename, transposeStorage } from "./storage.js";

/** Every kind, and whether its output computes the same logits as its input. */
const PRESERVES_FUNCTION = {
  rename: true,
  transpose: true,
  "fuse-qkv": true,
  cast: false,
  permute: true,
  "permute-hidden": true,
  "permute-heads": true,
  "permute-mlp": true,
  "fold-norms": true,
  rotate: true,
  rescale: true,
  noise: false,
  quantize: false,
  reinit: false,
} as const;
export type TransformKind = keyof typeof PRESERVES_FUNCTION;
export const TRANSFORM_KINDS = Object.keys(PRESERVES_FUNCTION) as TransformKind[];
/** Kinds whose output computes the same logits as their input (cast rounds the weights). */
export const FUNCTION_PRESERVING: ReadonlySet<TransformKind> = new Set(
  TRANSFORM_KINDS.filter((kind) => PRESERVES_FUNCTION[kind]),
);

export interface TransformOptions {
  seed?: number;
  /** rename: naming scheme (default `yi`). */
  naming?: NamingScheme;
  /** fuse-qkv: `phi3` (default) or `baichuan`. */
  style?: FusedStyle;
  /** cast: element type (default BF16). */
  dtype?: EncodableDtype;
  /** noise: relative σ (default 0.01). */
  sigma?: number;
  /** quantize: Q8_0 (default) or Q4_0. */
  type?: RoundTripType;
  /** rescale: largest factor (default 4). */
  range?: number;
}

export type Transform = (model: LlamaModel) => LlamaModel;

export function isTransformKind(value: string): value is TransformKind {
  return Object.hasOwn(PRESERVES_FUNCTION, value);
}

export function createTransform(kind: string, options: TransformOptions = {}): Transform {
  const seed = options.seed ?? 1;
  switch (kind) {
    case "rename": {
      const naming = options.naming ?? "yi";
      if (!isNamingScheme(naming))
        throw new UsageError(`unknown naming scheme ${naming}`, { field: "naming" });
      return (model) => rename(model, naming);
    }
    case "transpose":
      return transposeStorage;
    case "fuse-qkv": {
      const style = options.style ?? "phi3";
      if (style !== "phi3" && style !== "baichuan") throw new UsageError(`unknown fused style ${style}`);
      return (model) => fuseQkv(model, style);
    }
    case "cast": {
      const dtype = options.dtype ?? "BF16";
      if (!["F32", "F16", "BF16"].includes(dtype)) throw new UsageError(`cannot cast to ${dtype}`);
      return (model) => castDtype(model, dtype);
    }
    case "permute":
      return (model) => permuteMlp(permuteHeads(permuteHidden(model, seed), seed), seed);
    case "permute-hidden":
      return (model) => permuteHidden(model, seed);
    case "permute-heads":
      return (model) => permuteHeads(model, seed);
    case "permute-mlp":
      return (model) => permuteMlp(model, seed);
    case "fold-norms":
      return foldNorms;
    case "rotate":
      return (model) => rotateResidual(model, seed);
    case "rescale":
      return (model) => rescale(model, { seed, range: options.range ?? 4 });
    case "noise":
      return (model) => addNoise(model, { seed, sigma: options.sigma ?? 0.01 });
    case "quantize": {
      const type = options.type ?? "Q8_0";
      if (!(ROUND_TRIP_TYPES as readonly string[]).includes(type))
        throw new UsageError(`unknown type ${type}`);
      return (model) => quantizeRoundTrip(model, type);
    }
    case "reinit":
      return (model) => reinitialize(model, seed);
    default:
      throw new UsageError(`unknown transform ${kind} (one of ${TRANSFORM_KINDS.join(", ")})`, {
        field: "transform",
      });
  }
}

/**
 * The compact per-model fingerprint: what the library stores so a suspect can be checked against a
 * known base without the base's weights. JSON-serialisable and versioned.
 *
 * Weight evidence is basis-free and keyed by token STRINGS, so it can be matched against a model with
 * another tokenizer and a permuted or rotated hidden space:
 * - `anchors`: up to 256 common token strings (ASCII letters, digits, punctuation, English words,
 *   common CJK characters) found in the model's vocabulary, as text (`" the"`, not `▁the` or `Ġthe`).
 * - `embedding` (and `head` when untied): Gram matrix of the anchors' unit-length embedding rows,
 *   G = Ê Êᵀ, unchanged by any orthogonal rotation or permutation of the hidden space.
 * - per layer, on the first `layerAnchors` anchors, with the norm weight folded in (X = Ê·diag(γ)):
 *   `qk` = X Wqᵀ Wk Xᵀ (HuRef's attention invariant, summed over heads, GQA heads expanded),
 *   `ov` = X Wvᵀ Woᵀ Êᵀ (the OV circuit read back on the anchors),
 *   `mlp` = X Wupᵀ Wdownᵀ Êᵀ (MLP with its nonlinearity removed; mean over experts for MoE).
 *   Each is also invariant to permutation, sign flips and paired rescaling of heads and neurons.
 *   Stored as the strict upper triangle of the symmetric part, 8-bit quantized.
 * - `weak`: per-layer standard deviations and norm-weight statistics. Any two models share these
 *   shapes (Pangu/Qwen, Solar/GLM): reported, labelled weak, never used for a relation.
 */
import type { ArchitectureSummary } from "../architecture/summary.js";
import { FormatError } from "../errors.js";
import type { TokenConvention } from "../tokenizers/vocabulary.js";
import type { QuantizedTriangle } from "./weights-quantize.js";

export const FINGERPRINT_FORMAT = "lineage-fingerprint";
export const FINGERPRINT_VERSION = 1;

/** Note on a fingerprint of a suspect read as transposed storage (see `suspectReadings`). */
export const TRANSPOSED_READING_NOTE = "matrices read as transposed storage";

export type InvariantKind = "qk" | "ov" | "mlp";
export const INVARIANT_KINDS: readonly InvariantKind[] = ["qk", "ov", "mlp"];

export interface LayerInvariants {
  layer: number;
  qk?: QuantizedTriangle;
  ov?: QuantizedTriangle;
  mlp?: QuantizedTriangle;
}

export interface TokenizerSummary {
  size: number;
  convention: TokenConvention;
  model: string;
  /** sha256 over the sorted token strings (the token SET: survives renumbering). */
  tokenSetHash: string;
  /** sha256 over the token strings in id order (the exact vocabulary). */
  tokenListHash: string;
}

export interface WeakProfiles {
  /** Per layer: standard deviation of each projection (HonestAGI-style; weak). */
  std: Partial<Record<"q" | "k" | "v" | "o" | "up" | "down", (number | null)[]>>;
  /** Per layer: mean of the attention and MLP norm weights (weak: every model starts at 1). */
  attnNormMean: (number | null)[];
  mlpNormMean: (number | null)[];
}

export interface ModelFingerprint {
  format: typeof FINGERPRINT_FORMAT;
  version: typeof FINGERPRINT_VERSION;
  createdAt: string;
  source: { path: string; format: string };
  architecture: ArchitectureSummary;
  tokenizer: TokenizerSummary | null;
  /** Anchor token strings, in the fixed priority order of the candidate list. */
  anchors: string[];
  /** The first `layerAnchors` anchors are the ones the per-layer matrices use. */
  layerAnchors: number;
  embedding: QuantizedTriangle | null;
  head: QuantizedTriangle | null;
  layers: LayerInvariants[];
  weak: WeakProfiles;
  /** What could not be computed and why. */
  notes: string[];
}

/** Largest anchor set a stored fingerprint may claim (hostile-input cap: 256 is what we write). */
export const MAX_ANCHORS = 1024;
/** Largest layer count a stored fingerprint may claim (the deepest public models have ~200). */
export const MAX_LAYERS = 4096;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkTriangle(value: unknown, field: string, n: number, file: string | undefined): void {
  if (value === null || value === undefined) return;
  if (
    !isRecord(value) ||
    value.n !== n ||
    value.encoding !== "u8" ||
    typeof value.min !== "number" ||
    typeof value.step !== "number" ||
    typeof value.data !== "string" ||
    // Base64 of n(n-1)/2 codes: checked here so a damaged document fails when read, not when matched.
    value.data.length !== 4 * Math.ceil((n * (n - 1)) / 2 / 3)
  ) {
    throw new FormatError(`expected an ${n}-anchor u8 triangle`, { file, field });
  }
}

/**
 * Check that `value` (parsed JSON) is a fingerprint this version can read, and return it typed.
 * Throws FormatError naming the field that is wrong.
 */
export function parseFingerprint(value: unknown, file?: string): ModelFingerprint {
  if (!isRecord(value) || value.format !== FINGERPRINT_FORMAT) {
    throw new FormatError(`not a lineage fingerprint (format must be "${FINGERPRINT_FORMAT}")`, {
      file,
      field: "format",
    });
  }
  if (value.version !== FINGERPRINT_VERSION) {
    throw new FormatError(
      `fingerprint version ${String(value.version)} is not supported (this lineage reads version ${FINGERPRINT_VERSION})`,
      { file, field: "version" },
    );
  }
  const anchors = value.anchors;
  if (
    !Array.isArray(anchors) ||
    anchors.length > MAX_ANCHORS ||
    !anchors.every((a) => typeof a === "string")
  ) {
    throw new FormatError(`anchors must be at most ${MAX_ANCHORS} strings`, { file, field: "anchors" });
  }
  const layerAnchors = value.layerAnchors;
  if (
    typeof layerAnchors !== "number" ||
    !Number.isInteger(layerAnchors) ||
    layerAnchors < 0 ||
    layerAnchors > anchors.length
  ) {
    throw new FormatError("layerAnchors must be an integer no larger than the anchor count", {
      file,
      field: "layerAnchors",
    });
  }
  checkTriangle(value.embedding, "embedding", anchors.length, file);
  checkTriangle(value.head, "head", anchors.length, file);
  if (!Array.isArray(value.layers) || value.layers.length > MAX_LAYERS) {
    throw new FormatError(`layers must be an array of at most ${MAX_LAYERS}`, { file, field: "layers" });
  }
  value.layers.forEach((layer: unknown, i: number) => {
    if (!isRecord(layer) || typeof layer.layer !== "number") {
      throw new FormatError("layer entry must have a numeric `layer`", { file, field: `layers[${i}]` });
    }
    for (const kind of ["qk", "ov", "mlp"])
      checkTriangle(layer[kind], `layers[${i}].${kind}`, layerAnchors, file);
  });
  if (!isRecord(value.architecture) || !isRecord(value.source) || !isRecord(value.weak)) {
    throw new FormatError("architecture, source and weak must be objects", { file, field: "architecture" });
  }
  if (!Array.isArray(value.notes)) throw new FormatError("notes must be an array", { file, field: "notes" });
  return value as unknown as ModelFingerprint;
}

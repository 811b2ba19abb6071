/** The hyper-parameters one source (config.json, GGUF metadata, llama2.c header, shapes) states. */
export interface Figures {
  hiddenSize?: number | undefined;
  numLayers?: number | undefined;
  numHeads?: number | undefined;
  numKvHeads?: number | undefined;
  intermediateSize?: number | undefined;
  vocabSize?: number | undefined;
  numExperts?: number | undefined;
  headDim?: number | undefined;
  tieWordEmbeddings?: boolean | undefined;
  /** Figures given per layer that differ between layers (then the scalar figure is undefined). */
  perLayer?: PerLayerFigures | undefined;
}

/**
 * Figures some models set layer by layer (GGUF arrays such as `{arch}.attention.head_count`, which
 * llama.cpp reads with `get_key_or_arr`: one value per layer, or one scalar for all). Only figures
 * that really vary are kept here.
 */
export interface PerLayerFigures {
  numHeads?: number[];
  numKvHeads?: number[];
  intermediateSize?: number[];
}

export const FIGURE_NAMES = [
  "hiddenSize",
  "numLayers",
  "numHeads",
  "numKvHeads",
  "intermediateSize",
  "vocabSize",
  "numExperts",
  "headDim",
] as const;

/** A positive safe integer from a JSON or GGUF value (number or bigint), else undefined. */
export function positiveInteger(value: unknown): number | undefined {
  const number = typeof value === "bigint" ? Number(value) : value;
  return typeof number === "number" && Number.isSafeInteger(number) && number > 0 ? number : undefined;
}

/** The first key of `record` holding a positive integer. */
export function firstInteger(
  record: Readonly<Record<string, unknown>>,
  keys: readonly string[],
): number | undefined {
  for (const key of keys) {
    const value = positiveInteger(record[key]);
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * One call from a checkpoint path to a written variant: open, apply transforms in order, write, close.
 * Tokenizer files found with the source are copied into HF output folders so tokenizer evidence stays
 * available to `compare`.
 */
import { openModelSource } from "../formats/model-source.js";
import type { LlamaModel } from "./llama-model.js";
import { llamaModelFromSource } from "./load.js";
import { createTransform, type TransformOptions } from "./registry.js";
import { type OutputFormat, writeModel } from "./write.js";

export interface VariantOptions extends TransformOptions {
  /** Output format; default `llama2c` when `out` ends in `.bin`, else `hf`. */
  format?: OutputFormat;
}

export interface VariantResult {
  out: string;
  format: OutputFormat;
  /** The steps applied, as recorded in the output's config.json (`lineage_transforms`). */
  history: readonly string[];
}

export async function makeVariant(
  input: string,
  kinds: readonly string[],
  out: string,
  options: VariantOptions = {},
): Promise<VariantResult> {
  const transforms = kinds.map((kind) => createTransform(kind, options));
  const source = await openModelSource(input);
  let model: LlamaModel;
  try {
    model = llamaModelFromSource(source);
  } catch (error) {
    await source.store.close();
    throw error;
  }
  try {
    for (const transform of transforms) model = transform(model);
    const format = options.format ?? (out.endsWith(".bin") ? "llama2c" : "hf");
    await writeModel(model, out, { format, copyFiles: format === "hf" ? source.tokenizerFiles : [] });
    return { out, format, history: model.history };
  } finally {
    await model.close();
  }
}

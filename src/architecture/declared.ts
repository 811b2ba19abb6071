/**
 * What a model declares about itself, before looking at tensor names: config.json for Hugging Face
 * folders, metadata for GGUF, the header for llama2.c.
 */
import { basename } from "node:path";
import type { ModelSource } from "../formats/model-source.js";
import type { Figures } from "./figures.js";
import { figuresFromConfig } from "./from-config.js";
import { figuresFromGguf } from "./from-gguf.js";
import { figuresFromLlama2c } from "./from-llama2c.js";

export interface Declared {
  family: string | undefined;
  figures: Figures;
  /** Where the figures came from: `config.json`, `gguf metadata`, `llama2.c header`, or none. */
  source: string | undefined;
  /** config.json `model_type` / GGUF `general.architecture`, as written. */
  declaredType: string | undefined;
  ggufArchitecture: string | undefined;
  /** Declared values that could not be used, and why. */
  notes?: string[];
}

export function declaredArchitecture(source: ModelSource): Declared {
  if (source.format === "gguf") {
    const gguf = figuresFromGguf(source.store.metadata);
    return {
      family: gguf.family,
      figures: gguf.figures,
      source: "gguf metadata",
      declaredType: gguf.architecture,
      ggufArchitecture: gguf.architecture,
      notes: gguf.notes,
    };
  }
  if (source.format === "llama2c") {
    return {
      family: "llama",
      figures: figuresFromLlama2c(source.store.metadata),
      source: "llama2.c header",
      declaredType: undefined,
      ggufArchitecture: undefined,
    };
  }
  if (source.config !== undefined) {
    const config = figuresFromConfig(source.config);
    return {
      family: config.family,
      figures: config.figures,
      source: source.configPath === undefined ? "model_args in the checkpoint" : basename(source.configPath),
      declaredType: config.modelType ?? config.architectureClass,
      ggufArchitecture: undefined,
    };
  }
  return {
    family: undefined,
    figures: {},
    source: undefined,
    declaredType: undefined,
    ggufArchitecture: undefined,
  };
}

/**
 * Open a Llama-style checkpoint as a LlamaModel: a llama2.c `.bin` (Meta names, interleaved rotary
 * order) or a Hugging Face folder / safetensors with config.json (HF Llama or Yi names, or Meta names).
 * Only headers are read here; tensors are read when a transform or writer asks.
 */
import { FormatError, UsageError } from "../errors.js";
import { type ModelSource, openModelSource } from "../formats/model-source.js";
import { type LlamaConfig, type LlamaModel, llamaShapes } from "./llama-model.js";
import { canonicalName, detectScheme, storedName } from "./naming-schemes.js";

/** llama.cpp / llama2.c defaults when a checkpoint does not say. */
const DEFAULT_NORM_EPS = 1e-5;
const DEFAULT_ROPE_THETA = 10000;

function positiveInteger(config: Record<string, unknown>, key: string, file: string | undefined): number {
  const value = config[key];
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) {
    throw new FormatError(`${key} must be a positive integer`, { file, field: key });
  }
  return value;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

function configOf(source: ModelSource, names: readonly string[]): Omit<LlamaConfig, "ropeOrder"> {
  const meta = source.store.metadata;
  if (source.format === "llama2c") {
    return {
      dim: meta.dim as number,
      hiddenDim: meta.hidden_dim as number,
      nLayers: meta.n_layers as number,
      nHeads: meta.n_heads as number,
      nKvHeads: meta.n_kv_heads as number,
      vocabSize: meta.vocab_size as number,
      maxSeqLen: meta.seq_len as number,
      normEps: DEFAULT_NORM_EPS,
      ropeTheta: DEFAULT_ROPE_THETA,
      tiedEmbeddings: meta.shared_classifier === true,
    };
  }
  const config = source.config;
  if (config === undefined) {
    throw new UsageError("a config.json is needed beside the weights to know the head counts", {
      file: source.path,
      field: "config.json",
    });
  }
  const file = source.configPath;
  const nHeads = positiveInteger(config, "num_attention_heads", file);
  return {
    dim: positiveInteger(config, "hidden_size", file),
    hiddenDim: positiveInteger(config, "intermediate_size", file),
    nLayers: positiveInteger(config, "num_hidden_layers", file),
    nHeads,
    nKvHeads:
      config.num_key_value_heads === undefined
        ? nHeads
        : positiveInteger(config, "num_key_value_heads", file),
    vocabSize: positiveInteger(config, "vocab_size", file),
    maxSeqLen: numberOr(config.max_position_embeddings, 2048),
    normEps: numberOr(config.rms_norm_eps, DEFAULT_NORM_EPS),
    ropeTheta: numberOr(config.rope_theta, DEFAULT_ROPE_THETA),
    tiedEmbeddings: !names.some(
      (name) => canonicalName("hf-llama", name) === "lm_head" || name === "output.weight",
    ),
  };
}

/** Wrap an open ModelSource (the model takes ownership and closes its store). */
export function llamaModelFromSource(source: ModelSource): LlamaModel {
  const { store } = source;
  const names = store.tensors.map((tensor) => tensor.name);
  const scheme = detectScheme(names, source.path);
  const config: LlamaConfig = {
    ...configOf(source, names),
    ropeOrder: scheme === "meta" ? "interleaved" : "half",
  };
  const shapes: Map<string, readonly number[]> = llamaShapes(config);
  for (const extra of ["freqs_cis_real", "freqs_cis_imag"]) {
    const info = store.get(extra);
    if (info !== undefined) shapes.set(extra, info.shape);
  }
  for (const [name, shape] of shapes) {
    const info = store.get(storedName(scheme, name));
    if (info === undefined || info.shape.join("x") !== shape.join("x")) {
      throw new FormatError(
        info === undefined
          ? `a Llama model with this blueprint needs tensor ${storedName(scheme, name)}`
          : `tensor has shape [${info.shape}] but the blueprint says [${shape}]`,
        { file: source.path, field: storedName(scheme, name) },
      );
    }
  }
  const dtypes = new Set(store.tensors.map((tensor) => tensor.dtype));
  return {
    config,
    shapes,
    storage: {
      // A llama2.c file has no names of its own to keep: written as HF it gets HF names.
      naming: source.format === "llama2c" ? undefined : scheme,
      transposed: false,
      fused: undefined,
      dtype:
        dtypes.size === 1 && (dtypes.has("BF16") || dtypes.has("F16")) ? ([...dtypes][0] as "BF16") : "F32",
    },
    history: [],
    read: (name) => store.read(storedName(scheme, name)),
    close: () => store.close(),
  };
}

export async function loadLlamaModel(path: string): Promise<LlamaModel> {
  const source = await openModelSource(path);
  try {
    return llamaModelFromSource(source);
  } catch (error) {
    await source.store.close();
    throw error;
  }
}

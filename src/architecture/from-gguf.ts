/** Family and hyper-parameters from GGUF metadata (`general.architecture`, `{arch}.…` keys, vocabulary). */
import { type Figures, firstInteger } from "./figures.js";

/** GGUF `general.architecture` → our family name (others are kept as they are). */
const FAMILY_BY_GGUF_ARCH: Readonly<Record<string, string>> = {
  llama: "llama",
  gptneox: "gpt-neox",
  gpt2: "gpt2",
  falcon: "falcon",
  phi3: "phi3",
  qwen2: "qwen2",
  qwen2moe: "qwen2-moe",
  baichuan: "baichuan",
};

export interface GgufFigures {
  /** `general.architecture` as written. */
  architecture: string | undefined;
  family: string | undefined;
  figures: Figures;
  /** Metadata that could not be used, and why. */
  notes: string[];
}

function lengthOf(value: unknown): number | undefined {
  if (Array.isArray(value)) return value.length;
  if (ArrayBuffer.isView(value) && "length" in value) return (value as unknown as { length: number }).length;
  return undefined;
}

/**
 * A figure llama.cpp reads with `get_key_or_arr`: a scalar for every layer, or an array with one value
 * per layer (`block_count` values; llama.cpp refuses another length). Equal per-layer values give the
 * scalar; values that vary give `perLayer` and no scalar.
 */
function layerFigure(
  metadata: Readonly<Record<string, unknown>>,
  key: string,
  layers: number | undefined,
  notes: string[],
): { value?: number; perLayer?: number[] } {
  const raw = metadata[key];
  const length = lengthOf(raw);
  if (length === undefined) return { value: firstInteger(metadata, [key]) };
  const values = Array.from(raw as ArrayLike<number | bigint>, (v) => Number(v));
  if (values.some((v) => !Number.isSafeInteger(v) || v < 0)) {
    notes.push(`${key} holds values that are not counts; ignored`);
    return {};
  }
  if (layers !== undefined && values.length !== layers) {
    notes.push(`${key} has ${values.length} values for ${layers} layers (block_count); ignored`);
    return {};
  }
  if (values.length > 0 && values.every((v) => v === values[0]) && values[0]! > 0)
    return { value: values[0] };
  return { perLayer: values };
}

export function figuresFromGguf(metadata: Readonly<Record<string, unknown>>): GgufFigures {
  const arch =
    typeof metadata["general.architecture"] === "string" ? metadata["general.architecture"] : undefined;
  const key = (name: string) => `${arch}.${name}`;
  const notes: string[] = [];
  const numLayers = firstInteger(metadata, [key("block_count")]);
  const heads = layerFigure(metadata, key("attention.head_count"), numLayers, notes);
  const kvHeads = layerFigure(metadata, key("attention.head_count_kv"), numLayers, notes);
  const mlp = layerFigure(metadata, key("feed_forward_length"), numLayers, notes);
  const numHeads = heads.value;
  const numExperts = firstInteger(metadata, [key("expert_count")]);
  const hiddenSize = firstInteger(metadata, [key("embedding_length")]);
  let family = arch === undefined ? undefined : (FAMILY_BY_GGUF_ARCH[arch] ?? arch);
  // llama.cpp writes Mixtral as `llama` with experts.
  if (family === "llama" && numExperts !== undefined) family = "mixtral";
  // head_count_kv absent means one KV head per query head (llama.cpp's default), per layer too.
  const kvMissing = metadata[key("attention.head_count_kv")] === undefined;
  const perLayer = {
    ...(heads.perLayer === undefined ? {} : { numHeads: heads.perLayer }),
    ...(kvHeads.perLayer === undefined
      ? kvMissing && heads.perLayer !== undefined
        ? { numKvHeads: heads.perLayer }
        : {}
      : { numKvHeads: kvHeads.perLayer }),
    ...(mlp.perLayer === undefined ? {} : { intermediateSize: mlp.perLayer }),
  };
  return {
    architecture: arch,
    family,
    notes,
    figures: {
      hiddenSize,
      numLayers,
      numHeads,
      numKvHeads: kvHeads.value ?? (kvMissing ? numHeads : undefined),
      intermediateSize: mlp.value,
      vocabSize: lengthOf(metadata["tokenizer.ggml.tokens"]) ?? firstInteger(metadata, [key("vocab_size")]),
      numExperts,
      headDim:
        firstInteger(metadata, [key("attention.key_length")]) ??
        (hiddenSize !== undefined && numHeads !== undefined && hiddenSize % numHeads === 0
          ? hiddenSize / numHeads
          : undefined),
      ...(Object.keys(perLayer).length === 0 ? {} : { perLayer }),
    },
  };
}

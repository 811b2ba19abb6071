/**
 * What `lineage inspect` reports, as one JSON-able object: format, architecture, parameter count,
 * dtypes, every stored tensor with its canonical name(s), the tokenizer, and notes.
 */
import { countParameters, isParameter } from "../architecture/parameter-count.js";
import type { ArchitectureSummary } from "../architecture/summary.js";
import { LineageError } from "../errors.js";
import { canDecode } from "../formats/decodable.js";
import { GGUF_TOKENIZER_MODELS, type GgufModelSummary, ggufModelSummary } from "../formats/gguf/summary.js";
import { elementCount, type WeightFormat } from "../formats/tensor-store.js";
import { type DeclaredLineage, declaredLineage } from "../lineage/declared-lineage.js";
import type { CanonicalModel, LayoutTransform } from "../naming/canonical-model.js";
import { compareStoredHead } from "../naming/tied-head.js";
import { readModelVocabulary } from "../tokenizers/model-vocabulary.js";
import type { Vocabulary } from "../tokenizers/vocabulary.js";

export interface InspectTensor {
  name: string;
  /** One canonical name; an array when a fused tensor is split; null when no naming rule knows it. */
  canonical: string | string[] | null;
  dtype: string;
  shape: number[];
  layer: number | undefined;
  convention: string | undefined;
  /** Layout transforms per canonical tensor, in the order of `canonical`. */
  transforms: LayoutTransform[][];
}

export interface InspectTokenizer {
  /** Where the vocabulary was read from (a tokenizer file or the weight file itself). */
  file: string | undefined;
  format: string | undefined;
  /** `bpe`, `unigram`, `wordpiece`, `tiktoken`. */
  kind: string | undefined;
  /** The tokenizer in words (`SentencePiece BPE`, `byte-level BPE`, `WordPiece`, …), where the file says
   * more than `kind` (GGUF's `tokenizer.ggml.model`). */
  description: string | undefined;
  vocabSize: number | undefined;
  /** Special tokens by role: id and token string. */
  special: Record<string, { id: number; token: string | undefined }>;
  preTokenizer: string | undefined;
  /** Tokenizer files found beside the weights. */
  files: string[];
  /** Why the vocabulary could not be read, when it could not. */
  error: string | undefined;
}

export interface InspectReport {
  path: string;
  format: WeightFormat;
  files: string[];
  architecture: ArchitectureSummary;
  parameterCount: number;
  /** Per stored dtype: tensors and parameters. */
  dtypes: Record<string, { tensors: number; parameters: number }>;
  tensors: InspectTensor[];
  unrecognised: string[];
  /** Stored quantization scales, applied to their weights on read (not parameters). */
  scales: string[];
  tokenizer: InspectTokenizer;
  /** GGUF files: name, context length, RoPE settings, file type, tokenizer model (what gguf-dump shows). */
  gguf: GgufModelSummary | undefined;
  /** What the model card, GGUF metadata or configuration claim about the base model. */
  declared: DeclaredLineage;
  notes: string[];
}

function tensorRows(model: CanonicalModel): InspectTensor[] {
  const byStored = new Map<string, CanonicalModel["tensors"][number][]>();
  for (const tensor of model.tensors) {
    const list = byStored.get(tensor.source.name) ?? [];
    list.push(tensor);
    byStored.set(tensor.source.name, list);
  }
  return model.source.store.tensors.map((info) => {
    const mapped = byStored.get(info.name) ?? [];
    return {
      name: info.name,
      canonical:
        mapped.length === 0
          ? null
          : mapped.length === 1
            ? mapped[0]!.canonical
            : mapped.map((t) => t.canonical),
      dtype: info.dtype,
      shape: info.shape,
      layer: mapped[0]?.layer,
      convention: mapped[0]?.convention,
      transforms: mapped.map((t) => t.transforms),
    };
  });
}

function dtypeCounts(model: CanonicalModel): InspectReport["dtypes"] {
  const counts: InspectReport["dtypes"] = {};
  for (const tensor of model.source.store.tensors) {
    const entry = counts[tensor.dtype] ?? { tensors: 0, parameters: 0 };
    counts[tensor.dtype] = entry;
    entry.tensors += 1;
    if (isParameter(tensor.name)) entry.parameters += elementCount(tensor.shape);
  }
  return counts;
}

/** A GGUF vocabulary in words: llama.cpp's `llama` model is SentencePiece (BPE or Unigram by its scores). */
function describeTokenizer(
  vocabulary: Vocabulary,
  metadata: Readonly<Record<string, unknown>>,
): string | undefined {
  if (vocabulary.source.format !== "gguf") return undefined;
  const model = metadata["tokenizer.ggml.model"];
  if (typeof model !== "string") return undefined;
  const words = GGUF_TOKENIZER_MODELS[model] ?? model;
  return model === "llama" ? `${words} ${vocabulary.model === "unigram" ? "Unigram" : "BPE"}` : words;
}

function tokenizerSummary(vocabulary: Vocabulary, files: string[], description?: string): InspectTokenizer {
  const special: InspectTokenizer["special"] = {};
  for (const [role, id] of Object.entries(vocabulary.special))
    special[role] = { id, token: vocabulary.tokens[id] };
  return {
    file: vocabulary.source.file,
    format: vocabulary.source.format,
    kind: vocabulary.model,
    description,
    vocabSize: vocabulary.tokens.length,
    special,
    preTokenizer: vocabulary.preTokenizer,
    files,
    error: undefined,
  };
}

async function readTokenizer(model: CanonicalModel): Promise<InspectTokenizer> {
  const files = model.source.tokenizerFiles;
  try {
    const vocabulary = await readModelVocabulary(model.source);
    return tokenizerSummary(vocabulary, files, describeTokenizer(vocabulary, model.source.store.metadata));
  } catch (error) {
    if (!(error instanceof LineageError)) throw error;
    return {
      file: undefined,
      format: undefined,
      kind: undefined,
      description: undefined,
      vocabSize: undefined,
      special: {},
      preTokenizer: undefined,
      files,
      error: error.describe(),
    };
  }
}

function tokenizerNotes(tokenizer: InspectTokenizer, architecture: ArchitectureSummary): string[] {
  if (tokenizer.error !== undefined) return [`tokenizer not read: ${tokenizer.error}`];
  const notes: string[] = [];
  const rows = architecture.vocabSize;
  if (tokenizer.vocabSize !== undefined && rows !== undefined && tokenizer.vocabSize > rows) {
    notes.push(
      `the tokenizer has ${tokenizer.vocabSize} tokens but the model only ${rows} vocabulary rows: ids ≥ ${rows} cannot be embedded`,
    );
  }
  return notes;
}

/** What a stored LM head holds next to the embedding, when a config's "tied" says otherwise or a copy
 * is stored untied. */
async function headNotes(model: CanonicalModel): Promise<string[]> {
  const stated = model.source.config?.tie_word_embeddings;
  const head = await compareStoredHead(model).catch(() => undefined);
  if (head === undefined || head.kind === "none" || head.kind === "other-shape") return [];
  if (head.kind === "differs") {
    // A separate head that differs is the ordinary untied model; it is news only when the config says tied.
    if (stated !== true) return [];
    return [
      `the stored LM head differs from the embedding (${head.differingRows} of ${head.rows} sampled rows, max |Δ| ${head.maxDifference.toPrecision(3)}): config.json's tie_word_embeddings is not what runs`,
    ];
  }
  return [
    `the stored LM head equals the embedding (${head.rows} sampled rows bit for bit): a stored copy of a tied head`,
  ];
}

/** Tensors whose stored dtype lineage lists but cannot decode: reading them fails, naming them. */
function undecodableNotes(model: CanonicalModel): string[] {
  const byDtype = new Map<string, string[]>();
  for (const tensor of model.source.store.tensors) {
    if (canDecode(model.source.format, tensor.dtype)) continue;
    byDtype.set(tensor.dtype, [...(byDtype.get(tensor.dtype) ?? []), tensor.name]);
  }
  return [...byDtype].map(
    ([dtype, names]) =>
      `${names.length} tensor(s) of dtype ${dtype}, which lineage cannot decode (listed; reading one is refused, naming it): ${names.slice(0, 4).join(", ")}${names.length > 4 ? ", …" : ""}`,
  );
}

export async function buildInspectReport(model: CanonicalModel): Promise<InspectReport> {
  const tokenizer = await readTokenizer(model);
  return {
    path: model.source.path,
    format: model.source.format,
    files: [...model.source.store.files],
    architecture: model.architecture,
    parameterCount: countParameters(model.source.store.tensors),
    dtypes: dtypeCounts(model),
    tensors: tensorRows(model),
    unrecognised: model.unrecognised.map((t) => t.name),
    scales: model.scales.map((t) => t.name),
    tokenizer,
    gguf: model.source.format === "gguf" ? ggufModelSummary(model.source.store.metadata) : undefined,
    declared: await declaredLineage(model.source),
    notes: [
      ...model.notes,
      ...(await headNotes(model)),
      ...undecodableNotes(model),
      ...tokenizerNotes(tokenizer, model.architecture),
    ],
  };
}

/** The report as plain JSON data: absent figures become `null` so every documented field is present. */
export function inspectJson(report: InspectReport): unknown {
  return JSON.parse(JSON.stringify(report, (_key, value) => (value === undefined ? null : value)));
}

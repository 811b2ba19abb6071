/**
 * Build a model's fingerprint in one streaming pass over sampled rows: the anchors' embedding rows,
 * then each layer's sampled MLP and attention rows, described by their signatures (`units.ts`). The
 * same unit sets `compare` computes; only the anchors differ (here the model's own, there the ones both
 * models share).
 */
import { createHash } from "node:crypto";
import type { CanonicalModel } from "../naming/canonical-model.js";
import type { ProgressReporter } from "../progress.js";
import type { Vocabulary } from "../tokenizers/vocabulary.js";
import { ANCHOR_COUNT, MIN_ANCHORS, modelAnchors } from "./anchors.js";
import {
  FINGERPRINT_FORMAT,
  FINGERPRINT_VERSION,
  type ModelFingerprint,
  storeSet,
  type TokenizerSummary,
} from "./model-fingerprint.js";
import { ModelView } from "./model-view.js";
import { unitRows } from "./signatures.js";
import { layerCount, readLayer, residualSet, type UnitSet } from "./units.js";

export interface FingerprintOptions {
  /** Timestamp to record (tests pass a fixed one). */
  createdAt?: string;
  /** Read every stored layer matrix as holding its transpose (llama2.c re-layouts; see from-path.ts). */
  storedTransposed?: boolean;
  onProgress?: ProgressReporter;
}

function sha256(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex");
}

export function summariseTokenizer(vocabulary: Vocabulary): TokenizerSummary {
  return {
    size: vocabulary.tokens.length,
    convention: vocabulary.convention,
    model: vocabulary.model,
    tokenSetHash: sha256([...new Set(vocabulary.tokens)].sort()),
    tokenListHash: sha256(vocabulary.tokens),
  };
}

/** Fingerprint one model. Without a vocabulary the anchors are token ids (matched only by id). */
export async function buildFingerprint(
  model: CanonicalModel,
  vocabulary: Vocabulary | undefined,
  options: FingerprintOptions = {},
): Promise<ModelFingerprint> {
  const view = new ModelView(model);
  view.storedTransposed = options.storedTransposed === true;
  const notes: string[] = [];
  const fingerprint: ModelFingerprint = {
    format: FINGERPRINT_FORMAT,
    version: FINGERPRINT_VERSION,
    createdAt: options.createdAt ?? new Date().toISOString(),
    source: { path: model.source.path, format: model.source.format },
    architecture: model.architecture,
    tokenizer: vocabulary === undefined ? null : summariseTokenizer(vocabulary),
    anchors: { method: vocabulary === undefined ? "token ids" : "token strings", keys: [] },
    sets: [],
    notes,
  };
  if (model.noWeights !== undefined) {
    notes.push(`holds no weight tensors: ${model.noWeights}`);
    return fingerprint;
  }
  const embed = view.tensor("embed");
  if (embed === undefined || embed.shape.length !== 2) {
    notes.push("no token embedding tensor: no anchors, so no unit signatures");
    return fingerprint;
  }
  if (vocabulary === undefined)
    notes.push("no readable vocabulary: anchors are token ids, matched only by id");
  const anchors = modelAnchors(vocabulary, embed.shape[0]!, ANCHOR_COUNT);
  if (anchors.keys.length < MIN_ANCHORS) {
    notes.push(`only ${anchors.keys.length} anchor tokens: too few for unit signatures`);
    return fingerprint;
  }
  fingerprint.anchors.keys = anchors.keys;
  const d = embed.shape[1]!;
  const raw = await embed.readRows(anchors.rows);
  const inputs = {
    x: unitRows(
      raw,
      d,
      anchors.rows.map((_, i) => i),
    ),
    n: anchors.rows.length,
    d,
  };
  const sets: UnitSet[] = [residualSet(inputs)];
  const layers = layerCount(view);
  for (let layer = 0; layer < layers; layer++) {
    options.onProgress?.({ task: "fingerprinting", done: layer, total: layers, unit: "layers" });
    const read = await readLayer(view, layer, inputs, undefined);
    sets.push(...read.sets);
    notes.push(...read.notes);
  }
  if (sets.length === 1) notes.push("no layer a unit set could be read from (no MLP or attention tensors)");
  fingerprint.sets = sets.map(storeSet);
  return fingerprint;
}

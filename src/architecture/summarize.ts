/**
 * The architecture summary: declared figures (config.json, GGUF metadata, llama2.c header) filled in and
 * cross-checked with tensor shapes, and the family decided from names AND configuration, with every
 * disagreement written down as a note.
 */
import type { CanonicalTensor } from "../naming/canonical-model.js";
import type { Declared } from "./declared.js";
import { familyFromNames, LLAMA_LAYOUT_FAMILIES } from "./family-from-names.js";
import { FIGURE_NAMES, type Figures } from "./figures.js";
import { figuresFromShapes } from "./from-shapes.js";
import type { ArchitectureSummary } from "./summary.js";

export interface SummaryResult {
  architecture: ArchitectureSummary;
  notes: string[];
}

const FIGURE_LABELS: Record<(typeof FIGURE_NAMES)[number], string> = {
  hiddenSize: "hidden size",
  numLayers: "layer count",
  numHeads: "head count",
  numKvHeads: "KV head count",
  intermediateSize: "MLP size",
  vocabSize: "vocabulary size",
  numExperts: "expert count",
  headDim: "head size",
};

function decideFamily(declared: Declared, names: string | undefined, notes: string[]): string {
  const said = declared.family;
  const where = declared.source ?? "the configuration";
  const typed = declared.declaredType ?? said;
  if (said === undefined) return names ?? "unknown";
  if (names === undefined || names === said) {
    if (said === "yi" && names === "yi") {
      notes.push("Yi layout: the Llama blueprint with the per-layer norms renamed ln1/ln2");
    }
    return said;
  }
  if (names === "yi") {
    notes.push(
      `${where} says '${typed}' but the tensor names are Yi's (ln1/ln2 norms): the Llama blueprint renamed`,
    );
    return "yi";
  }
  if (said === "yi" && names === "llama") {
    notes.push(`${where} says '${typed}' but the tensors use the plain Llama layout (no ln1/ln2 names)`);
    return "yi";
  }
  // Names cannot tell Llama-layout families apart (Mistral, Qwen2, Llama with attention biases…): trust
  // the config.
  if ((names === "llama" || names === "qwen2") && LLAMA_LAYOUT_FAMILIES.has(said)) return said;
  notes.push(`${where} says '${typed}' but the tensor names follow the ${names} convention`);
  return names;
}

export function summarizeArchitecture(
  declared: Declared,
  tensors: readonly CanonicalTensor[],
): SummaryResult {
  const notes: string[] = [...(declared.notes ?? [])];
  const stated: Figures = declared.figures;
  const shapes = figuresFromShapes(tensors, stated.headDim);
  const sources = declared.source === undefined ? [] : [declared.source];
  const merged: Figures = {};
  let usedShapes = false;
  for (const key of FIGURE_NAMES) {
    // A figure that varies by layer has no one value: the first layer's shapes must not stand for it.
    if (stated.perLayer !== undefined && key in stated.perLayer) continue;
    const fromSource = stated[key];
    const fromShapes = shapes[key];
    if (fromSource !== undefined) {
      merged[key] = fromSource;
      if (fromShapes !== undefined && fromShapes !== fromSource) {
        notes.push(
          `${declared.source} gives ${FIGURE_LABELS[key]} ${fromSource} but the tensor shapes say ${fromShapes}`,
        );
      }
    } else if (fromShapes !== undefined && Number.isInteger(fromShapes)) {
      merged[key] = fromShapes;
      usedShapes = true;
    }
  }
  // What is stored is what runs: a config that says "tied" beside a stored LM head describes a model
  // whose head is that stored tensor (it may differ from the embedding), so the head counts as separate.
  const headStored = shapes.tieWordEmbeddings === false;
  const tie =
    stated.tieWordEmbeddings === true && headStored
      ? false
      : (stated.tieWordEmbeddings ?? shapes.tieWordEmbeddings);
  if (stated.tieWordEmbeddings === true && headStored) {
    notes.push(
      `${declared.source} says the embeddings are tied, but a separate LM head tensor is stored: the stored head is what lineage reads (it is compared with the embedding, not assumed equal)`,
    );
  }
  if (stated.tieWordEmbeddings === undefined && shapes.tieWordEmbeddings !== undefined) usedShapes = true;
  if (stated.tieWordEmbeddings === false && shapes.tieWordEmbeddings === true) {
    notes.push(`${declared.source} says embeddings are not tied but there is no separate LM head tensor`);
  }
  if (usedShapes || tensors.length > 0) sources.push("tensor shapes");
  const family = decideFamily(declared, familyFromNames(tensors), notes);
  return {
    architecture: {
      family,
      hiddenSize: merged.hiddenSize,
      numLayers: merged.numLayers,
      numHeads: merged.numHeads,
      numKvHeads: merged.numKvHeads,
      intermediateSize: merged.intermediateSize,
      vocabSize: merged.vocabSize,
      numExperts: merged.numExperts,
      headDim: merged.headDim,
      tieWordEmbeddings: tie,
      ...(stated.perLayer === undefined ? {} : { perLayer: stated.perLayer }),
      sources,
    },
    notes,
  };
}

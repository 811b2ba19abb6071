/** Hyper-parameters read off canonical tensor shapes: the fallback and the cross-check for every config. */
import type { CanonicalTensor } from "../naming/canonical-model.js";
import type { Figures } from "./figures.js";

export function figuresFromShapes(tensors: readonly CanonicalTensor[], headDim: number | undefined): Figures {
  const byName = new Map(tensors.map((tensor) => [tensor.canonical, tensor]));
  const embed = byName.get("embed") ?? byName.get("lm_head");
  const layers = new Set<number>();
  const experts = new Set<string>();
  for (const tensor of tensors) {
    if (tensor.layer !== undefined) layers.add(tensor.layer);
    const expert = /^layers\.(\d+)\.moe\.experts\.(\d+)\./.exec(tensor.canonical);
    if (expert !== null) experts.add(`${expert[1]}/${expert[2]}`);
  }
  const firstLayer = Math.min(...layers);
  const mlpRows =
    byName.get(`layers.${firstLayer}.mlp.up`)?.shape[0] ??
    byName.get(`layers.${firstLayer}.mlp.gate`)?.shape[0] ??
    byName.get(`layers.${firstLayer}.moe.experts.0.up`)?.shape[0];
  const kRows = byName.get(`layers.${firstLayer}.attn.k`)?.shape[0];
  const qRows = byName.get(`layers.${firstLayer}.attn.q`)?.shape[0];
  const expertsPerLayer = [...experts].filter((key) => key.startsWith(`${firstLayer}/`)).length;
  return {
    hiddenSize: embed?.shape[1] ?? byName.get("final_norm")?.shape[0],
    numLayers: layers.size === 0 ? undefined : Math.max(...layers) + 1,
    numHeads: headDim !== undefined && qRows !== undefined ? qRows / headDim : undefined,
    numKvHeads: headDim !== undefined && kRows !== undefined ? kRows / headDim : undefined,
    intermediateSize: mlpRows,
    vocabSize: embed?.shape[0],
    numExperts: expertsPerLayer === 0 ? undefined : expertsPerLayer,
    headDim: undefined,
    tieWordEmbeddings: byName.has("embed") ? !byName.has("lm_head") : undefined,
  };
}

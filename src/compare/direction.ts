/**
 * Which of two related models came first — claimed only with named evidence. Two checkpoints that share
 * weights rarely show their order; these traces do:
 *   - a vocabulary that extends the other's (tokens appended, none removed): the extended one is later;
 *   - layers added by repeating the other's layers (depth up-scaling): the deeper one is later;
 *   - experts copied from a dense MLP (upcycling): the MoE is later;
 *   - a quantization grid only one side lies on: the quantized one was made from the other;
 *   - an untrained initialisation (every norm gain exactly 1 and every norm bias exactly 0 where the
 *     other model has trained values): the initialisation came first.
 */
import { type DirectComparison, isMatrixComparison } from "./direct.js";

export interface DirectionInput {
  vocabulary: { kept: number; added: number; removed: number; reordered: number } | null;
  suspectLayers: number;
  referenceLayers: number;
  /** The deeper model's layers map many-to-one onto the shallower one's (repeated layers). */
  repeatedLayers: boolean;
  suspectExperts: boolean;
  referenceExperts: boolean;
  direct: readonly DirectComparison[];
  /** Norm gains and biases of each side (canonical name → values). */
  suspectInitialised: boolean;
  referenceInitialised: boolean;
}

export interface Direction {
  earlier: "suspect" | "reference";
  evidence: string;
}

export function inferDirection(input: DirectionInput, suspect: string, reference: string): Direction | null {
  const v = input.vocabulary;
  if (v !== null && v.added > 0 && v.removed === 0)
    return {
      earlier: "reference",
      evidence: `${suspect}'s vocabulary extends ${reference}'s (${v.added} tokens added, none removed)`,
    };
  if (v !== null && v.removed > 0 && v.added === 0)
    return {
      earlier: "suspect",
      evidence: `${reference}'s vocabulary extends ${suspect}'s (${v.removed} tokens added, none removed)`,
    };
  if (input.repeatedLayers && input.suspectLayers > input.referenceLayers)
    return {
      earlier: "reference",
      evidence: `${suspect} repeats ${reference}'s layers (${input.suspectLayers} layers from ${input.referenceLayers})`,
    };
  if (input.repeatedLayers && input.referenceLayers > input.suspectLayers)
    return {
      earlier: "suspect",
      evidence: `${reference} repeats ${suspect}'s layers (${input.referenceLayers} layers from ${input.suspectLayers})`,
    };
  if (input.suspectExperts && !input.referenceExperts)
    return { earlier: "reference", evidence: `${suspect}'s experts are copies of ${reference}'s dense MLPs` };
  if (input.referenceExperts && !input.suspectExperts)
    return { earlier: "suspect", evidence: `${reference}'s experts are copies of ${suspect}'s dense MLPs` };
  const matrices = input.direct.filter(isMatrixComparison);
  const onlySuspectGrid = matrices.length > 0 && matrices.every((d) => d.quantized === "suspect");
  const onlyReferenceGrid = matrices.length > 0 && matrices.every((d) => d.quantized === "reference");
  if (onlySuspectGrid)
    return { earlier: "reference", evidence: `only ${suspect}'s weights lie on a quantization grid` };
  if (onlyReferenceGrid)
    return { earlier: "suspect", evidence: `only ${reference}'s weights lie on a quantization grid` };
  if (input.suspectInitialised && !input.referenceInitialised)
    return {
      earlier: "suspect",
      evidence: `${suspect} is an untrained initialisation (every norm gain 1, every norm bias 0)`,
    };
  if (input.referenceInitialised && !input.suspectInitialised)
    return {
      earlier: "reference",
      evidence: `${reference} is an untrained initialisation (every norm gain 1, every norm bias 0)`,
    };
  return null;
}

/** Every norm gain exactly 1 and every norm bias exactly 0: a model as initialised, never trained
 * (linear-layer biases are drawn at random by PyTorch's default initialisation, so they say nothing). */
export function looksInitialised(vectors: ReadonlyMap<string, Float32Array>): boolean {
  let seen = 0;
  for (const [name, values] of vectors) {
    const norm = /norm$/.test(name);
    const bias = /norm\.bias$/.test(name);
    if (!norm && !bias) continue;
    seen++;
    const expected = norm ? 1 : 0;
    for (const v of values) if (v !== expected) return false;
  }
  return seen > 0;
}

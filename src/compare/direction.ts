/**
 * Which of two related models came first — claimed only with named evidence. Two checkpoints that share
 * weights rarely show their order; these traces do:
 *   - a vocabulary that extends the other's (tokens appended, none removed): the extended one is later;
 *   - layers added by repeating the other's layers (depth up-scaling): the deeper one is later;
 *   - experts copied from a dense MLP (upcycling): the MoE is later;
 *   - a quantization grid only one side lies on, between two models holding the same weights (a
 *     quantized copy): the quantized one was made from the other. Not for a `derived` pair: one side
 *     may have been trained on from a dequantized copy, so the grid only says which side was quantized
 *     last, not which came first;
 *   - an untrained initialisation (`untrained.ts`: norms at their initial values AND layer matrices that
 *     look like an i.i.d. draw) where the other model is trained: the initialisation came first. Never
 *     when the alignment found a rotation or rescaling (such copies fold the norm gains into the
 *     matrices, which leaves the norms at 1).
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
  /** The verdict is `same-weights` (a copy): only then does a one-sided quantization grid give order. */
  sameWeights: boolean;
  /** Each side looks untrained (`looksUntrained`), already false under a found rotation/rescaling. */
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
  const matrices = input.sameWeights ? input.direct.filter(isMatrixComparison) : [];
  const onlySuspectGrid = matrices.length > 0 && matrices.every((d) => d.quantized === "suspect");
  const onlyReferenceGrid = matrices.length > 0 && matrices.every((d) => d.quantized === "reference");
  if (onlySuspectGrid)
    return { earlier: "reference", evidence: `only ${suspect}'s weights lie on a quantization grid` };
  if (onlyReferenceGrid)
    return { earlier: "suspect", evidence: `only ${reference}'s weights lie on a quantization grid` };
  if (input.suspectInitialised && !input.referenceInitialised)
    return {
      earlier: "suspect",
      evidence: `${suspect} is an untrained initialisation (every norm gain 1, every norm bias 0, layer matrices i.i.d. without structure)`,
    };
  if (input.referenceInitialised && !input.suspectInitialised)
    return {
      earlier: "reference",
      evidence: `${reference} is an untrained initialisation (every norm gain 1, every norm bias 0, layer matrices i.i.d. without structure)`,
    };
  return null;
}

/**
 * Architecture evidence: the two blueprints compared figure by figure. A figure known on one side and
 * unknown on the other is neither a difference (a missing config.json says nothing about the weights) nor
 * a sameness: the blueprints are `same` only when nothing known on both sides differs AND the core shape
 * (CORE_FIGURES) is known on both sides; with no difference and less known they are `unknown` (not
 * comparable), e.g. an RWKV file against a Llama one, where nothing of RWKV's blueprint is known.
 */
import { FIGURE_NAMES } from "../architecture/figures.js";
import type { ArchitectureSummary } from "../architecture/summary.js";

/** Families that share the Llama blueprint and differ only in names. */
function blueprintFamily(family: string): string {
  return ["yi", "mistral", "phi3", "baichuan"].includes(family) ? "llama" : family;
}

/** Figures that must be known on both sides for two blueprints to be called the same. */
export const CORE_FIGURES = ["hiddenSize", "numLayers"] as const;

export interface BlueprintComparison {
  /** No difference, and the core figures known on both sides. */
  same: boolean;
  /** "same", "different" (a figure known on both sides differs), or "unknown" (too little known). */
  status: "same" | "different" | "unknown";
  differences: string[];
  /** Figures known on only one side (not differences). */
  unknown: string[];
}

export function compareBlueprints(
  suspect: ArchitectureSummary,
  reference: ArchitectureSummary,
): BlueprintComparison {
  const differences: string[] = [];
  const unknown: string[] = [];
  const [s, r] = [blueprintFamily(suspect.family), blueprintFamily(reference.family)];
  if (s === "unknown" || r === "unknown") {
    if (s !== r) unknown.push("family");
  } else if (s !== r) differences.push(`family ${suspect.family} vs ${reference.family}`);
  for (const figure of FIGURE_NAMES) {
    const a = suspect[figure];
    const b = reference[figure];
    if (a === undefined || b === undefined) {
      if (a !== b) unknown.push(figure);
    } else if (a !== b) differences.push(`${figure} ${a} vs ${b}`);
  }
  const coreKnown = CORE_FIGURES.every((f) => suspect[f] !== undefined && reference[f] !== undefined);
  const status = differences.length > 0 ? "different" : coreKnown ? "same" : "unknown";
  return { same: status === "same", status, differences, unknown };
}

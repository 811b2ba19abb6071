/** Architecture evidence: the two blueprints compared figure by figure. */
import { FIGURE_NAMES } from "../architecture/figures.js";
import type { ArchitectureSummary } from "../architecture/summary.js";

const FIGURES = [
  "hiddenSize",
  "numLayers",
  "numHeads",
  "numKvHeads",
  "intermediateSize",
  "vocabSize",
  "numExperts",
] as const;

/** Families that share the Llama blueprint and differ only in names. */
function blueprintFamily(family: string): string {
  return family === "yi" || family === "mistral" ? "llama" : family;
}

export interface BlueprintComparison {
  same: boolean;
  differences: string[];
}

export function compareBlueprints(
  suspect: ArchitectureSummary,
  reference: ArchitectureSummary,
): BlueprintComparison {
  const differences: string[] = [];
  if (blueprintFamily(suspect.family) !== blueprintFamily(reference.family)) {
    differences.push(`family ${suspect.family} vs ${reference.family}`);
  }
  for (const figure of FIGURE_NAMES) {
    if (suspect[figure] !== reference[figure])
      differences.push(`${figure} ${suspect[figure] ?? "–"} vs ${reference[figure] ?? "–"}`);
  }
  return { same: differences.length === 0, differences };
}

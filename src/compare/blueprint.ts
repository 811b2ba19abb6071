/**
 * Architecture evidence: the two blueprints compared figure by figure. A figure known on one side and
 * unknown on the other is not a difference (a missing config.json says nothing about the weights).
 */
import { FIGURE_NAMES } from "../architecture/figures.js";
import type { ArchitectureSummary } from "../architecture/summary.js";

/** Families that share the Llama blueprint and differ only in names. */
function blueprintFamily(family: string): string {
  return ["yi", "mistral", "phi3", "baichuan"].includes(family) ? "llama" : family;
}

export interface BlueprintComparison {
  same: boolean;
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
  return { same: differences.length === 0, differences, unknown };
}

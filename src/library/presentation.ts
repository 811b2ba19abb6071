/** What `lineage library list|match` print: plain rows for the terminal and a JSON shape for `--json`. */
import type { ModelFingerprint } from "../fingerprint/model-fingerprint.js";
import { formatCount, formatPValue, formatSimilarity, P_DISPLAY_FLOOR } from "../report/format.js";
import type { LibraryEntryInfo } from "./library.js";
import type { LibraryMatch } from "./match.js";

function pad(cells: string[][]): string[] {
  const widths = cells[0]!.map((_, col) => Math.max(...cells.map((row) => row[col]!.length)));
  return cells.map((row) =>
    row
      .map((cell, col) => cell.padEnd(widths[col]!))
      .join("  ")
      .trimEnd(),
  );
}

/** Strip control characters from names read out of the library before they reach a terminal. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, "\ufffd");
}

export function listLines(
  entries: readonly (LibraryEntryInfo & { fingerprint?: ModelFingerprint })[],
): string[] {
  if (entries.length === 0) return ["The library is empty. Add a model with `lineage library add MODEL`."];
  return pad([
    ["NAME", "FAMILY", "CREATED", "SOURCE"],
    ...entries.map((e) => [
      printable(e.name),
      printable(e.family ?? "—"),
      e.createdAt.slice(0, 10),
      printable(e.sourcePath),
    ]),
  ]);
}

function relationText(match: LibraryMatch): string {
  if (match.relation === "independent" && match.match.sameBlueprint) return "independent (same blueprint)";
  return match.relation;
}

const pText = (m: LibraryMatch) => formatPValue(m.pValue, P_DISPLAY_FLOOR, m.pValueLog10);

/**
 * The `LAYERS` cell: for each suspect layer in order, the reference layer mapped to it (`0,1,2,1,2,3`:
 * depth up-scaling). A shallower suspect has each reference layer mapped to one of its layers, so a
 * suspect layer may hold several (`0+1`) or none (`-`); the cell is never a list of reference layers
 * that reads as one per suspect layer.
 */
export function layersText(match: Pick<LibraryMatch["match"], "layers" | "suspectDepth">): string {
  const { layers } = match;
  if (layers.length === 0) return "—";
  const depth = Math.max(match.suspectDepth, ...layers.map((l) => l.suspectLayer + 1));
  return Array.from({ length: depth }, (_, layer) => {
    const references = layers.filter((l) => l.suspectLayer === layer).map((l) => l.referenceLayer);
    return references.length === 0 ? "-" : [...new Set(references)].sort((a, b) => a - b).join("+");
  }).join(",");
}

/**
 * The one-sentence answer. Shared weights are said without a direction (which came first is not in
 * two fingerprints); "no stored model shares its weights" is said only of entries that could be
 * compared: entries without shared anchors (relation `unknown`) are named as not compared.
 */
function matchHeadline(suspect: string, matches: readonly LibraryMatch[]): string {
  const best = matches[0]!;
  const who = printable(suspect);
  if (best.relation === "same-weights" || best.relation === "derived") {
    const how =
      best.relation === "same-weights" ? "holds the same weights as" : "shares inherited weights with";
    return `${who} ${how} ${printable(best.name)} (${formatCount(best.match.matches)} of ${formatCount(best.match.units)} sampled hidden units at the same index, p = ${pText(best)}).`;
  }
  const compared = matches.filter((m) => m.relation === "independent" || m.relation === "inconclusive");
  const unknown = matches.filter((m) => m.relation === "unknown").map((m) => printable(m.name));
  const notCompared =
    unknown.length === 0
      ? ""
      : ` ${unknown.length} could not be compared (no shared anchor tokens or unit sets): ${unknown.slice(0, 5).join(", ")}${unknown.length > 5 ? ", …" : ""}.`;
  if (compared.length === 0) return `${who}: nothing could be compared.${notCompared}`;
  const weak = compared.filter((m) => m.relation === "inconclusive").map((m) => printable(m.name));
  const weakText = weak.length === 0 ? "" : ` The evidence is too weak to decide for ${weak.join(", ")}.`;
  return `${who}: none of the ${compared.length} stored model(s) compared shares its weights.${weakText}${notCompared}`;
}

export function matchLines(suspect: string, matches: readonly LibraryMatch[]): string[] {
  if (matches.length === 0) return ["The library is empty: nothing to match against."];
  const rows = pad([
    ["NAME", "RELATION", "P", "SAME-INDEX", "SIMILARITY", "ANCHORS", "LAYERS"],
    ...matches.map((m) => [
      printable(m.name),
      relationText(m),
      pText(m),
      m.match.units === 0 ? "—" : `${m.match.matches}/${m.match.units}`,
      formatSimilarity(m.match.similarity),
      String(m.match.sharedAnchors),
      layersText(m.match),
    ]),
  ]);
  return [
    matchHeadline(suspect, matches),
    "",
    ...rows,
    "",
    "P: the index test, as in compare: sampled hidden units at their own index, against models trained separately",
    "(about one per unit set by chance). SIMILARITY: signature correlation of same-index units (1 = same weights).",
  ];
}

export function matchJson(suspect: string, matches: readonly LibraryMatch[]): unknown {
  return {
    suspect,
    matches: matches.map((m) => ({
      name: m.name,
      family: m.family,
      sourcePath: m.sourcePath,
      relation: m.relation,
      pValue: m.pValue,
      pValueLog10: m.pValueLog10,
      sameIndexMatches: m.match.matches,
      unitsCompared: m.match.units,
      unitSets: m.match.sets,
      similarity: m.match.similarity,
      sharedAnchors: m.match.sharedAnchors,
      layerMapping: m.match.layers,
      sameBlueprint: m.match.sameBlueprint,
      tokenizer: m.match.tokenizer,
      notes: m.match.notes,
    })),
  };
}

/** What `lineage library list|match` print: plain rows for the terminal and a JSON shape for `--json`. */
import type { ModelFingerprint } from "../fingerprint/model-fingerprint.js";
import { P_VALUE_FLOOR } from "../fingerprint/weights-mantel.js";
import { formatPValue, formatSimilarity, formatZ } from "../report/format.js";
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

/**
 * The one-sentence answer. "No stored model shares its weights" is said only of entries that could be
 * compared: entries without weight evidence (relation `unknown`) are named as not compared.
 */
function matchHeadline(suspect: string, matches: readonly LibraryMatch[]): string {
  const best = matches[0]!;
  const who = printable(suspect);
  if (best.relation === "same-weights" || best.relation === "derived") {
    return `${who}: weights ${best.relation === "same-weights" ? "are those of" : "descend from"} ${printable(best.name)} (similarity ${formatSimilarity(best.similarity)}; independent models score below 0.3).`;
  }
  const compared = matches.filter((m) => m.relation === "independent");
  const unknown = matches.filter((m) => m.relation === "unknown").map((m) => printable(m.name));
  const notCompared =
    unknown.length === 0
      ? ""
      : ` ${unknown.length} could not be compared (no shared weight evidence): ${unknown.slice(0, 5).join(", ")}${unknown.length > 5 ? ", …" : ""}.`;
  if (compared.length === 0) return `${who}: nothing could be compared.${notCompared}`;
  const top = compared[0]!;
  return `${who}: none of the ${compared.length} stored model(s) compared shares its weights (best similarity ${formatSimilarity(top.similarity)}, ${printable(top.name)}).${notCompared}`;
}

export function matchLines(suspect: string, matches: readonly LibraryMatch[]): string[] {
  if (matches.length === 0) return ["The library is empty: nothing to match against."];
  const rows = pad([
    ["NAME", "RELATION", "SIMILARITY", "Z", "P", "ANCHORS", "LAYERS"],
    ...matches.map((m) => [
      printable(m.name),
      relationText(m),
      formatSimilarity(m.similarity),
      formatZ(m.zScore),
      formatPValue(m.pValue, P_VALUE_FLOOR),
      `${m.match.sharedAnchors}/${m.match.sharedLayerAnchors}`,
      m.match.layers.map((l) => l.referenceLayer).join(",") || "—",
    ]),
  ]);
  const headline = matchHeadline(suspect, matches);
  return [
    headline,
    "",
    ...rows,
    "",
    "SIMILARITY: mean correlation of basis-free attention/MLP invariants over matched layers (1 = same weights).",
    "Z, P: against shuffled anchor tokens. Independent models trained on similar text also score high Z;",
    "the relation needs a similarity above the independent range as well (docs/library.md).",
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
      similarity: m.similarity,
      pValue: m.pValue,
      permutationPValue: m.match.permutationPValue,
      zScore: m.zScore,
      permutations: m.match.permutations,
      sharedAnchors: m.match.sharedAnchors,
      sharedLayerAnchors: m.match.sharedLayerAnchors,
      embeddingSimilarity: m.match.embedding?.observed ?? null,
      headSimilarity: m.match.head?.observed ?? null,
      layerMapping: m.match.layers,
      sameBlueprint: m.match.sameBlueprint,
      tokenizer: m.match.tokenizer,
      weak: m.match.weak,
      notes: m.match.notes,
    })),
  };
}

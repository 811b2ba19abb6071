/** What `lineage library list|match` print: plain rows for the terminal and a JSON shape for `--json`. */
import type { ModelFingerprint } from "../fingerprint/model-fingerprint.js";
import type { LibraryEntryInfo } from "./library.js";
import type { LibraryMatch } from "./match.js";

function formatP(p: number): string {
  return p <= 1e-16 ? "<1e-16" : p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

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

export function matchLines(suspect: string, matches: readonly LibraryMatch[]): string[] {
  if (matches.length === 0) return ["The library is empty: nothing to match against."];
  const rows = pad([
    ["NAME", "RELATION", "SIMILARITY", "Z", "P", "ANCHORS", "LAYERS"],
    ...matches.map((m) => [
      printable(m.name),
      relationText(m),
      m.similarity.toFixed(3),
      m.zScore === null ? "—" : m.zScore.toFixed(1),
      formatP(m.pValue),
      `${m.match.sharedAnchors}/${m.match.sharedLayerAnchors}`,
      m.match.layers.map((l) => l.referenceLayer).join(",") || "—",
    ]),
  ]);
  const best = matches[0]!;
  const headline =
    best.relation === "same-weights" || best.relation === "derived"
      ? `${printable(suspect)}: weights ${best.relation === "same-weights" ? "are those of" : "descend from"} ${printable(best.name)} (similarity ${best.similarity.toFixed(3)}; independent models score below 0.3).`
      : `${printable(suspect)}: no stored model shares its weights (best similarity ${best.similarity.toFixed(3)}, ${printable(best.name)}).`;
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

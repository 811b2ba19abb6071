/** What `lineage library list|match` print: plain rows for the terminal and a JSON shape for `--json`. */
import { relative } from "node:path";
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
  if (match.relation === "shares-weights") return "shares weights (run compare for how)";
  return match.relation;
}

/** No test ran for `unknown` rows: no p-value to show. */
const pText = (m: LibraryMatch) =>
  m.relation === "unknown" ? "—" : formatPValue(m.pValue, P_DISPLAY_FLOOR, m.pValueLog10);

/** A layer mapping means something only where weights are shared (independent models map anywhere). */
const mapped = (m: LibraryMatch) =>
  m.relation === "same-weights" || m.relation === "shares-weights" || m.relation === "derived";

/** The permuted-copy hint for entries of the same blueprint where the index test sees nothing: stored
 * fingerprints keep units at fixed indices, so a copy whose hidden units were permuted looks independent
 * here; `compare` reads both models and searches for permuted and rotated copies. */
function permutedHint(suspect: string, matches: readonly LibraryMatch[]): string[] {
  const candidates = matches.filter((m) => m.relation === "independent" && m.match.sameBlueprint);
  if (candidates.length === 0) return [];
  const first = candidates[0]!;
  return [
    "",
    `Same blueprint, no same-index evidence: ${candidates
      .slice(0, 3)
      .map((m) => printable(m.name))
      .join(
        ", ",
      )}${candidates.length > 3 ? ", …" : ""}. library match compares hidden units at their own index and does not see through permuted hidden units;`,
    `to rule out a permuted copy, run compare against the candidate, e.g. \`lineage compare ${printable(suspect)} ${printable(first.sourcePath)}\`.`,
  ];
}

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
function matchHeadline(suspect: string, matches: readonly LibraryMatch[], suspectPath: string): string {
  const best = matches[0]!;
  const who = printable(suspect);
  if (mapped(best)) {
    const how =
      best.relation === "same-weights"
        ? "holds the same weights as"
        : best.relation === "derived"
          ? "shares inherited weights, restructured since, with"
          : "shares weights with";
    const figures = `${formatCount(best.match.matches)} of ${formatCount(best.match.units)} sampled hidden units at the same index, p = ${pText(best)}`;
    const more =
      best.relation === "shares-weights"
        ? `: a quantized or noised copy and a fine-tune all look like this in stored fingerprints; run \`lineage compare ${printable(suspectPath)} ${printable(best.sourcePath)}\` for how`
        : "";
    return `${who} ${how} ${printable(best.name)} (${figures})${more}.`;
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
  return `${who}: none of the ${compared.length} stored model${compared.length === 1 ? "" : "s"} compared shows shared weights at the same hidden-unit index.${weakText}${notCompared}`;
}

/** `suspectPath`: the suspect as given on the command line, for the `compare` commands suggested;
 * `cwd`: stored source paths in those commands are shown relative to it when that is shorter. */
export function matchLines(
  suspect: string,
  matches: readonly LibraryMatch[],
  suspectPath: string = suspect,
  cwd?: string,
): string[] {
  const shown =
    cwd === undefined
      ? matches
      : matches.map((m) => {
          const near = relative(cwd, m.sourcePath);
          return near.length < m.sourcePath.length ? { ...m, sourcePath: near } : m;
        });
  return matchText(suspect, shown, suspectPath);
}

function matchText(suspect: string, matches: readonly LibraryMatch[], suspectPath: string): string[] {
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
      mapped(m) ? layersText(m.match) : "—",
    ]),
  ]);
  return [
    matchHeadline(suspect, matches, suspectPath),
    "",
    ...rows,
    "",
    "P: the index test, as in compare: sampled hidden units at their own index, against models trained separately",
    "(about one per unit set by chance). SIMILARITY: signature correlation of same-index units (1 = same weights).",
    ...permutedHint(suspectPath, matches),
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
      // No test ran for `unknown`: no p-value, rather than a p of 1.
      pValue: m.relation === "unknown" ? null : m.pValue,
      pValueLog10: m.relation === "unknown" ? null : m.pValueLog10,
      sameIndexMatches: m.match.matches,
      unitsCompared: m.match.units,
      unitSets: m.match.sets,
      similarity: m.match.similarity,
      sharedAnchors: m.match.sharedAnchors,
      layerMapping: mapped(m) ? m.match.layers : [],
      sameBlueprint: m.match.sameBlueprint,
      tokenizer: m.match.tokenizer,
      notes: m.match.notes,
    })),
  };
}

/**
 * The figures a compare report shows, taken from a CompareResult's fields in one place so that the
 * terminal, the HTML page and its chart show the same statistic with the same formatting.
 *
 * Generic over the result: per-layer rows are the evidence items whose component is `layer N` with a
 * numeric value (whatever statistic the engine reports there), falling back to the layer mapping's
 * similarity when the engine reports no per-layer items.
 */
import type { CompareResult } from "../compare/result.js";
import { formatCount, formatPercent, formatPValue, formatZ, P_DISPLAY_FLOOR } from "./format.js";

/**
 * A p-value as every compare report writes it: from `pValueLog10` when the result carries one (never
 * floored), else from `pValue`. Reads both fields structurally, so results with or without the log10
 * field render alike.
 */
export function pValueText(holder: { pValue?: number | null | undefined }): string {
  const log10 = (holder as { pValueLog10?: number | null }).pValueLog10 ?? undefined;
  return formatPValue(holder.pValue, P_DISPLAY_FLOOR, log10);
}

export interface LayerRow {
  /** Suspect layer. */
  layer: number;
  /** The reference layer it was compared with, when known. */
  referenceLayer: number | null;
  /** Name of the statistic, e.g. `aligned CKA`. */
  statistic: string;
  value: number;
  pValue: number | undefined;
  /** The unfloored log10 of the p-value, when the engine reports it. */
  pValueLog10?: number;
}

const LAYER_COMPONENT = /^layer (\d+)$/;

/** Per-layer rows, by suspect layer: one statistic for the table and the chart alike. */
export function layerRows(result: CompareResult): LayerRow[] {
  const mapped = new Map(result.changes.layerMapping.map((m) => [m.suspectLayer, m.referenceLayer]));
  const fromEvidence = result.evidence.flatMap((item) => {
    const match = LAYER_COMPONENT.exec(item.component);
    if (match === null || typeof item.value !== "number") return [];
    const layer = Number(match[1]);
    const noted = /reference layer (\d+)/.exec(item.note)?.[1];
    return [
      {
        layer,
        referenceLayer: mapped.get(layer) ?? (noted === undefined ? null : Number(noted)),
        statistic: item.statistic,
        value: item.value,
        pValue: item.pValue,
        pValueLog10: (item as { pValueLog10?: number }).pValueLog10,
      },
    ];
  });
  if (fromEvidence.length > 0) return fromEvidence.sort((a, b) => a.layer - b.layer);
  return result.changes.layerMapping.map((m) => ({
    layer: m.suspectLayer,
    referenceLayer: m.referenceLayer,
    statistic: "layer similarity",
    value: m.similarity,
    pValue: undefined,
  }));
}

/** The statistic the layer rows share, or `layer similarity` when they differ. */
export function layerStatistic(rows: readonly LayerRow[]): string {
  const names = new Set(rows.map((row) => row.statistic));
  return names.size === 1 ? [...names][0]! : "layer similarity";
}

/** Vocabulary rows matched by token string, as disjoint parts of the union of both vocabularies. */
export interface VocabularyParts {
  /** Shared tokens at the same id. */
  sameId: number;
  /** Shared tokens at another id (renumbered). */
  moved: number;
  /** Only in the suspect. */
  added: number;
  /** Only in the reference. */
  removed: number;
}

export function vocabularyParts(result: CompareResult): VocabularyParts | null {
  const v = result.changes.vocabulary;
  if (v === null) return null;
  // `reordered` counts shared tokens at another id: a part of `kept`, never added to it.
  return { sameId: v.kept - v.reordered, moved: v.reordered, added: v.added, removed: v.removed };
}

/** Headline figures as text, identical wherever they are printed. */
export interface HeadlineFigures {
  verdict: string;
  pValue: string;
  zScore: string;
  unchanged: string | null;
}

export function headlineFigures(result: CompareResult): HeadlineFigures {
  return {
    verdict: result.verdict,
    pValue: pValueText(result),
    zScore: formatZ(result.zScore),
    unchanged: result.changes.unchangedShare === null ? null : formatPercent(result.changes.unchangedShare),
  };
}

/** One line describing the vocabulary parts (terminal and HTML legend share the wording). */
export function vocabularyLine(parts: VocabularyParts): string {
  return `${formatCount(parts.sameId)} shared at the same id, ${formatCount(parts.moved)} shared at another id, ${formatCount(parts.added)} only in the suspect, ${formatCount(parts.removed)} only in the reference`;
}

/**
 * The JSON form of a vocabulary comparison (`lineage tokenizer compare --json`, reports): stable key
 * names, `null` for what could not be measured, ratios rounded to 4 decimals.
 */
import type { VocabularyComparison } from "./types.js";

const round = (value: number | undefined): number | null =>
  value === undefined || Number.isNaN(value) ? null : Math.round(value * 10_000) / 10_000;

export function comparisonToJson(c: VocabularyComparison): Record<string, unknown> {
  return {
    relation: c.relation,
    sharedTokens: c.sharedTokens,
    sameIdPrefix: c.sameIdPrefix,
    explanation: c.explanation,
    a: c.a,
    b: c.b,
    jaccard: round(c.jaccard),
    sameIdCount: c.sameIdCount,
    sameIdShare: round(c.sameIdShare),
    sameIdNormalCount: c.sameIdNormalCount,
    ordinaryIds: c.ordinaryIds,
    differingIds: c.differingIds,
    differingContentIds: c.differingContentIds,
    edits: c.edits,
    sharedMergedTokens: c.sharedMergedTokens,
    mergedContainment: round(c.mergedContainment),
    orderAgreement: round(c.orderAgreement),
    scoreAgreement: round(c.scoreAgreement),
    merges:
      c.merges === undefined
        ? null
        : { ...c.merges, share: round(c.merges.share), orderAgreement: round(c.merges.orderAgreement) },
    extension: c.extension ?? null,
    special: c.special.map((s) => ({ ...s, a: s.a ?? null, b: s.b ?? null })),
  };
}

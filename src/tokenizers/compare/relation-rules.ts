/** The relation rules: which evidence makes which relation (thresholds and their calibration in
 * thresholds.ts). */
import {
  CONTAINMENT_FOR_OVERLAP,
  JACCARD_FOR_SAME_TOKENS,
  MAX_EDITED_CONTENT_SHARE,
  ORDER_AGREEMENT_FOR_COMMON_ORIGIN,
  SAME_ID_SHARE_FOR_EDITED_COPY,
  SAME_ID_SHARE_FOR_EXTENSION,
} from "./thresholds.js";
import type { MergeAgreement, TokenizerRelation } from "./types.js";

export interface IdAgreement {
  sameIdPrefix: number;
  sameIdCount: number;
  sameIdNormalCount: number;
  /** Ids below the smaller size that hold no token in either (gaps). */
  bothEmpty: number;
  differingIds: number;
  differingContentIds: number;
}

export interface OrderAgreement {
  sharedTokens: number;
  sharedMergedTokens: number;
  mergedContainment: number;
  orderAgreement: number | undefined;
  scoreAgreement: number | undefined;
}

/** Most ids (and most ordinary tokens) at the same place, with some ordinary tokens replaced. */
export function isEditedCopy(
  ids: { sameIdCount: number; sameIdNormalCount: number },
  smaller: number,
): boolean {
  return (
    ids.sameIdCount >= SAME_ID_SHARE_FOR_EDITED_COPY * smaller && ids.sameIdNormalCount >= ids.sameIdCount / 2
  );
}

export function decideRelation(
  sizes: [number, number],
  ids: IdAgreement,
  order: OrderAgreement,
  jaccard: number,
  merges: MergeAgreement | undefined,
): TokenizerRelation {
  // Gaps both vocabularies leave at the same ids are neither agreement nor disagreement.
  const smaller = Math.min(...sizes) - ids.bothEmpty;
  const keepsIds =
    ids.sameIdCount >= SAME_ID_SHARE_FOR_EXTENSION * smaller &&
    ids.differingContentIds <= Math.floor(MAX_EDITED_CONTENT_SHARE * smaller);
  if (keepsIds) return sizes[0] === sizes[1] ? "identical" : "extended";
  if (isEditedCopy(ids, smaller)) return "overlapping";
  if (jaccard >= JACCARD_FOR_SAME_TOKENS) return "renumbered";
  const tokenOrder = (order.orderAgreement ?? 0) >= ORDER_AGREEMENT_FOR_COMMON_ORIGIN;
  const mergeOrder =
    merges !== undefined &&
    merges.share >= CONTAINMENT_FOR_OVERLAP &&
    (merges.orderAgreement ?? 0) >= ORDER_AGREEMENT_FOR_COMMON_ORIGIN;
  if (order.mergedContainment >= CONTAINMENT_FOR_OVERLAP && (tokenOrder || mergeOrder)) return "overlapping";
  return "independent";
}

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
  /** Ids below the smaller size where either side holds an ordinary (normal) token. */
  ordinaryIds: number;
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

/**
 * How many of `total` ids may differ under `share` and still count as kept: at least one, so that one
 * edit in a small vocabulary (a 359-token SentencePiece model) is tolerated like six in a 3,000-token one.
 */
export function editAllowance(share: number, total: number): number {
  return Math.max(1, Math.floor(share * total));
}

/** Most ids at the same place, most ordinary tokens among them, with some ordinary tokens replaced.
 * Ordinary tokens are what an edit keeps and an independent vocabulary does not: tok512 and Llama 2
 * share 51 % of tok512's ids, all of them the byte/control layout, and none of the 253 ordinary ones. */
export function isEditedCopy(
  ids: { sameIdCount: number; sameIdNormalCount: number; ordinaryIds: number },
  smaller: number,
): boolean {
  return (
    ids.sameIdCount >= SAME_ID_SHARE_FOR_EDITED_COPY * smaller &&
    ids.sameIdNormalCount >= SAME_ID_SHARE_FOR_EDITED_COPY * ids.ordinaryIds
  );
}

/** The relation the evidence shows (thresholds and their calibration in thresholds.ts). */
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
    ids.sameIdCount >= smaller - editAllowance(1 - SAME_ID_SHARE_FOR_EXTENSION, smaller) &&
    ids.differingContentIds <= editAllowance(MAX_EDITED_CONTENT_SHARE, smaller);
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

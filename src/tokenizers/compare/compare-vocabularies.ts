/**
 * `compareVocabularies(a, b)`: how two vocabularies are related, from token contents compared as bytes
 * (so a SentencePiece model, its GGUF copy and its llama2.c export compare equal). The relation rests
 * on same-id agreement and on the order shared tokens were learned in; raw overlap alone is never
 * taken as lineage (see thresholds.ts for the calibration).
 */

import { rankAgreement } from "../../stats/correlation.js";
import type { Vocabulary } from "../vocabulary.js";
import { explainComparison } from "./explain.js";
import { isMergedToken, isSpecialKind, type KeyedVocabulary, keyVocabulary, summarize } from "./keyed.js";
import { compareMerges } from "./merges.js";
import { decideRelation, type IdAgreement, type OrderAgreement } from "./relation-rules.js";
import { compareSpecialTokens } from "./special.js";
import { MIN_ORDER_SAMPLE } from "./thresholds.js";
import type { IdEdit, VocabularyComparison } from "./types.js";

export interface CompareOptions {
  /** Names used in the explanation (default: file names). */
  labels?: [string, string];
}

/** Differing ids listed in a comparison (the counts cover them all). */
const MAX_LISTED_EDITS = 8;

function compareIds(a: KeyedVocabulary, b: KeyedVocabulary): IdAgreement & { edits: IdEdit[] } {
  const smaller = Math.min(a.keys.length, b.keys.length);
  let sameIdPrefix = 0;
  while (sameIdPrefix < smaller && a.keys[sameIdPrefix] === b.keys[sameIdPrefix]) sameIdPrefix++;
  let sameIdCount = 0;
  let sameIdNormalCount = 0;
  let bothEmpty = 0;
  let differingIds = 0;
  let differingContentIds = 0;
  let ordinaryIds = 0;
  const edits: IdEdit[] = [];
  for (let id = 0; id < smaller; id++) {
    if (a.vocab.kinds[id] === "normal" || b.vocab.kinds[id] === "normal") ordinaryIds++;
    if (a.keys[id] === b.keys[id]) {
      if (a.keys[id] !== "") sameIdCount++;
      else bothEmpty++;
      if (a.keys[id] !== "" && a.vocab.kinds[id] === "normal" && b.vocab.kinds[id] === "normal")
        sameIdNormalCount++;
      continue;
    }
    differingIds++;
    const ordinary = !isSpecialKind(a.vocab.kinds[id]) && !isSpecialKind(b.vocab.kinds[id]);
    if (ordinary) differingContentIds++;
    if (edits.length < MAX_LISTED_EDITS) {
      edits.push({ id, a: a.vocab.tokens[id] ?? "", b: b.vocab.tokens[id] ?? "", ordinary });
    }
  }
  return {
    sameIdPrefix,
    sameIdCount,
    sameIdNormalCount,
    ordinaryIds,
    bothEmpty,
    differingIds,
    differingContentIds,
    edits,
  };
}

function compareOrder(a: KeyedVocabulary, b: KeyedVocabulary): OrderAgreement {
  let sharedTokens = 0;
  const idsA: number[] = [];
  const idsB: number[] = [];
  for (const [key, idA] of a.firstId) {
    const idB = b.firstId.get(key);
    if (idB === undefined) continue;
    sharedTokens++;
    if (isMergedToken(a, idA) && isMergedToken(b, idB)) {
      idsA.push(idA);
      idsB.push(idB);
    }
  }
  let mergedA = 0;
  for (const id of a.firstId.values()) if (isMergedToken(a, id)) mergedA++;
  let mergedB = 0;
  for (const id of b.firstId.values()) if (isMergedToken(b, id)) mergedB++;
  const enough = idsA.length >= MIN_ORDER_SAMPLE;
  const scoresA = a.vocab.scores;
  const scoresB = b.vocab.scores;
  return {
    sharedTokens,
    sharedMergedTokens: idsA.length,
    mergedContainment: Math.min(mergedA, mergedB) === 0 ? 0 : idsA.length / Math.min(mergedA, mergedB),
    orderAgreement: enough ? rankAgreement(idsA, idsB) : undefined,
    scoreAgreement:
      enough && scoresA !== undefined && scoresB !== undefined
        ? rankAgreement(
            idsA.map((id) => scoresA[id]!),
            idsB.map((id) => scoresB[id]!),
          )
        : undefined,
  };
}

/** Compare vocabulary `a` (the suspect) with `b` (the reference). */
export function compareVocabularies(
  a: Vocabulary,
  b: Vocabulary,
  options: CompareOptions = {},
): VocabularyComparison {
  const keyedA = keyVocabulary(a);
  const keyedB = keyVocabulary(b);
  const ids = compareIds(keyedA, keyedB);
  const order = compareOrder(keyedA, keyedB);
  const union = keyedA.firstId.size + keyedB.firstId.size - order.sharedTokens;
  const jaccard = union === 0 ? 0 : order.sharedTokens / union;
  const merges = compareMerges(a, b);
  const sizes: [number, number] = [a.tokens.length, b.tokens.length];
  const relation = decideRelation(sizes, ids, order, jaccard, merges);
  const smaller = Math.min(...sizes);

  let extension: VocabularyComparison["extension"];
  if (relation === "extended") {
    const longer = sizes[0] > sizes[1] ? keyedA : keyedB;
    extension = {
      base: sizes[0] > sizes[1] ? "b" : "a",
      appended: Math.abs(sizes[0] - sizes[1]),
      examples: longer.vocab.tokens.slice(smaller, smaller + 5),
    };
  }
  const comparison: Omit<VocabularyComparison, "explanation"> = {
    relation,
    a: summarize(a, options.labels?.[0]),
    b: summarize(b, options.labels?.[1]),
    sharedTokens: order.sharedTokens,
    jaccard,
    sameIdPrefix: ids.sameIdPrefix,
    sameIdCount: ids.sameIdCount,
    sameIdShare: smaller === 0 ? 0 : ids.sameIdCount / smaller,
    sameIdNormalCount: ids.sameIdNormalCount,
    ordinaryIds: ids.ordinaryIds,
    differingIds: ids.differingIds,
    edits: ids.edits,
    differingContentIds: ids.differingContentIds,
    sharedMergedTokens: order.sharedMergedTokens,
    mergedContainment: order.mergedContainment,
    orderAgreement: order.orderAgreement,
    scoreAgreement: order.scoreAgreement,
    merges,
    extension,
    special: compareSpecialTokens(keyedA, keyedB),
  };
  return { ...comparison, explanation: explainComparison(comparison) };
}

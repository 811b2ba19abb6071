/** Rank every fingerprint in the library by the lineage evidence it shares with a suspect. */
import type { ModelFingerprint } from "../fingerprint/model-fingerprint.js";
import {
  type FingerprintMatch,
  type MatchOptions,
  matchFingerprints,
  type Relation,
} from "../fingerprint/weights-match.js";
import type { LibraryEntry } from "./library.js";

export interface LibraryMatch {
  name: string;
  family: string | null;
  sourcePath: string;
  relation: Relation;
  similarity: number;
  pValue: number;
  zScore: number | null;
  match: FingerprintMatch;
}

const RELATION_RANK: Record<Relation, number> = { "same-weights": 0, derived: 1, independent: 2, unknown: 3 };

export function matchLibrary(
  suspect: ModelFingerprint,
  entries: readonly LibraryEntry[],
  options: MatchOptions = {},
): LibraryMatch[] {
  return entries
    .map((entry) => {
      const match = matchFingerprints(suspect, entry.fingerprint, options);
      return {
        name: entry.name,
        family: entry.family,
        sourcePath: entry.sourcePath,
        relation: match.relation,
        similarity: match.similarity,
        pValue: match.pValue,
        zScore: match.zScore,
        match,
      };
    })
    .sort((a, b) => RELATION_RANK[a.relation] - RELATION_RANK[b.relation] || b.similarity - a.similarity);
}

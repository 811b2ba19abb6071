/** Rank every fingerprint in the library by the lineage evidence it shares with a suspect. */
import { type ModelFingerprint, TRANSPOSED_READING_NOTE } from "../fingerprint/model-fingerprint.js";
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

/** The reading of the suspect that matches `reference` best, with a note when it is not the first. */
function bestReading(
  readings: readonly ModelFingerprint[],
  reference: ModelFingerprint,
  options: MatchOptions,
): FingerprintMatch {
  let best: FingerprintMatch | undefined;
  let bestIndex = 0;
  readings.forEach((reading, index) => {
    const match = matchFingerprints(reading, reference, options);
    if (best === undefined || match.similarity > best.similarity) {
      best = match;
      bestIndex = index;
    }
  });
  const chosen = best!;
  if (bestIndex > 0 && chosen.relation !== "independent") {
    const how = readings[bestIndex]!.notes.includes(TRANSPOSED_READING_NOTE)
      ? TRANSPOSED_READING_NOTE
      : "another reading";
    chosen.notes.push(`best match with the suspect's ${how}`);
  }
  return chosen;
}

/**
 * Match a suspect against every entry, best first. `suspect` may hold several readings of one model
 * (as stored, and with matrices read as transposed storage where the format cannot tell); each entry
 * keeps the reading that matches it best.
 */
export function matchLibrary(
  suspect: ModelFingerprint | readonly ModelFingerprint[],
  entries: readonly LibraryEntry[],
  options: MatchOptions = {},
): LibraryMatch[] {
  const readings: readonly ModelFingerprint[] = Array.isArray(suspect)
    ? suspect
    : [suspect as ModelFingerprint];
  if (readings.length === 0) return [];
  return entries
    .map((entry) => {
      const match = bestReading(readings, entry.fingerprint, options);
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

/** Rank every fingerprint in the library by the lineage evidence it shares with a suspect. */
import {
  type FingerprintMatch,
  type MatchOptions,
  matchFingerprints,
  type Relation,
} from "../fingerprint/match.js";
import { type ModelFingerprint, TRANSPOSED_READING_NOTE } from "../fingerprint/model-fingerprint.js";
import type { LibraryEntry } from "./library.js";

export interface LibraryMatch {
  name: string;
  family: string | null;
  sourcePath: string;
  relation: Relation;
  /** p-value of the index test (floored at 1e-300 for JSON; `pValueLog10` keeps the exponent). */
  pValue: number;
  pValueLog10: number;
  match: FingerprintMatch;
}

const RELATION_RANK: Record<Relation, number> = {
  "same-weights": 0,
  "shares-weights": 1,
  derived: 1,
  inconclusive: 2,
  independent: 3,
  unknown: 4,
};

/**
 * The reading of the suspect that matches `reference` best (smallest p-value), with a note when it is
 * not the first. Trying several readings is a choice made on the values: the p-value is multiplied by
 * their number (Bonferroni).
 */
function bestReading(
  readings: readonly ModelFingerprint[],
  reference: ModelFingerprint,
  options: MatchOptions,
): FingerprintMatch {
  let best: FingerprintMatch | undefined;
  let bestIndex = 0;
  readings.forEach((reading, index) => {
    const match = matchFingerprints(reading, reference, options);
    if (best === undefined || match.log10P < best.log10P) {
      best = match;
      bestIndex = index;
    }
  });
  const chosen = best!;
  if (readings.length > 1) chosen.log10P = Math.min(0, chosen.log10P + Math.log10(readings.length));
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
 * keeps the reading that matches it best. `entries` is consumed once, in order (an array, or
 * `FingerprintLibrary.each()` so that only one stored fingerprint is in memory at a time); the result
 * keeps no fingerprint.
 */
export function matchLibrary(
  suspect: ModelFingerprint | readonly ModelFingerprint[],
  entries: Iterable<LibraryEntry>,
  options: MatchOptions = {},
): LibraryMatch[] {
  const readings: readonly ModelFingerprint[] = Array.isArray(suspect)
    ? suspect
    : [suspect as ModelFingerprint];
  if (readings.length === 0) return [];
  const matches: LibraryMatch[] = [];
  for (const entry of entries) {
    const match = bestReading(readings, entry.fingerprint, options);
    matches.push({
      name: entry.name,
      family: entry.family,
      sourcePath: entry.sourcePath,
      relation: match.relation,
      pValue: Math.max(1e-300, 10 ** match.log10P),
      pValueLog10: match.log10P,
      match,
    });
  }
  return matches.sort(
    (a, b) => RELATION_RANK[a.relation] - RELATION_RANK[b.relation] || a.pValueLog10 - b.pValueLog10,
  );
}

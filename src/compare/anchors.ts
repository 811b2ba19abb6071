/**
 * Anchor tokens: embedding rows of tokens both vocabularies contain, matched by token string (so an
 * extended, reordered or renumbered vocabulary still lines up). Without readable vocabularies the rows
 * are matched by id and a warning says so.
 */
import { readVocabulary } from "../tokenizers/read.js";
import { tokenKeys } from "../tokenizers/token-bytes.js";
import type { Vocabulary } from "../tokenizers/vocabulary.js";

/** Alignment cost grows with anchors × hidden²; this many shared tokens pin a rotation down well. */
export const MAX_ANCHORS = 4096;

export interface TokenAlignment {
  /** Row in the suspect's embedding for each anchor. */
  suspectRows: Int32Array;
  referenceRows: Int32Array;
  /** How the rows were matched. */
  method: "token strings" | "token ids";
  vocabulary: { kept: number; added: number; removed: number; reordered: number } | null;
  warnings: string[];
}

async function tryVocabulary(path: string): Promise<Vocabulary | undefined> {
  try {
    return await readVocabulary(path);
  } catch {
    return undefined;
  }
}

function evenlySpaced(count: number, limit: number): number[] {
  if (count <= limit) return Array.from({ length: count }, (_, i) => i);
  return Array.from({ length: limit }, (_, i) => Math.floor((i * count) / limit));
}

export async function alignTokens(
  suspectPath: string,
  referencePath: string,
  suspectRows: number,
  referenceRows: number,
): Promise<TokenAlignment> {
  const [suspect, reference] = await Promise.all([tryVocabulary(suspectPath), tryVocabulary(referencePath)]);
  if (suspect === undefined || reference === undefined) {
    const shared = Math.min(suspectRows, referenceRows);
    const picks = evenlySpaced(shared, MAX_ANCHORS);
    return {
      suspectRows: Int32Array.from(picks),
      referenceRows: Int32Array.from(picks),
      method: "token ids",
      vocabulary: null,
      warnings: [
        `no readable vocabulary for the ${suspect === undefined ? "suspect" : "reference"}: embedding rows matched by token id`,
      ],
    };
  }
  const referenceIds = new Map<string, number>();
  tokenKeys(reference).forEach((key, id) => {
    if (id < referenceRows && !referenceIds.has(key)) referenceIds.set(key, id);
  });
  const pairs: [number, number][] = [];
  let reordered = 0;
  const seen = new Set<string>();
  tokenKeys(suspect).forEach((key, id) => {
    const other = referenceIds.get(key);
    if (id >= suspectRows || other === undefined || seen.has(key)) return;
    seen.add(key);
    pairs.push([id, other]);
    if (other !== id) reordered++;
  });
  const picks = evenlySpaced(pairs.length, MAX_ANCHORS);
  return {
    suspectRows: Int32Array.from(picks, (i) => pairs[i]![0]),
    referenceRows: Int32Array.from(picks, (i) => pairs[i]![1]),
    method: "token strings",
    vocabulary: {
      kept: pairs.length,
      added: suspect.tokens.length - pairs.length,
      removed: reference.tokens.length - pairs.length,
      reordered,
    },
    warnings: [],
  };
}

/**
 * Which reference family a vocabulary belongs to, and how: identical, extended (the reference plus
 * appended tokens, ids kept), a prefix of it, renumbered (same tokens, other ids), overlapping, or
 * independent. Works from the compact generated fingerprints, so no reference vocabulary is loaded.
 *
 * Natural overlap is not lineage: independently trained vocabularies of similar text share most
 * common tokens (GPT-2 and GPT-NeoX share 73 % of theirs), so a family is only named when nearly
 * all of its sampled tokens are present.
 */
import { REFERENCE_FAMILIES, REFERENCE_PAIR_FACTS } from "./reference/families.generated.js";
import type { ReferenceFamily } from "./reference/family-table.js";
import { FINGERPRINT_BLOCK, rangeHash } from "./reference/fingerprint.js";
import { tokenKeys } from "./token-bytes.js";
import type { Vocabulary } from "./vocabulary.js";

export type IdentifyRelation =
  | "identical"
  | "extended"
  | "prefix"
  | "renumbered"
  | "overlapping"
  | "independent";

/** Share of a family's sampled tokens that must be present to name the family at all. */
export const FAMILY_MIN_CONTAINMENT = 0.9;
/** Share present (and, for renumbered, the size ratio) above which the token sets count as the same. */
const SAME_SET = 0.98;
/** Share at the same id above which ids count as kept. */
const SAME_IDS = 0.98;

export interface IdentifyCandidate {
  family: string;
  label: string;
  relation: IdentifyRelation;
  /** Share of the family's sampled tokens found in the vocabulary (estimates containment). */
  containment: number;
  /** Share of the family's sampled tokens found at the same id. */
  sameIdShare: number;
  /** Ids 0..n-1 hold the family's tokens (exact to the block of 512 ids; the whole family when equal). */
  sameIdPrefix: number;
  /** Vocabulary size minus the family's size. */
  sizeDelta: number;
  familySize: number;
}

export interface IdentifyResult {
  /** Closest family id, or "unknown". */
  family: string;
  relation: IdentifyRelation;
  /** One sentence for people: "Llama 2 vocabulary with 64 pieces appended". */
  summary: string;
  vocabSize: number;
  /** Every family with some overlap, best first. */
  candidates: IdentifyCandidate[];
  /** Known facts about the named family from the reference data ("itself Llama 2 + 64"). */
  notes: string[];
}

interface SuspectView {
  keys: string[];
  ids: Map<string, number[]>;
}

/** Token key → every id holding it (empty keys left out). */
export function idsByKey(keys: readonly string[]): Map<string, number[]> {
  const ids = new Map<string, number[]>();
  keys.forEach((key, id) => {
    if (key === "") return;
    const list = ids.get(key);
    if (list === undefined) ids.set(key, [id]);
    else list.push(id);
  });
  return ids;
}

function viewOf(vocabulary: Vocabulary): SuspectView {
  const keys = tokenKeys(vocabulary);
  return { keys, ids: idsByKey(keys) };
}

function leadingEqualBlocks(view: SuspectView, family: ReferenceFamily): number {
  const { size, blocks } = family.fingerprint;
  let equal = 0;
  for (const [index, hash] of blocks.entries()) {
    const start = index * FINGERPRINT_BLOCK;
    const end = Math.min(size, start + FINGERPRINT_BLOCK);
    if (end > view.keys.length || rangeHash(view.keys, start, end) !== hash) break;
    equal++;
  }
  return equal;
}

function relationOf(candidate: Omit<IdentifyCandidate, "relation">, allBlocks: boolean): IdentifyRelation {
  const { containment, sameIdShare, sizeDelta, familySize, sameIdPrefix } = candidate;
  if (allBlocks) return sizeDelta === 0 ? "identical" : "extended";
  const size = familySize + sizeDelta;
  if (sizeDelta < 0 && sameIdPrefix >= size - FINGERPRINT_BLOCK && sameIdShare >= (size / familySize) * 0.9) {
    return "prefix";
  }
  if (containment >= SAME_SET && sameIdShare >= SAME_IDS) return sizeDelta > 0 ? "extended" : "overlapping";
  if (containment >= SAME_SET && Math.abs(sizeDelta) <= familySize * (1 - SAME_SET)) return "renumbered";
  if (containment >= 0.5) return "overlapping";
  return "independent";
}

export function compareWithFamily(view: SuspectView, family: ReferenceFamily): IdentifyCandidate {
  const { sample, size } = family.fingerprint;
  let present = 0;
  let sameId = 0;
  for (const [id, key] of sample) {
    const ids = view.ids.get(key);
    if (ids === undefined) continue;
    present++;
    if (ids.includes(id)) sameId++;
  }
  const blocks = leadingEqualBlocks(view, family);
  const allBlocks = blocks === family.fingerprint.blocks.length;
  const partial = {
    family: family.id,
    label: family.label,
    containment: sample.length === 0 ? 0 : present / sample.length,
    sameIdShare: sample.length === 0 ? 0 : sameId / sample.length,
    sameIdPrefix: allBlocks ? size : blocks * FINGERPRINT_BLOCK,
    sizeDelta: view.keys.length - size,
    familySize: size,
  };
  return { ...partial, relation: relationOf(partial, allBlocks) };
}

const RELATION_RANK: Record<IdentifyRelation, number> = {
  identical: 5,
  extended: 4,
  prefix: 3,
  renumbered: 2,
  overlapping: 1,
  independent: 0,
};

function better(a: IdentifyCandidate, b: IdentifyCandidate): number {
  return (
    RELATION_RANK[b.relation] - RELATION_RANK[a.relation] ||
    b.containment - a.containment ||
    b.sameIdShare - a.sameIdShare ||
    Math.abs(a.sizeDelta) - Math.abs(b.sizeDelta)
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export function describeCandidate(candidate: IdentifyCandidate): string {
  const { label, relation, sizeDelta, containment, sameIdPrefix } = candidate;
  const percent = `${Math.round(containment * 100)}%`;
  switch (relation) {
    case "identical":
      return `${label} vocabulary, identical`;
    case "extended":
      return `${label} vocabulary with ${plural(sizeDelta, "piece")} appended`;
    case "prefix":
      return `the first ${sameIdPrefix >= candidate.familySize + sizeDelta ? candidate.familySize + sizeDelta : `~${sameIdPrefix}`} ids of the ${label} vocabulary`;
    case "renumbered":
      return `${label} vocabulary with its tokens renumbered (${percent} of sampled tokens present, at other ids)`;
    case "overlapping":
      return `shares ${percent} of the ${label} vocabulary's sampled tokens (not enough to name it)`;
    case "independent":
      return `independent of ${label}`;
  }
}

/** Facts from the reference data about how `family` relates to other reference families. */
export function familyNotes(family: string): string[] {
  const notes: string[] = [];
  for (const fact of REFERENCE_PAIR_FACTS) {
    const [self, selfSize, other, otherSize] =
      fact.a === family ? [fact.a, fact.aSize, fact.b, fact.bSize] : [fact.b, fact.bSize, fact.a, fact.aSize];
    if (self !== family) continue;
    const otherLabel = REFERENCE_FAMILIES.find((f) => f.id === other)?.label ?? other;
    if (fact.sameIdPrefix === otherSize && selfSize > otherSize) {
      notes.push(
        `itself the ${otherLabel} vocabulary with ${plural(selfSize - otherSize, "token")} appended`,
      );
    } else if (fact.sameIdPrefix === selfSize && otherSize > selfSize) {
      notes.push(
        `the ${otherLabel} vocabulary is this one with ${plural(otherSize - selfSize, "token")} appended`,
      );
    } else if (fact.sameIdPrefix >= 0.9 * Math.min(selfSize, otherSize)) {
      notes.push(`ids 0–${fact.sameIdPrefix - 1} are the ${otherLabel} vocabulary's, token for token`);
    } else if (fact.sharedTokens >= 0.95 * otherSize && selfSize > otherSize) {
      notes.push(
        `contains ${Math.round((fact.sharedTokens / otherSize) * 100)}% of the ${otherLabel} vocabulary's tokens, at other ids`,
      );
    }
  }
  return notes;
}

export function identifyVocabulary(
  vocabulary: Vocabulary,
  families: readonly ReferenceFamily[] = REFERENCE_FAMILIES,
): IdentifyResult {
  const view = viewOf(vocabulary);
  const candidates = families
    .map((family) => compareWithFamily(view, family))
    .filter((candidate) => candidate.containment > 0 || candidate.sameIdPrefix > 0)
    .sort(better);
  const best = candidates[0];
  const vocabSize = view.keys.length;
  if (best === undefined || (best.containment < FAMILY_MIN_CONTAINMENT && best.relation !== "prefix")) {
    const share = best === undefined ? 0 : Math.round(best.containment * 100);
    return {
      family: "unknown",
      relation: "independent",
      summary: `no reference family matches: an own vocabulary of ${vocabSize} tokens (at most ${share}% of any family's sampled tokens present)`,
      vocabSize,
      candidates,
      notes: [],
    };
  }
  return {
    family: best.family,
    relation: best.relation,
    summary: describeCandidate(best),
    vocabSize,
    candidates,
    notes: familyNotes(best.family),
  };
}

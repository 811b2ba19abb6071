/**
 * Which reference family a vocabulary belongs to, and how: identical, extended (the family plus
 * appended tokens, ids kept), edited (the family's ids with some tokens replaced in place), a prefix
 * of it, renumbered (the same tokens in the same order at other ids), a subset (a cut of it,
 * renumbered), overlapping, or independent. Works from the compact generated fingerprints, so no
 * reference vocabulary is loaded.
 *
 * Evidence is weighed the same way for small and large vocabularies, and only ordinary tokens count:
 * - ids are compared through hashes of 512-id blocks of the family's ordinary part (exact);
 * - a family's special tokens are compared apart from its ordinary ones, so a file that cannot carry
 *   them (a tiktoken rank file) or renames them is still the family's vocabulary;
 * - a same-id prefix counts only when it holds enough ordinary tokens: the byte and control layout every
 *   SentencePiece model with byte fallback starts with proves nothing;
 * - token overlap counts only with the family's order: independently trained vocabularies of similar
 *   text share most common tokens (GPT-2 and GPT-NeoX share 73 % of theirs), and a small vocabulary of
 *   common pieces sits almost entirely inside any large one.
 */
import { formatCount, formatPercent } from "../report/format.js";
import { rankAgreement } from "../stats/correlation.js";
import { REFERENCE_FAMILIES, REFERENCE_PAIR_FACTS } from "./reference/families.generated.js";
import type { ReferenceFamily } from "./reference/family-table.js";
import {
  FINGERPRINT_BLOCK,
  FINGERPRINT_SAMPLE,
  keyHash,
  ordinaryEnd,
  rangeHash,
} from "./reference/fingerprint.js";
import { tokenKeys } from "./token-bytes.js";
import type { TokenKind, Vocabulary } from "./vocabulary.js";

export type IdentifyRelation =
  | "identical"
  | "extended"
  | "edited"
  | "prefix"
  | "renumbered"
  | "subset"
  | "overlapping"
  | "independent";

/** Relations that name the family; `overlapping` and `independent` leave the vocabulary `unknown`. */
export const NAMING_RELATIONS: readonly IdentifyRelation[] = [
  "identical",
  "extended",
  "edited",
  "prefix",
  "renumbered",
  "subset",
];

/** Share of the family's sampled tokens present (and in order) for `renumbered`: natural overlap of
 * independent vocabularies stays below 0.9 even for a 262k vocabulary against a 32k one (Gemma 3 holds
 * 96 % of Llama 2's tokens, in another order). */
const SAME_SET = 0.98;
/** Share of the family's sampled tokens at their ids for `edited`: most ids kept. */
const EDITED_SAME_IDS = 0.9;
/** Share of the family's ordinary blocks that must be token for token the same for `edited` (unless
 * nearly every sampled token sits at its id: then edits are few but spread over many blocks). */
const EDITED_SAME_BLOCKS = 0.5;
/** Order agreement (Spearman over sampled tokens) that shows the family's order; independent
 * vocabularies reach 0.85 over all shared tokens (thresholds.ts), related ones 0.99 and above. */
const SAME_ORDER = 0.98;
/** Fewest sampled tokens an order or a share is judged from: fewer say nothing. */
const MIN_EVIDENCE_TOKENS = 20;
/** Ordinary tokens a same-id prefix must hold to name a family (a block of 512 ids holds ≥ 250 even
 * after a SentencePiece byte layout): a run of layout tokens, or of a few common first merges, is not. */
const MIN_PREFIX_ORDINARY = 64;
/** Share of the family's sampled tokens present above which an unnamed vocabulary is `overlapping`. */
const OVERLAP_SHARE = 0.5;

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
  /** Id ranges [first, last] of the family's ordinary part whose tokens differ (blocks of 512 ids). */
  editedRanges: [number, number][];
  /** Whether the family's special/added tokens (after its ordinary part) differ or are absent here. */
  specialsDiffer: boolean;
  /** Spearman of family ids vs these ids over the sampled tokens both hold, when enough do. */
  orderAgreement: number | null;
  /** For a small vocabulary: the share of its own sampled ordinary tokens that are the family's, and
   * how many sampled tokens that share rests on (see `subsetEvidence`). */
  subsetShare: number | null;
  subsetSample: number;
}

export interface IdentifyResult {
  /** Closest family id, or "unknown". */
  family: string;
  relation: IdentifyRelation;
  /** One sentence for people: "Llama 2 vocabulary with 64 tokens appended". */
  summary: string;
  vocabSize: number;
  /** Every family with some overlap, best first. */
  candidates: IdentifyCandidate[];
  /** The edit or special-token differences of the named family, and known facts about it. */
  notes: string[];
}

interface SuspectView {
  keys: string[];
  kinds: readonly TokenKind[];
  ids: Map<string, number[]>;
  ordinarySize: number;
  format: Vocabulary["source"]["format"];
  /** Ordinary tokens (first id of each distinct key) with their sampling hash, lowest hash first. */
  ordinaryByHash: { key: string; id: number; hash: number }[];
  /** Block hashes already computed, by "start:end" (families share most block boundaries). */
  blockHashes: Map<string, string>;
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
  const ids = idsByKey(keys);
  const ordinaryByHash: SuspectView["ordinaryByHash"] = [];
  for (const [key, list] of ids) {
    const id = list[0] as number;
    if (vocabulary.kinds[id] === "normal") ordinaryByHash.push({ key, id, hash: keyHash(key) });
  }
  ordinaryByHash.sort((a, b) => a.hash - b.hash || (a.key < b.key ? -1 : 1));
  return {
    keys,
    kinds: vocabulary.kinds,
    ids,
    ordinarySize: ordinaryEnd(vocabulary.kinds),
    format: vocabulary.source.format,
    ordinaryByHash,
    blockHashes: new Map(),
  };
}

interface BlockAgreement {
  /** Leading blocks equal, in ids (capped at the family's ordinary size). */
  prefix: number;
  equal: number;
  /** Blocks fully inside the vocabulary. */
  comparable: number;
  differing: [number, number][];
}

function compareBlocks(view: SuspectView, family: ReferenceFamily): BlockAgreement {
  const { ordinarySize, blocks } = family.fingerprint;
  let prefix = 0;
  let leading = true;
  let equal = 0;
  let comparable = 0;
  const differing: [number, number][] = [];
  blocks.forEach((hash, index) => {
    const start = index * FINGERPRINT_BLOCK;
    const end = Math.min(ordinarySize, start + FINGERPRINT_BLOCK);
    if (end > view.keys.length) {
      leading = false;
      return;
    }
    comparable++;
    const cacheKey = `${start}:${end}`;
    let ours = view.blockHashes.get(cacheKey);
    if (ours === undefined) {
      ours = rangeHash(view.keys, start, end);
      view.blockHashes.set(cacheKey, ours);
    }
    if (ours === hash) {
      equal++;
      if (leading) prefix = end;
    } else {
      leading = false;
      differing.push([start, end - 1]);
    }
  });
  return { prefix, equal, comparable, differing };
}

/**
 * Bottom-k containment from the vocabulary's side: the family's sample holds every family token whose
 * hash is at most the sample's largest, so for each of this vocabulary's ordinary tokens below that
 * hash it is known exactly whether the family has it. Returns the share that it has, how many such
 * tokens there are, and the Spearman of their ids in both (a cut of the family keeps its order).
 */
function subsetEvidence(
  view: SuspectView,
  family: ReferenceFamily,
  familyIds: Map<string, number>,
): { share: number | null; sample: number; order: number | undefined } {
  const sample = family.fingerprint.sample;
  const last = sample[sample.length - 1];
  const limit =
    sample.length < FINGERPRINT_SAMPLE || last === undefined ? Number.POSITIVE_INFINITY : keyHash(last[1]);
  let decidable = 0;
  const ours: number[] = [];
  const theirs: number[] = [];
  for (const { key, id, hash } of view.ordinaryByHash) {
    if (hash > limit || (hash === limit && last !== undefined && key > last[1])) break;
    decidable++;
    const familyId = familyIds.get(key);
    if (familyId === undefined) continue;
    ours.push(id);
    theirs.push(familyId);
  }
  return {
    share: decidable === 0 ? null : ours.length / decidable,
    sample: decidable,
    order: ours.length >= MIN_EVIDENCE_TOKENS ? rankAgreement(ours, theirs) : undefined,
  };
}

function ordinaryCount(view: SuspectView, end: number): number {
  let count = 0;
  for (let id = 0; id < end; id++) if (view.kinds[id] === "normal") count++;
  return count;
}

export function compareWithFamily(view: SuspectView, family: ReferenceFamily): IdentifyCandidate {
  const { sample, size, ordinarySize, tailHash, blocks } = family.fingerprint;
  let present = 0;
  let sameId = 0;
  const familyIds = new Map<string, number>();
  const ours: number[] = [];
  const theirs: number[] = [];
  for (const [id, key] of sample) {
    familyIds.set(key, id);
    const ids = view.ids.get(key);
    if (ids === undefined) continue;
    present++;
    if (ids.includes(id)) sameId++;
    ours.push(ids[0] as number);
    theirs.push(id);
  }
  const containment = sample.length === 0 ? 0 : present / sample.length;
  const sameIdShare = sample.length === 0 ? 0 : sameId / sample.length;
  const order = present >= MIN_EVIDENCE_TOKENS ? rankAgreement(ours, theirs) : undefined;
  const agreement = compareBlocks(view, family);
  const allOrdinary = agreement.equal === blocks.length;
  const tailEqual = view.keys.length >= size && rangeHash(view.keys, ordinarySize, size) === tailHash;
  const subset = subsetEvidence(view, family, familyIds);
  const sizeDelta = view.keys.length - size;

  let relation: IdentifyRelation;
  let sameIdPrefix = agreement.prefix;
  if (allOrdinary) {
    // The family's ordinary tokens, token for token; anything after them is either the family's own
    // special tokens, other special tokens (renamed, absent), or appended ordinary tokens.
    if (tailEqual) sameIdPrefix = size;
    relation = view.ordinarySize > ordinarySize || (tailEqual && sizeDelta > 0) ? "extended" : "identical";
  } else if (
    agreement.comparable === blocks.length &&
    ((agreement.equal >= EDITED_SAME_BLOCKS * blocks.length && sameIdShare >= EDITED_SAME_IDS) ||
      sameIdShare >= SAME_SET)
  ) {
    // The family's ids, with tokens replaced in some blocks (or a few in many blocks).
    relation = "edited";
  } else if (ordinaryCount(view, agreement.prefix) >= MIN_PREFIX_ORDINARY) {
    relation = "prefix";
  } else if (
    containment >= SAME_SET &&
    (Math.abs(sizeDelta) <= size * (1 - SAME_SET) || (order ?? 0) >= SAME_ORDER)
  ) {
    // The same token set at other ids; in a much larger vocabulary only in the family's order, since a
    // large vocabulary naturally holds most of a small one's tokens.
    relation = "renumbered";
  } else if (
    subset.sample >= MIN_EVIDENCE_TOKENS &&
    (subset.share ?? 0) >= SAME_SET - 0.03 &&
    (subset.order ?? 0) >= SAME_ORDER
  ) {
    relation = "subset";
  } else {
    relation = containment >= OVERLAP_SHARE ? "overlapping" : "independent";
  }
  return {
    family: family.id,
    label: family.label,
    relation,
    containment,
    sameIdShare,
    sameIdPrefix,
    sizeDelta,
    familySize: size,
    editedRanges: relation === "edited" ? agreement.differing : [],
    specialsDiffer: allOrdinary && !tailEqual,
    orderAgreement: order ?? null,
    subsetShare: subset.share,
    subsetSample: subset.sample,
  };
}

const RELATION_RANK: Record<IdentifyRelation, number> = {
  identical: 7,
  extended: 6,
  edited: 5,
  prefix: 4,
  renumbered: 3,
  subset: 2,
  overlapping: 1,
  independent: 0,
};

/** Best first: the stronger relation; between named equals (and between edited and extended, both true
 * of an edited Phi-3), the one with the family's special tokens intact, then the family closest in size,
 * then the larger shares; between unnamed ones, the larger overlap. */
function better(a: IdentifyCandidate, b: IdentifyCandidate): number {
  const rank = RELATION_RANK[b.relation] - RELATION_RANK[a.relation];
  if (rank !== 0) {
    const pair = [a.relation, b.relation].sort().join("/");
    if (pair === "edited/extended") return Math.abs(a.sizeDelta) - Math.abs(b.sizeDelta) || rank;
    return rank;
  }
  if (!NAMING_RELATIONS.includes(a.relation)) {
    // Unnamed candidates: the largest overlap first.
    return b.containment - a.containment || b.sameIdShare - a.sameIdShare;
  }
  return (
    Number(a.specialsDiffer) - Number(b.specialsDiffer) ||
    Math.abs(a.sizeDelta) - Math.abs(b.sizeDelta) ||
    b.containment - a.containment ||
    b.sameIdShare - a.sameIdShare
  );
}

const count = formatCount;
const plural = (n: number, word: string): string => `${count(n)} ${word}${n === 1 ? "" : "s"}`;
const percent = formatPercent;

function rangesText(ranges: readonly [number, number][]): string {
  const shown = ranges.slice(0, 3).map(([first, last]) => `${count(first)}–${count(last)}`);
  return ranges.length > 3 ? `${shown.join(", ")} and ${ranges.length - 3} more` : shown.join(", ");
}

export function describeCandidate(candidate: IdentifyCandidate): string {
  const { label, relation, sizeDelta, containment, sameIdPrefix, familySize } = candidate;
  const size = familySize + sizeDelta;
  switch (relation) {
    case "identical":
      return candidate.specialsDiffer
        ? `${label} vocabulary: the same ordinary tokens at the same ids, special tokens differ`
        : `${label} vocabulary, identical`;
    case "extended":
      return `${label} vocabulary with ${plural(sizeDelta, "token")} appended`;
    case "edited": {
      const blocks = candidate.editedRanges.length;
      const appended = sizeDelta > 0 ? `, and ${plural(sizeDelta, "token")} appended` : "";
      return (
        `${label} vocabulary with tokens replaced in place: ${blocks === 1 ? "one block of 512 ids differs" : `${blocks} blocks of 512 ids differ`} ` +
        `(ids ${rangesText(candidate.editedRanges)}), ${percent(candidate.sameIdShare)} of sampled tokens at their ids${appended}`
      );
    }
    case "prefix": {
      const rest = size - sameIdPrefix;
      const then = rest > 0 ? `, then ${plural(rest, "other id")}` : "";
      return `the first ${count(sameIdPrefix)} ids of the ${label} vocabulary (checked in blocks of 512)${then}`;
    }
    case "renumbered": {
      const more = sizeDelta > familySize * (1 - SAME_SET) ? ` among ${count(sizeDelta)} more` : "";
      const inOrder = (candidate.orderAgreement ?? 0) >= SAME_ORDER ? ", in the same order" : "";
      return `${label} vocabulary with its tokens renumbered (${percent(containment)} of sampled tokens present${inOrder}, at other ids)${more}`;
    }
    case "subset":
      return (
        `part of the ${label} vocabulary at other ids: ${percent(candidate.subsetShare ?? 0)} of this vocabulary's ` +
        `${candidate.subsetSample} sampled tokens are the family's, in the family's order`
      );
    case "overlapping":
      return `shares ${percent(containment)} of the ${label} vocabulary's sampled tokens, in another order or at other ids`;
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

/** What differs from the named family beyond the summary: special tokens absent or renamed. */
function differenceNotes(best: IdentifyCandidate, family: ReferenceFamily, view: SuspectView): string[] {
  if (!best.specialsDiffer) return [];
  const { ordinarySize, size } = family.fingerprint;
  const tail = size - ordinarySize;
  if (view.keys.length <= ordinarySize) {
    const why = view.format === "tiktoken" ? " (a tiktoken rank file carries none)" : "";
    const ids = tail === 1 ? `id ${count(ordinarySize)}` : `ids ${count(ordinarySize)}–${count(size - 1)}`;
    return [
      `the family's special tokens after its ordinary ones (${ids}) are not in this file${why}; its ordinary tokens are all there, at the same ids`,
    ];
  }
  return [
    `the special and added tokens after id ${count(ordinarySize - 1)} differ from the family's (renamed, added or absent); its ordinary tokens are all there, at the same ids`,
  ];
}

export function identifyVocabulary(
  vocabulary: Vocabulary,
  families: readonly ReferenceFamily[] = REFERENCE_FAMILIES,
): IdentifyResult {
  const view = viewOf(vocabulary);
  const candidates = families
    .map((family) => compareWithFamily(view, family))
    .filter(
      (candidate) =>
        candidate.containment > 0 || candidate.sameIdPrefix > 0 || candidate.relation === "subset",
    )
    .sort(better);
  const best = candidates[0];
  const vocabSize = view.keys.length;
  if (best === undefined || !NAMING_RELATIONS.includes(best.relation)) {
    const share = best === undefined ? 0 : Math.max(...candidates.map((c) => c.containment));
    return {
      family: "unknown",
      relation: "independent",
      summary: `no reference family matches: an own vocabulary of ${count(vocabSize)} tokens (at most ${percent(share)} of any family's sampled tokens present)`,
      vocabSize,
      candidates,
      notes: [],
    };
  }
  const family = families.find((f) => f.id === best.family) as ReferenceFamily;
  return {
    family: best.family,
    relation: best.relation,
    summary: describeCandidate(best),
    vocabSize,
    candidates,
    notes: [...differenceNotes(best, family, view), ...familyNotes(best.family)],
  };
}

/**
 * Compact fingerprints of a vocabulary, computed the same way for the built-in reference families
 * (by scripts/gen-reference-tokenizers.ts) and for a file being identified:
 *
 * - hashes of consecutive id blocks over the ordinary part (ids up to the last normal or byte token):
 *   which id ranges hold exactly the same tokens (same-id prefix, extension, edits in place);
 * - a hash of the special/added tokens after the ordinary part, kept apart so that a file that carries
 *   no special tokens (a tiktoken rank file) or renames them still matches the family's ordinary ids;
 * - a bottom-k sample: the tokens whose content hashes lowest, with their ids. Whether they occur in
 *   another vocabulary, and at which ids, survives appended tokens and renumbering;
 * - a hash of the whole token set (order-free) and the special tokens.
 *
 * Tokens are compared through tokread's `tokenKeys` (bytes a token stands for, whatever spelling).
 */
import { createHash } from "node:crypto";
import { tokenKeys } from "../token-bytes.js";
import type { TokenKind, Vocabulary } from "../vocabulary.js";

/** Ids per block hash: 512 keeps a 262k vocabulary's fingerprint near 6 KB. */
export const FINGERPRINT_BLOCK = 512;
/** Tokens in the bottom-k sample: 256 estimates containment to about ±3 %. */
export const FINGERPRINT_SAMPLE = 256;
/** Special tokens listed in a fingerprint (the rest are counted only). */
const MAX_LISTED_SPECIALS = 24;

export interface VocabularyFingerprint {
  size: number;
  /** 1 + the last id holding a normal or byte token: ids from here on hold special or added tokens. */
  ordinarySize: number;
  /** Hash of ids [i·B, min((i+1)·B, ordinarySize)), 8 hex digits each. */
  blocks: string[];
  /** Hash of ids [ordinarySize, size): the special and added tokens at the end. */
  tailHash: string;
  /** Hash of the sorted set of non-empty token keys. */
  setHash: string;
  /** Bottom-k sample: [id, key] pairs ordered by key hash. */
  sample: [number, string][];
  /** Control and user-defined tokens (first few, as keys), and how many there are. */
  specials: string[];
  specialCount: number;
}

/** FNV-1a over a latin1 key: the sampling hash (fast, stable across runs and platforms). */
export function keyHash(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** Hash of the keys in [start, end), each length-prefixed so that no two lists collide by joining. */
export function rangeHash(keys: readonly string[], start: number, end: number): string {
  const hash = createHash("sha256");
  for (let id = start; id < end; id++) {
    const key = keys[id] ?? "";
    hash.update(`${key.length}:`, "latin1");
    hash.update(key, "latin1");
  }
  return hash.digest("hex").slice(0, 8);
}

/** Block hashes of ids [0, end). */
export function blockHashes(keys: readonly string[], end = keys.length): string[] {
  const blocks: string[] = [];
  for (let start = 0; start < end; start += FINGERPRINT_BLOCK) {
    blocks.push(rangeHash(keys, start, Math.min(end, start + FINGERPRINT_BLOCK)));
  }
  return blocks;
}

/** 1 + the last id holding a normal or byte token (0 when none does). */
export function ordinaryEnd(kinds: readonly TokenKind[]): number {
  for (let id = kinds.length - 1; id >= 0; id--) {
    if (kinds[id] === "normal" || kinds[id] === "byte") return id + 1;
  }
  return 0;
}

/** Keys with their lowest-hash sample, first id of each distinct key. */
export function bottomSample(keys: readonly string[], k = FINGERPRINT_SAMPLE): [number, string][] {
  const firstId = new Map<string, number>();
  keys.forEach((key, id) => {
    if (key !== "" && !firstId.has(key)) firstId.set(key, id);
  });
  return [...firstId.entries()]
    .map(([key, id]) => ({ key, id, hash: keyHash(key) }))
    .sort((a, b) => a.hash - b.hash || (a.key < b.key ? -1 : 1))
    .slice(0, k)
    .map(({ key, id }) => [id, key]);
}

export function fingerprintKeys(keys: readonly string[], vocabulary: Vocabulary): VocabularyFingerprint {
  const specials: string[] = [];
  keys.forEach((key, id) => {
    const kind = vocabulary.kinds[id];
    if ((kind === "control" || kind === "user-defined") && key !== "") specials.push(key);
  });
  const set = [...new Set(keys.filter((key) => key !== ""))].sort();
  const ordinarySize = ordinaryEnd(vocabulary.kinds);
  return {
    size: keys.length,
    ordinarySize,
    blocks: blockHashes(keys, ordinarySize),
    tailHash: rangeHash(keys, ordinarySize, keys.length),
    setHash: rangeHash(set, 0, set.length),
    sample: bottomSample(keys),
    specials: specials.slice(0, MAX_LISTED_SPECIALS),
    specialCount: specials.length,
  };
}

export function fingerprintVocabulary(vocabulary: Vocabulary): VocabularyFingerprint {
  return fingerprintKeys(tokenKeys(vocabulary), vocabulary);
}

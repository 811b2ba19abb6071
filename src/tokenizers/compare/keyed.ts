/** A vocabulary with its comparison keys and the indexes the comparison needs. */
import { basename, dirname } from "node:path";
import { tokenKeys } from "../token-bytes.js";
import type { TokenKind, Vocabulary } from "../vocabulary.js";
import type { VocabularySummary } from "./types.js";

export interface KeyedVocabulary {
  vocab: Vocabulary;
  keys: string[];
  /** key → first id holding it (empty keys left out). */
  firstId: Map<string, number>;
  /** 1 where the id holds a merged token (see `isMergedToken`). */
  merged: Uint8Array;
}

/** Keyed forms already built, per vocabulary object (vocabularies are not changed once read). */
const keyedCache = new WeakMap<Vocabulary, KeyedVocabulary>();

export function keyVocabulary(vocab: Vocabulary): KeyedVocabulary {
  const cached = keyedCache.get(vocab);
  if (cached !== undefined && cached.keys.length === vocab.tokens.length) return cached;
  const keyed = buildKeyed(vocab);
  keyedCache.set(vocab, keyed);
  return keyed;
}

function buildKeyed(vocab: Vocabulary): KeyedVocabulary {
  const keys = tokenKeys(vocab);
  const firstId = new Map<string, number>();
  const merged = new Uint8Array(keys.length);
  keys.forEach((key, id) => {
    if (key !== "" && !firstId.has(key)) firstId.set(key, id);
    if (vocab.kinds[id] === "normal" && spellsTwoCharacters(key)) merged[id] = 1;
  });
  return { vocab, keys, firstId, merged };
}

/** Control, unknown and unused tokens: markers, not text. */
export function isSpecialKind(kind: TokenKind | undefined): boolean {
  return kind === "control" || kind === "unknown" || kind === "unused";
}

/** Whether a key's bytes (after its tag) hold two or more UTF-8 characters (counting lead bytes). */
function spellsTwoCharacters(key: string): boolean {
  let leads = 0;
  for (let i = 1; i < key.length; i++) {
    const byte = key.charCodeAt(i);
    if ((byte & 0xc0) !== 0x80 && ++leads >= 2) return true;
  }
  return false;
}

/** A normal token spelling two or more characters: one learned by merging, whose place in the
 * vocabulary reflects training (single characters and bytes come first in every vocabulary). */
export function isMergedToken(keyed: KeyedVocabulary, id: number): boolean {
  return keyed.merged[id] === 1;
}

const GENERIC_NAMES = new Set(["tokenizer.json", "tokenizer.model", "tokenizer.bin"]);

/** A short name for reports: the file name, or folder/file for generic tokenizer file names. */
export function vocabularyLabel(vocab: Vocabulary): string {
  const file = vocab.source.file;
  const name = basename(file);
  return GENERIC_NAMES.has(name) ? `${basename(dirname(file))}/${name}` : name;
}

export function summarize(vocab: Vocabulary, label = vocabularyLabel(vocab)): VocabularySummary {
  return {
    label,
    file: vocab.source.file,
    format: vocab.source.format,
    model: vocab.model,
    convention: vocab.convention,
    size: vocab.tokens.length,
  };
}

/**
 * Anchor tokens: tokens whose embedding rows stand for "the same input" in two models, so hidden units
 * can be described without the hidden basis (signatures, `signatures.ts`) and residual dimensions can be
 * compared (embedding columns over the anchors).
 *
 * Anchors are keyed by token CONTENT (`tokenKey` from the tokenizer area: `▁the`, `Ġthe` and ` the` are
 * one key), so extended, reordered or renumbered vocabularies still line up. The order is fixed and
 * depends on the key alone: first a list of strings most vocabularies hold (digits, punctuation,
 * letters, common English words, common CJK characters), then every other normal token by a hash of its
 * key. A model's anchors are the first keys of that order it holds; two models' shared anchors are the
 * first keys of that order both hold. Without a readable vocabulary, rows are matched by token id
 * (keys `#id`, ordered by a hash of the id) and the comparison says so.
 */
import { tokenKeys } from "../tokenizers/token-bytes.js";
import type { TokenKind, Vocabulary } from "../tokenizers/vocabulary.js";
import { indexHash, saltOf } from "./sample.js";

/** Anchors used per comparison: each sampled row costs anchors × hidden multiply-adds. */
export const ANCHOR_COUNT = 128;
/** Fewest anchors that make signature correlations meaningful; fewer → stored-basis features. */
export const MIN_ANCHORS = 16;

const DIGITS = "0123456789".split("");
const PUNCTUATION = ".,!?;:'\"()[]{}-_/\\@#$%&*+=<>|~`^".split("");
const LOWER = "abcdefghijklmnopqrstuvwxyz".split("");
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ".split("");
const WORDS = (
  "the of and to a in is that for it as was with be by on not he I this are or his from at which but " +
  "have an they you were her she there one all we their been has when who will more no if out so said " +
  "what up its about into than them can only other new some time could these two may then do first any " +
  "my now such like our over man me even most made after also did many before must through back years " +
  "where much your way well down should because each just those people how too little state good very " +
  "make world still own see men work long get here between both life being under never day same another " +
  "know while last might us great old year off come since against go came right used take three"
).split(" ");
/** Frequent Chinese characters (general usage lists), for vocabularies trained on Chinese text. */
const CJK = (
  "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么" +
  "心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分" +
  "将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重" +
  "被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住"
).split("");

/**
 * Strings tried first, most universal first. Each word appears with a leading space (how word-initial
 * tokens read in BPE and SentencePiece) and without.
 */
export const ANCHOR_CANDIDATES: readonly string[] = (() => {
  const list = [
    ...DIGITS,
    ...PUNCTUATION,
    ...LOWER,
    ...WORDS.slice(0, 40).map((w) => ` ${w}`),
    ...UPPER,
    ...CJK.slice(0, 60),
    ...WORDS.slice(40).map((w) => ` ${w}`),
    ...WORDS.map((w) => w),
    ...CJK.slice(60),
  ];
  return [...new Set(list)];
})();

const encoder = new TextEncoder();
/** The `tokenKey` of a plain text string (a normal, non-byte token spelling `text`). */
function textKey(text: string): string {
  return `t${String.fromCharCode(...encoder.encode(text))}`;
}
const CANDIDATE_RANK: ReadonlyMap<string, number> = new Map(ANCHOR_CANDIDATES.map((c, i) => [textKey(c), i]));
const KEY_SALT = saltOf("anchor-key");

/** Position of a key in the fixed anchor order: candidates first, then by hash. */
function rank(key: string): number {
  const candidate = CANDIDATE_RANK.get(key);
  if (candidate !== undefined) return candidate;
  return ANCHOR_CANDIDATES.length + indexHash(saltOf(key), KEY_SALT) / 2 ** 32;
}

/** Token kinds never used as anchors: their rows are not trained like text rows. */
const SKIPPED_KINDS: ReadonlySet<TokenKind> = new Set(["unknown", "control", "unused", "byte"]);

/** Each usable key of a vocabulary and the first id holding it, among ids below `rows`. */
export function keyedRows(vocabulary: Vocabulary, rows: number): Map<string, number> {
  const keys = tokenKeys(vocabulary);
  const out = new Map<string, number>();
  const count = Math.min(keys.length, rows);
  for (let id = 0; id < count; id++) {
    const kind = vocabulary.kinds[id];
    if (kind !== undefined && SKIPPED_KINDS.has(kind)) continue;
    const key = keys[id]!;
    if (key === "" || key === "t" || out.has(key)) continue;
    out.set(key, id);
  }
  return out;
}

/** One model's anchors: key and row, in the fixed order, at most `limit`. */
export interface ModelAnchors {
  keys: string[];
  rows: number[];
}

/** A model's own anchors (library fingerprints): the first `limit` of its keys in the fixed order. */
export function modelAnchors(
  vocabulary: Vocabulary | undefined,
  rows: number,
  limit = ANCHOR_COUNT,
): ModelAnchors {
  if (vocabulary === undefined) {
    const ids = idOrder(rows).slice(0, limit);
    return { keys: ids.map((id) => `#${id}`), rows: ids };
  }
  const keyed = [...keyedRows(vocabulary, rows)].sort((a, b) => rank(a[0]) - rank(b[0])).slice(0, limit);
  return { keys: keyed.map(([key]) => key), rows: keyed.map(([, id]) => id) };
}

const ID_SALT = saltOf("anchor-id");
/** Ids 0..rows−1 in the order used when rows are matched by id. */
function idOrder(rows: number): number[] {
  const ids = Array.from({ length: rows }, (_, i) => i);
  return ids.sort((a, b) => indexHash(a, ID_SALT) - indexHash(b, ID_SALT));
}

/** How two vocabularies relate, counted on token content. */
export interface VocabularyOverlap {
  kept: number;
  added: number;
  removed: number;
  reordered: number;
}

/** The anchors two models share and the rows that hold them on each side. */
export interface AnchorPlan {
  method: "token strings" | "token ids";
  keys: string[];
  suspectRows: number[];
  referenceRows: number[];
  vocabulary: VocabularyOverlap | null;
  warnings: string[];
}

/**
 * Shared anchors of two models with `suspectRows` and `referenceRows` embedding rows: the first `limit`
 * keys of the fixed order both vocabularies hold; by token id when either vocabulary is unknown.
 */
export function planAnchors(
  suspect: Vocabulary | undefined,
  reference: Vocabulary | undefined,
  suspectRows: number,
  referenceRows: number,
  limit = ANCHOR_COUNT,
): AnchorPlan {
  if (suspect === undefined || reference === undefined) {
    const ids = idOrder(Math.min(suspectRows, referenceRows)).slice(0, limit);
    const missing = [suspect === undefined ? "suspect" : "", reference === undefined ? "reference" : ""]
      .filter(Boolean)
      .join(" and the ");
    return {
      method: "token ids",
      keys: ids.map((id) => `#${id}`),
      suspectRows: ids,
      referenceRows: ids,
      vocabulary: null,
      warnings: [`no readable vocabulary for the ${missing}: embedding rows matched by token id`],
    };
  }
  const s = keyedRows(suspect, suspectRows);
  const r = keyedRows(reference, referenceRows);
  const shared: [string, number, number][] = [];
  for (const [key, id] of s) {
    const other = r.get(key);
    if (other !== undefined) shared.push([key, id, other]);
  }
  shared.sort((a, b) => rank(a[0]) - rank(b[0]));
  const chosen = shared.slice(0, limit);
  return {
    method: "token strings",
    keys: chosen.map(([key]) => key),
    suspectRows: chosen.map(([, id]) => id),
    referenceRows: chosen.map(([, , id]) => id),
    vocabulary: vocabularyOverlap(suspect, reference),
    warnings: chosen.length < MIN_ANCHORS ? [`only ${chosen.length} tokens shared by both vocabularies`] : [],
  };
}

/** Tokens of the suspect's vocabulary kept (same content in the reference), added, removed, and kept at
 * another id, counted over every token (control and byte tokens included). */
export function vocabularyOverlap(suspect: Vocabulary, reference: Vocabulary): VocabularyOverlap {
  const referenceIds = new Map<string, number>();
  tokenKeys(reference).forEach((key, id) => {
    if (key !== "" && !referenceIds.has(key)) referenceIds.set(key, id);
  });
  let kept = 0;
  let reordered = 0;
  const seen = new Set<string>();
  tokenKeys(suspect).forEach((key, id) => {
    const other = referenceIds.get(key);
    if (key === "" || other === undefined || seen.has(key)) return;
    seen.add(key);
    kept++;
    if (other !== id) reordered++;
  });
  return {
    kept,
    added: suspect.tokens.length - kept,
    removed: reference.tokens.length - kept,
    reordered,
  };
}

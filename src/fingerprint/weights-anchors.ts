/**
 * Anchor tokens: a fixed, priority-ordered list of strings that most vocabularies hold as single
 * tokens, so two models with different tokenizers can be compared on the same token identities.
 * Token strings are first turned into the text they stand for (`▁the` and `Ġthe` both become `" the"`),
 * through the tokenizer area's `tokenStringBytes`.
 */
import { tokenStringBytes } from "../tokenizers/token-bytes.js";
import type { TokenConvention, TokenKind } from "../tokenizers/vocabulary.js";

/** Most anchors a fingerprint keeps (the embedding Gram matrix is n × n). */
export const MAX_FINGERPRINT_ANCHORS = 256;
/** Anchors used for the per-layer matrices: fewer, because there are three per layer. */
export const MAX_LAYER_ANCHORS = 128;

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
 * The candidate list in priority order: the most universal strings first, because the per-layer
 * matrices use only the first anchors a vocabulary has. Each word appears with a leading space
 * (how word-initial tokens read in BPE and SentencePiece) and without.
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

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The text a token stands for, or undefined when it is not whole UTF-8 text (a byte fragment). */
export function tokenText(
  token: string,
  convention: TokenConvention,
  kind: TokenKind = "normal",
): string | undefined {
  try {
    return utf8.decode(tokenStringBytes(token, convention, kind));
  } catch {
    return undefined;
  }
}

/** Token kinds that never serve as anchors: their rows are not trained like text rows. */
const SKIPPED_KINDS: ReadonlySet<TokenKind> = new Set(["unknown", "control", "unused", "byte"]);

export interface AnchorSelection {
  /** Anchor strings in candidate order. */
  anchors: string[];
  /** Token id of each anchor in this vocabulary. */
  ids: number[];
}

/**
 * Pick the anchors this vocabulary holds as single tokens, in candidate order, at most `limit`.
 * When several ids spell the same text the first normal one wins.
 */
export function selectAnchors(
  tokens: readonly string[],
  convention: TokenConvention,
  kinds: readonly TokenKind[] | undefined,
  limit = MAX_FINGERPRINT_ANCHORS,
  rows = tokens.length,
): AnchorSelection {
  const byText = new Map<string, number>();
  const count = Math.min(tokens.length, rows);
  for (let id = 0; id < count; id++) {
    const kind = kinds?.[id];
    if (kind !== undefined && SKIPPED_KINDS.has(kind)) continue;
    const text = tokenText(tokens[id]!, convention, kind);
    if (text !== undefined && text !== "" && !byText.has(text)) byText.set(text, id);
  }
  const anchors: string[] = [];
  const ids: number[] = [];
  for (const candidate of ANCHOR_CANDIDATES) {
    if (anchors.length >= limit) break;
    const id = byText.get(candidate);
    if (id === undefined) continue;
    anchors.push(candidate);
    ids.push(id);
  }
  return { anchors, ids };
}

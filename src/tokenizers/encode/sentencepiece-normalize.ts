/**
 * SentencePiece text normalisation before encoding: optional NFKC (the `nmt_nfkc` rule most
 * trained models use; Llama 2 uses none), optional collapsing of space runs, the dummy `▁` prefix,
 * and spaces spelled as `▁`.
 */

export interface SentencePieceNormalization {
  /** Apply SentencePiece's default `nmt_nfkc` rule. Llama/Mistral/Phi-3 vocabularies use none. */
  nfkc?: boolean;
  /** Collapse runs of spaces and trim them at both ends (`remove_extra_whitespaces`). */
  removeExtraWhitespace?: boolean;
  /** Prepend `▁` (`add_dummy_prefix`, GGUF `add_space_prefix`). */
  addDummyPrefix?: boolean;
}

export const SPACE_MARK = "\u2581";

/** SentencePiece's NFKC rule leaves U+FF5E FULLWIDTH TILDE alone (it matters in Japanese). */
const NFKC_EXCLUDED = "\uff5e";
/** `nmt_nfkc` maps tab, line feed and carriage return to a space and drops other control characters. */
const NMT_TO_SPACE = /[\t\n\r]/g;
const NMT_DROPPED = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;

function nmtNfkc(text: string): string {
  const normalized = text
    .split(NFKC_EXCLUDED)
    .map((part) => part.normalize("NFKC"))
    .join(NFKC_EXCLUDED);
  return normalized.replace(NMT_TO_SPACE, " ").replace(NMT_DROPPED, "");
}

export function normalizeForSentencePiece(text: string, options: SentencePieceNormalization): string {
  let out = options.nfkc ? nmtNfkc(text) : text;
  if (options.removeExtraWhitespace) out = out.replace(/ +/g, " ").replace(/^ | $/g, "");
  if (out === "") return "";
  if (options.addDummyPrefix) out = ` ${out}`;
  return out.replaceAll(" ", SPACE_MARK);
}

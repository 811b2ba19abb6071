/**
 * Pre-tokenizers of byte-level BPE vocabularies, by GGUF `tokenizer.ggml.pre` name. Each is a list of
 * regexes applied in turn: every regex splits each piece left by the previous one into its matches
 * and the text between them (which stays a piece of its own). `\s` means Unicode White_Space here,
 * as in the Rust and C++ implementations (JavaScript's own `\s` differs on U+0085 and U+FEFF).
 */
import { UsageError } from "../../errors.js";

/** GPT-2's split pattern; Hugging Face's ByteLevel pre-tokenizer applies it when `use_regex` is true. */
export const GPT2 = String.raw`'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)`;
const CONTRACTIONS_ANY_CASE = `(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])`;
const LLAMA3 = String.raw`${CONTRACTIONS_ANY_CASE}|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`;
/** o200k_base's pattern; `(?i:…)` contractions spelled out (Node 20 has no inline flags). */
const CONTRACTION_SUFFIX = `(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?`;
const O200K = String.raw`[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+${CONTRACTION_SUFFIX}|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*${CONTRACTION_SUFFIX}|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`;
const QWEN2 = String.raw`${CONTRACTIONS_ANY_CASE}|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`;
/** CJK ideographs, the block U+0800..U+4E00 and Hangul, as DeepSeek's tokenizers group them. */
const DEEPSEEK_CJK = "[\u4e00-\u9fa5\u0800-\u4e00\uac00-\ud7ff]+";
/** DeepSeek LLM's explicit letter class (cased letters of many scripts; no CJK). */
const DEEPSEEK_LETTERS =
  "A-Za-z\u00b5\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u01ba\u01bc-\u01bf\u01c4-\u0293\u0295-\u02af\u0370-\u0373\u0376\u0377\u037b-\u037d\u037f\u0386\u0388-\u038a\u038c\u038e-\u03a1\u03a3-\u03f5\u03f7-\u0481\u048a-\u052f\u0531-\u0556\u10a0-\u10c5\u13a0-\u13f5\u13f8-\u13fd\u1c90-\u1cba\u1cbd-\u1cbf\u1d00-\u1d2b\u1d6b-\u1d77\u1d79-\u1d9a\u1e00-\u1f15\u1f18-\u1f1d\u1f20-\u1f45\u1f48-\u1f4d\u1f50-\u1f57\u1f59\u1f5b\u1f5d\u1f5f-\u1f7d\u1f80-\u1fb4\u1fb6-\u1fbc\u1fbe\u1fc2-\u1fc4\u1fc6-\u1fcc\u1fd0-\u1fd3\u1fd6-\u1fdb\u1fe0-\u1fec\u1ff2-\u1ff4\u1ff6-\u1ffc\u2102\u2107\u210a-\u2113\u2115\u2119-\u211d\u2124\u2126\u2128\u212a-\u212d\u212f-\u2134\u2139\u213c-\u213f\u2145-\u2149\u214e\u2183\u2184\u2c00-\u2c7b\u2c7e-\u2ce4\u2ceb-\u2cee\u2cf2\u2cf3\ua640-\ua66d\ua680-\ua69b\ua722-\ua76f\ua771-\ua787\ua78b-\ua78e\uab70-\uabbf\ufb00-\ufb06\ufb13-\ufb17\uff21-\uff3a\uff41-\uff5a\u{10400}-\u{1044f}\u{104b0}-\u{104d3}\u{104d8}-\u{104fb}\u{10c80}-\u{10cb2}\u{10cc0}-\u{10cf2}\u{118a0}-\u{118df}\u{1e900}-\u{1e943}";

/** Hugging Face's `Punctuation` pre-tokenizer: Unicode punctuation plus ASCII punctuation that Unicode
 * calls symbols (`char::is_ascii_punctuation`), as llama.cpp spells it for Falcon. */
export const ASCII_AND_UNICODE_PUNCTUATION = String.raw`[\p{P}\$\+<=>\^~\|\x60]+`;

const PATTERNS: Record<string, readonly string[]> = {
  "gpt-2": [GPT2],
  llama3: [LLAMA3],
  o200k: [O200K],
  qwen2: [QWEN2],
  "deepseek-llm": [
    "[\r\n]",
    String.raw`\s?[${DEEPSEEK_LETTERS}]+`,
    "\\s?[!-/:-~\uff01-\uff0f\uff1a-\uff5e\u2018-\u201f\u3000-\u3002]+",
    String.raw`\s+$`,
    DEEPSEEK_CJK,
    String.raw`\p{N}+`,
  ],
  "deepseek-coder": ["[\r\n]", String.raw`\s?\p{L}+`, String.raw`\s?\p{P}+`, DEEPSEEK_CJK, String.raw`\p{N}`],
  falcon: [ASCII_AND_UNICODE_PUNCTUATION, GPT2, "[0-9][0-9][0-9]"],
  starcoder: [String.raw`\p{N}`, GPT2],
};

/** Other names llama.cpp and tokenizer files use for the same pre-tokenizers. */
const ALIASES: Record<string, string> = {
  gpt2: "gpt-2",
  mpt: "gpt-2",
  "gpt-neox": "gpt-2",
  olmo: "gpt-2",
  jais: "gpt-2",
  "llama-bpe": "llama3",
  "llama-v3": "llama3",
  cl100k: "llama3",
  cl100k_base: "llama3",
  o200k_base: "o200k",
  gpt4o: "o200k",
  r50k_base: "gpt-2",
  p50k_base: "gpt-2",
  dbrx: "llama3",
  smaug: "llama3",
  "smaug-bpe": "llama3",
  "qwen2.5": "qwen2",
  "qwen-2.5": "qwen2",
  "deepseek-r1-qwen": "qwen2",
  refact: "starcoder",
  "command-r": "starcoder",
  smollm: "starcoder",
  codeshell: "starcoder",
  exaone: "starcoder",
  minerva: "starcoder",
};

export const PRE_TOKENIZER_NAMES: readonly string[] = [...Object.keys(PATTERNS), ...Object.keys(ALIASES)];

/** Rewrites `\s`/`\S` to Unicode White_Space so all engines agree on U+0085, U+FEFF and friends. */
function toUnicodeRegex(pattern: string): RegExp {
  const rewritten = pattern
    .replaceAll(String.raw`\s`, String.raw`\p{White_Space}`)
    .replaceAll(String.raw`\S`, String.raw`\P{White_Space}`);
  return new RegExp(rewritten, "gu");
}

export interface PreTokenizer {
  readonly name: string;
  split(text: string): string[];
}

/** `(?i:'s|…)` as tokenizer.json files write the contractions, spelled the way PATTERNS spells them. */
const INLINE_CASE_CONTRACTIONS = "(?i:'s|'t|'re|'ve|'m|'ll|'d)";

/**
 * The pre-tokenizer a tokenizer.json description stands for (`Sequence+Split+ByteLevel:<regex>` as the
 * tokread reader writes it): its regex compared with the known ones, or plain `ByteLevel` → gpt-2.
 */
function fromTokenizerJson(description: string): string | undefined {
  const colon = description.indexOf(":");
  const kinds = colon < 0 ? description : description.slice(0, colon);
  if (colon < 0) return kinds === "ByteLevel" ? "gpt-2" : undefined;
  const pattern = description
    .slice(colon + 1)
    .replace(`${INLINE_CASE_CONTRACTIONS}?`, CONTRACTION_SUFFIX)
    .replace(INLINE_CASE_CONTRACTIONS, CONTRACTIONS_ANY_CASE);
  for (const [name, patterns] of Object.entries(PATTERNS)) {
    if (patterns.length === 1 && patterns[0] === pattern) return name;
  }
  return undefined;
}

/** The split patterns of a known pre-tokenizer (by any of its names), in order; undefined when unknown. */
export function preTokenizerPatterns(name: string): readonly string[] | undefined {
  const canonical = canonicalPreTokenizer(name);
  return canonical === undefined ? undefined : PATTERNS[canonical];
}

/** Canonical pre-tokenizer name for a GGUF/tokenizer.json name, or undefined when unknown. */
export function canonicalPreTokenizer(name: string): string | undefined {
  if (name in PATTERNS) return name;
  return ALIASES[name] ?? fromTokenizerJson(name);
}

export function createPreTokenizer(name: string): PreTokenizer {
  const canonical = canonicalPreTokenizer(name);
  const patterns = canonical === undefined ? undefined : PATTERNS[canonical];
  if (canonical === undefined || patterns === undefined) {
    throw new UsageError(`unknown pre-tokenizer '${name}' (known: ${PRE_TOKENIZER_NAMES.join(", ")})`, {
      field: "tokenizer.ggml.pre",
    });
  }
  return createPreTokenizerFromPatterns(canonical, patterns);
}

/**
 * Regex syntax of tokenizer.json (Oniguruma) that JavaScript lacks and would run differently:
 * possessive quantifiers (`a++`, `a*+`, `a{2}+`), atomic groups `(?>…)` and inline flags `(?i…)`.
 * Character classes and `\p{…}` escapes are skipped over, so `[*+]` and `\p{L}+` are fine.
 */
export function unsupportedRegexSyntax(pattern: string): string | undefined {
  let inClass = false;
  let afterQuantifier = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === "\\") {
      const next = pattern[i + 1];
      if ((next === "p" || next === "P") && pattern[i + 2] === "{") {
        const close = pattern.indexOf("}", i);
        i = close < 0 ? pattern.length : close;
      } else i++;
      afterQuantifier = false;
      continue;
    }
    if (inClass) {
      if (char === "]") inClass = false;
      continue;
    }
    if (char === "[") {
      inClass = true;
      afterQuantifier = false;
      continue;
    }
    if (char === "+" && afterQuantifier) return "a possessive quantifier";
    if (char === "(" && pattern.startsWith("(?>", i)) return "an atomic group";
    if (char === "(" && /^\(\?[imsx-]+[:)]/.test(pattern.slice(i))) return "an inline flag";
    if (char === "{") {
      const close = pattern.indexOf("}", i);
      if (close > 0 && /^\{\d+(,\d*)?\}$/.test(pattern.slice(i, close + 1))) {
        i = close;
        afterQuantifier = true;
        continue;
      }
    }
    afterQuantifier = char === "*" || char === "+" || char === "?";
  }
  return undefined;
}

/**
 * A pre-tokenizer from a list of split patterns as a tokenizer.json writes them (each splits every
 * piece into its matches and the gaps between, Hugging Face's `Split` with behavior `Isolated`).
 * `(?i:'s|…)` contractions are spelled out (Node 20 has no inline flags); throws UsageError on syntax
 * JavaScript would run differently.
 */
export function createPreTokenizerFromPatterns(name: string, patterns: readonly string[]): PreTokenizer {
  const regexes = patterns.map((pattern) => {
    const spelled = pattern
      .replace(`${INLINE_CASE_CONTRACTIONS}?`, CONTRACTION_SUFFIX)
      .replace(INLINE_CASE_CONTRACTIONS, CONTRACTIONS_ANY_CASE);
    const unsupported = unsupportedRegexSyntax(spelled);
    if (unsupported !== undefined) {
      throw new UsageError(
        `split pattern ${JSON.stringify(pattern)} uses ${unsupported}, which JavaScript regexes run differently`,
        { field: "pre_tokenizer" },
      );
    }
    try {
      return toUnicodeRegex(spelled);
    } catch (error) {
      throw new UsageError(
        `split pattern ${JSON.stringify(pattern)} is not a valid regex: ${(error as Error).message}`,
        {
          field: "pre_tokenizer",
        },
      );
    }
  });
  return {
    name,
    split(text: string): string[] {
      let pieces = text === "" ? [] : [text];
      for (const regex of regexes) pieces = pieces.flatMap((piece) => splitKeepingGaps(piece, regex));
      return pieces;
    },
  };
}

function splitKeepingGaps(text: string, regex: RegExp): string[] {
  const out: string[] = [];
  let last = 0;
  for (const match of text.matchAll(regex)) {
    const start = match.index;
    if (match[0] === "") continue;
    if (start > last) out.push(text.slice(last, start));
    out.push(match[0]);
    last = start + match[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

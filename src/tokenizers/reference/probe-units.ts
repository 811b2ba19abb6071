/**
 * Short text units whose token counts separate tokenizer families. The API probe sends each unit
 * repeated k times (see {@link repeatUnit}) and regresses the server's `usage.prompt_tokens` on k:
 * the slope is the marginal token count of one more repetition, which
 * `unit-counts.generated.ts` records for every reference family.
 */

export type ProbeUnitCategory =
  | "cjk"
  | "japanese"
  | "korean"
  | "emoji"
  | "code"
  | "rare-unicode"
  | "number"
  | "whitespace"
  | "latin"
  | "cyrillic"
  | "arabic"
  | "indic"
  | "other-script"
  | "english"
  | "compatibility";

export interface ProbeUnit {
  /** Stable identifier used as the key in the generated count table. */
  id: string;
  category: ProbeUnitCategory;
  /** The unit itself. */
  text: string;
  /**
   * What goes between repetitions. A space for ordinary units, so every repetition after the first
   * is ` unit` (a word-initial piece in every family); `x` for whitespace units so that runs stay
   * separate.
   */
  separator: string;
}

function unit(id: string, category: ProbeUnitCategory, text: string, separator = " "): ProbeUnit {
  return { id, category, text, separator };
}

export const PROBE_UNITS: readonly ProbeUnit[] = [
  unit("zh-nihao", "cjk", "你好"),
  unit("zh-prc", "cjk", "中华人民共和国"),
  unit("zh-idiom", "cjk", "车水马龙"),
  unit("zh-rare", "cjk", "龘"),
  unit("zh-de", "cjk", "的"),
  unit("zh-sentence", "cjk", "我们今天去公园散步。"),
  unit("zh-bridge", "cjk", "南京市长江大桥"),
  unit("ja-hello", "japanese", "こんにちは"),
  unit("ja-tokyo", "japanese", "東京タワー"),
  unit("ja-katakana", "japanese", "カタカナ"),
  unit("ko-hello", "korean", "안녕하세요"),
  unit("ko-korean", "korean", "한국어"),
  unit("emoji-grin", "emoji", "😀"),
  unit("emoji-family-zwj", "emoji", "👨‍👩‍👧‍👦"),
  unit("emoji-rainbow-flag", "emoji", "🏳️‍🌈"),
  unit("emoji-skin-tone", "emoji", "👍🏽"),
  unit("emoji-parrot", "emoji", "🦜"),
  unit("code-python-def", "code", "def main():"),
  unit("code-js-log", "code", "console.log(x);"),
  unit("code-c-include", "code", "#include <stdio.h>"),
  unit("code-c-for", "code", "for (int i = 0; i < n; i++) {"),
  unit("code-html", "code", "</div>"),
  unit("code-indent-return", "code", "    return None", "\n"),
  unit("rare-contour-integral", "rare-unicode", "∮"),
  unit("rare-fraktur", "rare-unicode", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢"),
  unit("rare-runic", "rare-unicode", "ᚠᚢᚦ"),
  unit("rare-braille", "rare-unicode", "⠁⠃⠉"),
  unit("rare-multiocular-o", "rare-unicode", "ꙮ"),
  unit("num-1", "number", "7"),
  unit("num-2", "number", "42"),
  unit("num-4", "number", "1234"),
  unit("num-7", "number", "1000000"),
  unit("num-pi", "number", "3.14159265"),
  unit("num-date", "number", "2024-01-15"),
  unit("ws-4-spaces", "whitespace", "    ", "x"),
  unit("ws-8-spaces", "whitespace", "        ", "x"),
  unit("ws-2-tabs", "whitespace", "\t\t", "x"),
  unit("ws-2-newlines", "whitespace", "\n\n", "x"),
  unit("latin-cafe", "latin", "café"),
  unit("latin-naive-resume", "latin", "naïve résumé"),
  unit("latin-angstrom", "latin", "Ångström"),
  unit("latin-lodz", "latin", "Łódź"),
  unit("latin-strasse", "latin", "Straße"),
  unit("cyrillic-privet", "cyrillic", "Привет"),
  unit("cyrillic-zdravstvuyte", "cyrillic", "здравствуйте"),
  unit("arabic-marhaba", "arabic", "مرحبا"),
  unit("hebrew-shalom", "other-script", "שלום"),
  unit("devanagari-namaste", "indic", "नमस्ते"),
  unit("thai-sawasdee", "other-script", "สวัสดี"),
  unit("greek-kalimera", "other-script", "Καλημέρα"),
  unit("en-hello", "english", "hello"),
  unit("en-the", "english", "the"),
  unit("en-long-word", "english", "antidisestablishmentarianism"),
  unit("compat-fi-ligature", "compatibility", "ﬁ"),
  unit("compat-circled-digits", "compatibility", "①②③"),
  unit("compat-fullwidth", "compatibility", "ｈｅｌｌｏ"),
];

/** The text the probe sends for `k` repetitions of `unit`: `k` copies joined by the unit's separator. */
export function repeatUnit(unit: ProbeUnit, k: number): string {
  return Array.from({ length: k }, () => unit.text).join(unit.separator);
}

/** Repetition counts the generated table records counts for. */
export const RECORDED_REPETITIONS = [1, 2, 3, 4] as const;

/**
 * Default probe units: short texts on which common tokenizer families disagree (CJK, rare Han
 * characters, emoji, indentation runs, digits, non-Latin scripts). Repetition counts are kept small
 * so a probe costs units × ks requests of a few dozen tokens each.
 */
import type { ProbeUnit } from "./reference.js";

export const DEFAULT_KS: readonly number[] = [1, 2, 4];

export const DEFAULT_UNITS: readonly ProbeUnit[] = [
  { id: "cjk-common", kind: "cjk", text: "你好世界" },
  { id: "cjk-rare", kind: "rare-unicode", text: "龘靐齉爩" },
  { id: "emoji", kind: "emoji", text: "🦄🧬" },
  { id: "code-indent", kind: "code", text: "    return x;\n" },
  { id: "code-tabs", kind: "code", text: "\t\tif (a) {\n" },
  { id: "digits", kind: "digits", text: "1234567 " },
  { id: "english", kind: "latin", text: "the tokenizer " },
  { id: "accents", kind: "latin", text: "ünïcödé " },
  { id: "cyrillic", kind: "script", text: "привет мир " },
  { id: "korean", kind: "script", text: "안녕하세요 " },
  { id: "thai", kind: "script", text: "ก่อนหน้านี้" },
];

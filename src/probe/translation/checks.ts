/** Small answer checks shared by the translation probes. */

/** Text without whitespace, for comparisons that should not care about spacing. */
export function compact(text: string): string {
  return text.replace(/\s+/g, "");
}

export function containsCompact(answer: string, expected: string): boolean {
  return compact(answer).includes(compact(expected));
}

const HAN = /\p{Script=Han}/u;

export function hasHan(text: string): boolean {
  return HAN.test(text);
}

/** First character of each non-empty line, after list markers, quotes and numbering are removed. */
export function lineInitials(answer: string): string[] {
  return answer
    .split("\n")
    .map((line) => line.replace(/^[\s\d.、:：)）(（*#>"“”'‘’\-•]+/u, ""))
    .filter((line) => line !== "")
    .map((line) => [...line][0] ?? "");
}

/** First word of each non-empty line, lower-cased. */
export function lineFirstWords(answer: string): string[] {
  return answer
    .split("\n")
    .map((line) => line.replace(/^[\s\d.:)(*#>"'\-•]+/, ""))
    .filter((line) => line !== "")
    .map((line) => (line.split(/[^A-Za-z]+/)[0] ?? "").toLowerCase());
}

/** Pinyin with tone marks, or tone numbers, for comparison: lower-case, no spaces or apostrophes. */
export function pinyinKey(text: string): string {
  return text.toLowerCase().replace(/[\s'’-]+/g, "");
}

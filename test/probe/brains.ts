/**
 * Scripted "models" for the test servers. The honest brain really performs the surface-form tasks
 * on the Chinese text (echo, Han count, max-match segmentation, small radical/pinyin tables); the
 * translation wrapper first turns Chinese into English with a small dictionary (losing surface form,
 * correcting typos), answers in English, then translates the answer back word by word.
 */

export type Brain = (messages: readonly { role: string; content: string }[]) => string;

const RADICALS: Record<string, string> = { 湖: "氵", 桥: "木", 想: "心" };
const PINYIN: Record<string, string> = { 车: "chē", 水: "shuǐ", 马: "mǎ", 龙: "lóng" };
const IDIOMS: Record<string, string> = { 车水马龙: "形容街上车辆行人来往不绝，十分热闹繁华。" };
const HOMOPHONES: Record<string, string> = { 鱼: "余" };
const ZH_WORDS = ["南京市", "长江大桥", "南京", "市长", "长江", "大桥", "江"];
const EN_WORDS = ["new", "york", "city", "hall"];
const STRESS: Record<string, string> = { water: "first", guitar: "second" };
const EN_IDIOMS: Record<string, string> = { "raining cats and dogs": "It means it is raining very heavily." };
const EN_PUNS: Record<string, string> = { lettuce: "let us" };
const KINDS: Record<string, string> = { 起重机: "机器", 麻雀: "鸟", sparrow: "bird", crane: "bird" };

function lastUser(messages: readonly { role: string; content: string }[]): string {
  return [...messages].reverse().find((m) => m.role === "user")?.content ?? "";
}

function quoted(text: string): string[] {
  return [...text.matchAll(/[“"]([^”"]+)[”"]/g)].map((m) => m[1]!);
}

/** Greedy longest-match segmentation over a word list. */
function maxMatch(text: string, words: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    const word =
      words.filter((w) => text.startsWith(w, i)).sort((a, b) => b.length - a.length)[0] ?? text[i]!;
    out.push(word);
    i += word.length;
  }
  return out;
}

/** Answers English questions (the controls, and whatever a translation layer produces). */
export function englishSkills(question: string): string | undefined {
  const q = quoted(question);
  if (/repeat the following/i.test(question)) return question.slice(question.lastIndexOf(":") + 1).trim();
  if (/how many letters are in the english word/i.test(question)) return String(q[0]?.length ?? 0);
  if (/first letter of the english word/i.test(question)) return q[0]?.[0] ?? "";
  if (/which syllable of the english word/i.test(question)) return STRESS[q[0] ?? ""];
  if (/first words are, in order/i.test(question))
    return q.map((w) => `${w} comes with its own light`).join("\n");
  if (/english idiom/i.test(question)) return EN_IDIOMS[q[0] ?? ""];
  if (/sounds like which two/i.test(question)) return EN_PUNS[(q[1] ?? "").toLowerCase()];
  if (/^split /i.test(question)) return maxMatch(q[0] ?? "", EN_WORDS).join("/");
  if (/a bird or a machine/i.test(question)) return KINDS[(q[0] ?? "").toLowerCase()];
  if (/count from 1 to (\d+)/i.test(question)) {
    const n = Number(/count from 1 to (\d+)/i.exec(question)![1]);
    return Array.from({ length: n }, (_, i) => String(i + 1)).join(" ");
  }
  return undefined;
}

/** Answers Chinese surface-form questions by working on the characters themselves. */
function chineseSkills(question: string): string | undefined {
  const q = quoted(question);
  if (question.includes("原样重复")) return question.slice(question.lastIndexOf("：") + 1).replace(/。$/, "");
  if (question.includes("几个汉字"))
    return String([...(q[0] ?? "")].filter((c) => /\p{Script=Han}/u.test(c)).length);
  if (question.includes("部首")) return RADICALS[q[0] ?? ""];
  if (question.includes("拼音")) return [...(q[0] ?? "")].map((c) => PINYIN[c] ?? c).join(" ");
  if (question.includes("藏头诗")) return q.map((c) => `${c}风吹过小山村`).join("\n");
  if (question.includes("成语") && question.includes("形容")) return IDIOMS[q[0] ?? ""];
  if (question.includes("谐音")) return [...(q[0] ?? "")].map((c) => HOMOPHONES[c] ?? c).join("");
  if (question.includes("断词")) return maxMatch(q[0] ?? "", ZH_WORDS).join("/");
  if (question.includes("鸟还是")) return KINDS[q[0] ?? ""];
  return undefined;
}

const IDENTITY_QUESTION =
  /who created you|which company developed|你是哪家|创造者|開発|entreprise|Unternehmen/i;

/** A model that answers honestly and says `self` (e.g. "I am Qwen, made by Alibaba Cloud.") when asked. */
export function honestBrain(self: string, selfZh: string): Brain {
  return (messages) => {
    const question = lastUser(messages);
    if (IDENTITY_QUESTION.test(question)) return /[\u4e00-\u9fff]/.test(question) ? selfZh : self;
    return chineseSkills(question) ?? englishSkills(question) ?? "OK.";
  };
}

/** ZH→EN dictionary of the wrapper: it drops what it does not know and silently fixes typos. */
const ZH_EN: Record<string, string> = {
  请原样重复下面这句话: "Repeat the following sentence exactly",
  不要做任何改动: "without any change",
  里面的错别字也要保留: "keeping its typos",
  饕餮: "glutton",
  貔貅: "pixiu",
  我门: "we",
  今天: "today",
  再: "at",
  公园里: "the park",
  完得很开心: "had fun",
  南京市: "Nanjing City",
  长江大桥: "Yangtze River Bridge",
  一共有几个汉字: "how many Chinese characters",
  湖: "lake",
  字的部首是什么: "character radical",
  车水马龙: "car water horse dragon",
  春: "spring",
  夏: "summer",
  秋: "autumn",
  冬: "winter",
  水: "water",
  年年有鱼: "fish every year",
  起重机: "crane",
  是一种鸟还是一种机器: "is a bird or a machine",
  你是哪家公司开发的: "Which company developed you",
  你的创造者是谁: "Who created you",
};
const EN_ZH: Record<string, string> = {
  we: "我们",
  today: "今天",
  at: "在",
  "the park": "公园里",
  "had fun": "玩得很开心",
  glutton: "饕餮",
  pixiu: "貔貅",
  car: "汽车",
  water: "水",
  horse: "马",
  dragon: "龙",
  bird: "鸟",
  spring: "春天",
  summer: "夏天",
  autumn: "秋天",
  winter: "冬天",
};

export function translateZhEn(text: string): string {
  const keys = Object.keys(ZH_EN).sort((a, b) => b.length - a.length);
  let out = "";
  let i = 0;
  while (i < text.length) {
    const key = keys.find((k) => text.startsWith(k, i));
    if (key !== undefined) {
      out += ` ${ZH_EN[key]} `;
      i += key.length;
      continue;
    }
    const char = text[i]!;
    if (char === "：") out += ":";
    else if (/[\x20-\x7e\n]/.test(char)) out += char;
    // Anything else (unknown Han characters, CJK punctuation) is lost in translation.
    i++;
  }
  return out.replace(/ +/g, " ").replace(/ :/g, ":").trim();
}

function translateEnZh(text: string): string {
  const keys = Object.keys(EN_ZH).sort((a, b) => b.length - a.length);
  const pattern = new RegExp(`\\b(${keys.map((k) => k.replace(/ /g, "\\s+")).join("|")})\\b`, "gi");
  return text
    .replace(pattern, (word) => EN_ZH[word.toLowerCase().replace(/\s+/g, " ")] ?? word)
    .replace(/ (?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff]) /g, "");
}

/** A translation front end: Chinese in → English → `inner` English model → back to Chinese. */
export function translationWrapper(self: string): Brain {
  return (messages) => {
    const question = lastUser(messages);
    const chinese = /\p{Script=Han}/u.test(question);
    const english = chinese ? translateZhEn(question) : question;
    const answer = IDENTITY_QUESTION.test(english)
      ? self
      : (englishSkills(english) ?? "I am not sure what you mean.");
    return chinese ? translateEnZh(answer) : answer;
  };
}

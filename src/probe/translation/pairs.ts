/**
 * Chinese surface-form probes, each paired with a control a translation layer would not break.
 * The surface probe's right answer depends on the Chinese characters themselves (their shape,
 * sound, count or exact spelling), which a ZH→EN→ZH pipeline cannot see; the control asks for
 * the same skill in a form that survives translation.
 */
import { containsCompact, lineFirstWords, lineInitials, pinyinKey } from "./checks.js";

export interface TranslationQuestion {
  prompt: string;
  /** What a right answer contains, for the report. */
  expected: string;
  check: (answer: string) => boolean;
}

export interface TranslationPair {
  id: string;
  category: "echo" | "glyph" | "sound" | "form" | "meaning" | "segmentation";
  surface: TranslationQuestion;
  control: TranslationQuestion;
}

export const TRANSLATION_PAIRS: readonly TranslationPair[] = [
  {
    id: "echo-rare",
    category: "echo",
    surface: {
      prompt: "请原样重复下面这句话，不要做任何改动：龘靐齉爩，饕餮貔貅。",
      expected: "龘靐齉爩，饕餮貔貅",
      check: (a) => containsCompact(a, "龘靐齉爩") && containsCompact(a, "饕餮貔貅"),
    },
    control: {
      prompt:
        "Repeat the following sentence exactly, without any change: Quixotic zephyrs jinx bumbling vexed owls.",
      expected: "Quixotic zephyrs jinx bumbling vexed owls.",
      check: (a) => a.includes("Quixotic zephyrs jinx bumbling vexed owls"),
    },
  },
  {
    id: "echo-typo",
    category: "echo",
    surface: {
      prompt: "请原样重复下面这句话，里面的错别字也要保留：我门今天再公园里完得很开心。",
      expected: "我门今天再公园里完得很开心",
      check: (a) => containsCompact(a, "我门今天再公园里完得很开心"),
    },
    control: {
      prompt: "Repeat the following sentence exactly, keeping its typos: Teh wheather was realy nice todya.",
      expected: "Teh wheather was realy nice todya.",
      check: (a) => a.includes("Teh wheather was realy nice todya"),
    },
  },
  {
    id: "char-count",
    category: "form",
    surface: {
      prompt: "“南京市长江大桥”一共有几个汉字？只回答一个阿拉伯数字。",
      expected: "7",
      check: (a) => /(^|[^\d])7([^\d]|$)|七/.test(a),
    },
    control: {
      prompt: 'How many letters are in the English word "bridge"? Answer with one digit only.',
      expected: "6",
      check: (a) => /(^|[^\d])6([^\d]|$)|six/i.test(a),
    },
  },
  {
    id: "radical",
    category: "glyph",
    surface: {
      prompt: "“湖”字的部首是什么？只回答部首。",
      expected: "氵 (三点水)",
      check: (a) => /氵|三点水/.test(a),
    },
    control: {
      prompt: 'What is the first letter of the English word "lake"? Answer with the letter only.',
      expected: "l",
      check: (a) => /^\W*l\b/i.test(a.trim()),
    },
  },
  {
    id: "pinyin",
    category: "sound",
    surface: {
      prompt: "请写出“车水马龙”的汉语拼音，标出声调，只输出拼音。",
      expected: "chē shuǐ mǎ lóng",
      check: (a) => pinyinKey(a).includes("chēshuǐmǎlóng") || pinyinKey(a).includes("che1shui3ma3long2"),
    },
    control: {
      prompt:
        'Which syllable of the English word "water" is stressed, the first or the second? Answer "first" or "second".',
      expected: "first",
      check: (a) => /first/i.test(a) && !/second/i.test(a),
    },
  },
  {
    id: "acrostic",
    category: "form",
    surface: {
      prompt: "写一首四行的藏头诗，每行的第一个字依次是“春”“夏”“秋”“冬”。只输出这四行诗。",
      expected: "lines starting 春 / 夏 / 秋 / 冬",
      check: (a) => lineInitials(a).join("").includes("春夏秋冬"),
    },
    control: {
      prompt:
        'Write four short lines whose first words are, in order, "Spring", "Summer", "Autumn", "Winter". Output only the four lines.',
      expected: "lines starting Spring / Summer / Autumn / Winter",
      check: (a) => lineFirstWords(a).join(" ").includes("spring summer autumn winter"),
    },
  },
  {
    id: "idiom",
    category: "meaning",
    surface: {
      prompt: "成语“车水马龙”形容什么样的景象？用一句话回答。",
      expected: "busy traffic, bustling streets (热闹、繁华、往来不绝)",
      check: (a) => /热闹|繁华|繁忙|川流不息|络绎不绝|来往|往来|拥挤|交通|繁荣|熙熙攘攘|不断/.test(a),
    },
    control: {
      prompt: 'What does the English idiom "raining cats and dogs" mean? Answer in one sentence.',
      expected: "raining heavily",
      check: (a) => /heav|hard|pour|a lot of rain/i.test(a),
    },
  },
  {
    id: "homophone",
    category: "sound",
    surface: {
      prompt: "年画上的“年年有鱼”是和哪个成语谐音的吉祥话？只回答那个成语。",
      expected: "年年有余",
      check: (a) => containsCompact(a, "年年有余"),
    },
    control: {
      prompt:
        'The pun "Lettuce celebrate" works because "lettuce" sounds like which two English words? Answer with the two words only.',
      expected: "let us",
      check: (a) => /let\s*us/i.test(a),
    },
  },
  {
    id: "segmentation",
    category: "segmentation",
    surface: {
      prompt: "“南京市长江大桥”通常应当怎样断词？请用斜杠“/”把词语隔开，只输出结果。",
      expected: "南京市/长江大桥",
      check: (a) => containsCompact(a, "南京市/长江大桥"),
    },
    control: {
      prompt: 'Split "newyorkcityhall" into English words separated by slashes "/". Output only the result.',
      expected: "new/york/city/hall",
      check: (a) => /new\s*\/?\s*york\s*\/\s*city\s*\/\s*hall/i.test(a),
    },
  },
  {
    id: "polysemy",
    category: "meaning",
    surface: {
      prompt: "“起重机”是一种鸟还是一种机器？只回答“鸟”或“机器”。",
      expected: "机器",
      check: (a) => a.includes("机器") && !a.includes("鸟"),
    },
    control: {
      prompt: 'Is a "sparrow" a bird or a machine? Answer "bird" or "machine" only.',
      expected: "bird",
      check: (a) => /bird/i.test(a) && !/machine/i.test(a),
    },
  },
];

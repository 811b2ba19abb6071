/**
 * Names by which chat models refer to their makers and families, in English and Chinese.
 * Family patterns imply their vendor (a model saying "I am Qwen" claims Alibaba).
 */

export interface VendorPattern {
  vendor: string;
  /** Words that name the vendor itself. */
  vendorPattern: RegExp;
  /** Model families of that vendor and the words that name them. */
  families: { family: string; pattern: RegExp }[];
}

export const VENDORS: readonly VendorPattern[] = [
  {
    vendor: "OpenAI",
    vendorPattern: /open\s?ai/i,
    families: [
      { family: "GPT", pattern: /chat\s?gpt|\bgpt(?:-?\d(?:\.\d)?[a-z]?)?\b|\bo[134](?:-mini)?\b/i },
    ],
  },
  { vendor: "Anthropic", vendorPattern: /anthropic/i, families: [{ family: "Claude", pattern: /claude/i }] },
  {
    vendor: "Meta",
    vendorPattern: /\bmeta\b|facebook|脸书/i,
    families: [{ family: "Llama", pattern: /llama|羊驼/i }],
  },
  {
    vendor: "Alibaba",
    vendorPattern: /alibaba|ali\s?cloud|阿里/i,
    families: [{ family: "Qwen", pattern: /qwen|qwq|tongyi|通义|千问/i }],
  },
  { vendor: "DeepSeek", vendorPattern: /deep\s?seek|深度求索/i, families: [] },
  {
    vendor: "Google",
    vendorPattern: /google|谷歌|deepmind/i,
    families: [
      { family: "Gemma", pattern: /gemma/i },
      { family: "Gemini", pattern: /gemini|\bbard\b|\bpalm\b/i },
    ],
  },
  { vendor: "Mistral", vendorPattern: /mistral|mixtral/i, families: [] },
  {
    vendor: "Baidu",
    vendorPattern: /baidu|百度/i,
    families: [{ family: "ERNIE", pattern: /ernie|文心|一言/i }],
  },
  {
    vendor: "iFlytek",
    vendorPattern: /iflytek|i-flytek|讯飞/i,
    families: [{ family: "Spark", pattern: /星火|spark\s?desk|iflytek spark/i }],
  },
  {
    vendor: "Zhipu",
    vendorPattern: /zhipu|智谱/i,
    families: [{ family: "GLM", pattern: /chat\s?glm|\bglm\b|glm-\d|清言/i }],
  },
  {
    vendor: "Moonshot",
    vendorPattern: /moonshot|月之暗面/i,
    families: [{ family: "Kimi", pattern: /kimi/i }],
  },
  {
    vendor: "01.AI",
    vendorPattern: /01\.ai|零一万物|lingyiwanwu/i,
    families: [
      { family: "Yi", pattern: /\byi-(?:\d|large|lightning|medium)|\byi (?:model|large|lightning)/i },
    ],
  },
  { vendor: "Baichuan", vendorPattern: /baichuan|百川/i, families: [] },
  { vendor: "MiniMax", vendorPattern: /minimax|海螺|\babab\d/i, families: [] },
  {
    vendor: "Tencent",
    vendorPattern: /tencent|腾讯/i,
    families: [{ family: "Hunyuan", pattern: /hunyuan|混元/i }],
  },
  {
    vendor: "ByteDance",
    vendorPattern: /byte\s?dance|字节跳动|字节/i,
    families: [{ family: "Doubao", pattern: /doubao|豆包|skylark|云雀/i }],
  },
  { vendor: "xAI", vendorPattern: /\bxai\b|\bx\.ai\b/i, families: [{ family: "Grok", pattern: /grok/i }] },
  {
    vendor: "Microsoft",
    vendorPattern: /microsoft|微软/i,
    families: [
      { family: "Phi", pattern: /\bphi(?:-?\d)?\b/i },
      { family: "WizardLM", pattern: /wizard\s?lm/i },
    ],
  },
  {
    vendor: "Amazon",
    vendorPattern: /amazon|\baws\b|亚马逊/i,
    families: [{ family: "Nova", pattern: /\bnova\b|\btitan\b/i }],
  },
  {
    vendor: "Cohere",
    vendorPattern: /cohere/i,
    families: [{ family: "Command", pattern: /command[- ]r|\baya\b/i }],
  },
  {
    vendor: "Perplexity",
    vendorPattern: /perplexity/i,
    families: [{ family: "Sonar", pattern: /\bsonar\b/i }],
  },
  {
    vendor: "Huawei",
    vendorPattern: /huawei|华为/i,
    families: [{ family: "Pangu", pattern: /pangu|盘古/i }],
  },
  {
    vendor: "SenseTime",
    vendorPattern: /sensetime|商汤/i,
    families: [{ family: "SenseNova", pattern: /sensenova|日日新/i }],
  },
  {
    vendor: "Shanghai AI Lab",
    vendorPattern: /shanghai ai lab|上海人工智能实验室/i,
    families: [{ family: "InternLM", pattern: /internlm|书生/i }],
  },
  {
    vendor: "StepFun",
    vendorPattern: /stepfun|阶跃星辰/i,
    families: [{ family: "Step", pattern: /\bstep-\d/i }],
  },
];

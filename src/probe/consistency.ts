/**
 * Do the probe's sources agree on what model family is behind the API? Three sources name one:
 * what the packager declared (Ollama `/api/show`), what the model says about itself, and which
 * tokenizer the server counts with. Each is mapped to the model families it is compatible with
 * (`FAMILY_EVIDENCE`); two sources contradict when those sets do not meet. The report states the
 * contradiction in terms of the evidence, never who is lying.
 *
 * Conservative by construction: a source is only compared when the table knows what it implies. The
 * `llama` architecture hosts Mistral, Yi, DeepSeek-LLM and many others, so declaring it implies nothing;
 * a vendor whose tokenizer is not among the references (Moonshot, Baidu, …) is not compared with the
 * tokenizer evidence.
 */
import type { OllamaModelInfo } from "./client/ollama.js";
import type { IdentityReport } from "./identity/probe.js";
import type { TokenizerReport } from "./tokenizer/probe.js";

interface FamilyEvidence {
  /** Model family, as the report names it. */
  family: string;
  /** Reference tokenizer families (src/probe/tokenizer) its released models count with. */
  tokenizers: readonly string[];
  /** `details.family` / `general.architecture` values llama.cpp and Ollama use for it. */
  declared: readonly string[];
  /** Self-identification claims naming it: vendor, or `vendor/family`. */
  claims: readonly string[];
}

/**
 * Sources: architecture names from llama.cpp's `LLM_ARCH_NAMES` (src/llama-arch.cpp); tokenizers from
 * each family's released tokenizer files as summarised by the reference table (scripts/gen-reference-*):
 * Qwen1–3 share the 151,643-token BPE; Llama 2 is the 32k SentencePiece, Llama 3 the 128k tiktoken-style
 * BPE; Phi-3 is Llama 2's vocabulary plus 64 tokens (identical counts); GPT models count with
 * gpt-2/p50k/cl100k/o200k; DeepSeek V2/V3, LLM and Coder each ship their own BPE.
 */
export const FAMILY_EVIDENCE: readonly FamilyEvidence[] = [
  {
    family: "Qwen",
    tokenizers: ["qwen2"],
    declared: ["qwen", "qwen2", "qwen2moe", "qwen2vl", "qwen3", "qwen3moe"],
    claims: ["Alibaba", "Alibaba/Qwen"],
  },
  {
    family: "Llama",
    tokenizers: ["llama-2", "llama-3"],
    declared: ["llama4"],
    claims: ["Meta", "Meta/Llama"],
  },
  {
    family: "GPT",
    tokenizers: ["gpt-2", "p50k", "cl100k", "o200k"],
    declared: ["gpt2", "gptoss"],
    claims: ["OpenAI", "OpenAI/GPT"],
  },
  {
    family: "DeepSeek",
    tokenizers: ["deepseek-v3", "deepseek-llm", "deepseek-coder"],
    declared: ["deepseek", "deepseek2"],
    claims: ["DeepSeek"],
  },
  {
    family: "Gemma",
    tokenizers: ["gemma", "gemma-3"],
    declared: ["gemma", "gemma2", "gemma3"],
    claims: ["Google/Gemma"],
  },
  {
    family: "Mistral",
    tokenizers: ["mistral-v1", "mistral-v3", "mistral-tekken"],
    declared: ["mistral3"],
    claims: ["Mistral"],
  },
  { family: "Phi", tokenizers: ["phi-3", "llama-2"], declared: ["phi2", "phi3"], claims: ["Microsoft/Phi"] },
  { family: "Falcon", tokenizers: ["falcon"], declared: ["falcon"], claims: [] },
  { family: "GPT-NeoX", tokenizers: ["gpt-neox"], declared: ["gptneox"], claims: [] },
  { family: "StarCoder", tokenizers: ["starcoder"], declared: ["starcoder", "starcoder2"], claims: [] },
  { family: "Baichuan", tokenizers: ["baichuan"], declared: ["baichuan"], claims: ["Baichuan"] },
  {
    family: "Claude",
    tokenizers: ["claude-legacy"],
    declared: [],
    claims: ["Anthropic", "Anthropic/Claude"],
  },
];

export type EvidenceSource = "declared" | "self-identification" | "tokenizer";

export interface FamilyStatement {
  source: EvidenceSource;
  /** What the source says, in its own terms: `details.family=qwen2`, `Qwen (Alibaba) in 8 of 10 answers`. */
  says: string;
  /** Families it is compatible with (empty when the table cannot tell). */
  families: string[];
}

export interface ConsistencyReport {
  /** `inconsistent` when two sources name families that cannot both be true. */
  status: "consistent" | "inconsistent" | "not enough evidence";
  statements: FamilyStatement[];
  /** One line per contradicting pair of sources. */
  contradictions: string[];
  /** The contradiction in one sentence, strongest evidence first; null when there is none. */
  sentence: string | null;
}

const WEIGHT: Record<EvidenceSource, string> = {
  tokenizer: "strong evidence",
  declared: "declared by the packager",
  "self-identification": "weak evidence",
};

function familiesWhere(test: (entry: FamilyEvidence) => boolean): string[] {
  return FAMILY_EVIDENCE.filter(test).map((entry) => entry.family);
}

function declaredStatement(ollama: OllamaModelInfo | null): FamilyStatement | undefined {
  if (ollama === null) return undefined;
  const names = [...new Set([ollama.family, ollama.architecture].filter((n) => n !== undefined))];
  if (names.length === 0) return undefined;
  const families = familiesWhere((entry) =>
    names.some((name) => entry.declared.includes(name.toLowerCase())),
  );
  const says = [
    ollama.family && `details.family=${ollama.family}`,
    ollama.architecture && `general.architecture=${ollama.architecture}`,
  ]
    .filter(Boolean)
    .join(", ");
  return { source: "declared", says, families };
}

function identityStatement(identity: IdentityReport | null): FamilyStatement | undefined {
  const top = identity?.claims[0];
  // Only a claim most answers make counts as what the model says it is.
  if (identity === null || top === undefined || top.count * 2 <= identity.answers) return undefined;
  const key = top.family === null ? top.vendor : `${top.vendor}/${top.family}`;
  const families = familiesWhere((entry) => entry.claims.includes(key) || entry.claims.includes(top.vendor));
  return {
    source: "self-identification",
    says: `${top.family ?? top.vendor}${top.family ? ` (${top.vendor})` : ""} in ${top.count} of ${identity.answers} answers`,
    families,
  };
}

function tokenizerStatement(tokenizer: TokenizerReport | null): FamilyStatement | undefined {
  if (tokenizer === null || tokenizer.best === null) return undefined;
  const names = [tokenizer.best, ...tokenizer.tiedWith];
  const families = familiesWhere((entry) => names.some((name) => entry.tokenizers.includes(name)));
  return { source: "tokenizer", says: `usage counts match ${names.join(" / ")}`, families };
}

function describe(statement: FamilyStatement): string {
  const families = statement.families.length > 0 ? ` (${statement.families.join(" or ")})` : "";
  return `${statement.says}${families}, ${WEIGHT[statement.source]}`;
}

/** Strongest first: the order a contradiction is told in. */
const STRENGTH: readonly EvidenceSource[] = ["tokenizer", "declared", "self-identification"];

const PHRASE: Record<EvidenceSource, (says: string) => string> = {
  tokenizer: (says) => says,
  declared: (says) => `Ollama /api/show declares ${says}`,
  "self-identification": (says) => `the model names itself ${says}`,
};

function phrase(statement: FamilyStatement): string {
  return `${PHRASE[statement.source](statement.says)} (${statement.families.join(" or ")}; ${WEIGHT[statement.source]})`;
}

const disjoint = (a: FamilyStatement, b: FamilyStatement) =>
  !a.families.some((family) => b.families.includes(family));

/** "A, but B and C": the strongest source in a contradiction against every source it contradicts. */
function contradictionSentence(known: readonly FamilyStatement[]): string | null {
  const ranked = [...known].sort((a, b) => STRENGTH.indexOf(a.source) - STRENGTH.indexOf(b.source));
  const anchor = ranked.find((a) => ranked.some((b) => b !== a && disjoint(a, b)));
  if (anchor === undefined) return null;
  const against = ranked.filter((b) => b !== anchor && disjoint(anchor, b));
  return `${phrase(anchor)}, but ${against.map(phrase).join(" and ")}`;
}

const LABEL: Record<EvidenceSource, string> = {
  declared: "Ollama /api/show",
  "self-identification": "self-identification",
  tokenizer: "tokenizer",
};

/** Compare what the declared metadata, the model's claims and the tokenizer evidence imply. */
export function checkConsistency(
  ollama: OllamaModelInfo | null,
  identity: IdentityReport | null,
  tokenizer: TokenizerReport | null,
): ConsistencyReport {
  const statements = [
    declaredStatement(ollama),
    identityStatement(identity),
    tokenizerStatement(tokenizer),
  ].filter((s): s is FamilyStatement => s !== undefined);
  const known = statements.filter((s) => s.families.length > 0);
  const contradictions: string[] = [];
  for (let i = 0; i < known.length; i++) {
    for (let j = i + 1; j < known.length; j++) {
      const a = known[i]!;
      const b = known[j]!;
      if (!disjoint(a, b)) continue;
      contradictions.push(`${LABEL[a.source]}: ${describe(a)}; ${LABEL[b.source]}: ${describe(b)}`);
    }
  }
  const status =
    contradictions.length > 0 ? "inconsistent" : known.length >= 2 ? "consistent" : "not enough evidence";
  return { status, statements, contradictions, sentence: contradictionSentence(known) };
}

/** From a free-text answer ("I am ChatGPT, made by OpenAI") to the vendor/family claims it makes. */
import { VENDORS } from "./vendors.js";

export interface IdentityClaim {
  vendor: string;
  /** The model family named, when the answer names one. */
  family: string | undefined;
}

/** Characters before a match searched for a negation ("I am not ChatGPT", "我不是通义千问"). */
const NEGATION_WINDOW = 16;
const CLAUSE_BREAK = /[，。；！？,.;!?\n]/;
const NEGATION = /\b(?:not|never|no)\b|n't\b|不是|并非|并不是|而非|不属于/i;

/** Every vendor an answer claims, once each, in the order they appear; negated mentions do not count. */
export function normaliseIdentity(answer: string): IdentityClaim[] {
  const found: { claim: IdentityClaim; at: number }[] = [];
  for (const entry of VENDORS) {
    const vendorAt = firstAffirmed(answer, entry.vendorPattern);
    let family: string | undefined;
    let familyAt = Number.POSITIVE_INFINITY;
    for (const candidate of entry.families) {
      const at = firstAffirmed(answer, candidate.pattern);
      if (at < familyAt) {
        familyAt = at;
        family = candidate.family;
      }
    }
    const at = Math.min(vendorAt, familyAt);
    if (Number.isFinite(at)) found.push({ claim: { vendor: entry.vendor, family }, at });
  }
  return found.sort((a, b) => a.at - b.at).map((entry) => entry.claim);
}

/** The main claim of an answer: the first vendor it names, or undefined ("Humans", "God", refusals). */
export function primaryClaim(answer: string): IdentityClaim | undefined {
  return normaliseIdentity(answer)[0];
}

function firstAffirmed(text: string, pattern: RegExp): number {
  const global = new RegExp(
    pattern.source,
    pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`,
  );
  for (const match of text.matchAll(global)) {
    // Only the same clause counts: "我不是通义千问，我是文心一言" negates Qwen, not ERNIE.
    const before =
      text
        .slice(Math.max(0, match.index - NEGATION_WINDOW), match.index)
        .split(CLAUSE_BREAK)
        .at(-1) ?? "";
    if (!NEGATION.test(before)) return match.index;
  }
  return Number.POSITIVE_INFINITY;
}

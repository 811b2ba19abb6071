/** The plain-English explanation of a vocabulary comparison. */
import { formatCount, formatPercent } from "../../report/format.js";
import { isEditedCopy } from "./relation-rules.js";
import { ORDER_AGREEMENT_FOR_COMMON_ORIGIN } from "./thresholds.js";
import type { VocabularyComparison } from "./types.js";

const count = formatCount;
/** "1 token", "2 tokens" (`plural` defaults to the word plus s). */
const counted = (n: number, word: string, plural = `${word}s`) => `${count(n)} ${n === 1 ? word : plural}`;
const percent = formatPercent;
const fixed = (value: number | undefined) => (value === undefined ? "n/a" : value.toFixed(3));

function specialDifferences(c: Omit<VocabularyComparison, "explanation">): string {
  const differing = c.special.filter(
    (s) => s.a !== undefined && s.b !== undefined && !(s.sameToken && s.sameId),
  );
  if (differing.length === 0) return "";
  const parts = differing.map(
    (s) =>
      `${s.role} is ${JSON.stringify(s.a!.token)} (id ${s.a!.id}) vs ${JSON.stringify(s.b!.token)} (id ${s.b!.id})`,
  );
  return ` Special tokens differ: ${parts.join("; ")}.`;
}

/** " apart from 1 ordinary token edited in place (id 15,043: "▁Helloo" vs "▁Hello") and 2 special
 * tokens renamed in place", or "" when no id differs. */
function editsText(c: Omit<VocabularyComparison, "explanation">): string {
  if (c.differingIds === 0) return "";
  const special = c.differingIds - c.differingContentIds;
  const listed = (ordinary: boolean) =>
    c.edits
      .filter((edit) => edit.ordinary === ordinary)
      .slice(0, 3)
      .map((edit) => `id ${count(edit.id)}: ${JSON.stringify(edit.a)} vs ${JSON.stringify(edit.b)}`)
      .join("; ");
  const parts: string[] = [];
  if (c.differingContentIds > 0) {
    parts.push(`${counted(c.differingContentIds, "ordinary token")} edited in place (${listed(true)})`);
  }
  if (special > 0) {
    parts.push(`${counted(special, "special token")} renamed in place (${listed(false)})`);
  }
  return ` apart from ${parts.join(" and ")}`;
}

/** " (evidence)" or "" when there is none to cite. */
function parenthesised(text: string): string {
  return text === "" ? "" : ` (${text})`;
}

function orderEvidence(c: Omit<VocabularyComparison, "explanation">): string {
  const parts: string[] = [];
  if (c.orderAgreement !== undefined) {
    parts.push(
      `order agreement ${fixed(c.orderAgreement)} over ${count(c.sharedMergedTokens)} shared merged tokens`,
    );
  }
  if (c.merges !== undefined) {
    parts.push(`${percent(c.merges.share)} of merges in common, in order ${fixed(c.merges.orderAgreement)}`);
  }
  return parts.join(", ");
}

export function explainComparison(c: Omit<VocabularyComparison, "explanation">): string {
  const a = c.a.label;
  const b = c.b.label;
  const special = specialDifferences(c);
  switch (c.relation) {
    case "identical": {
      const all =
        c.differingIds === 0 ? `all ${count(c.a.size)} ids hold` : `the ${count(c.a.size)} ids hold`;
      return (
        `${a} and ${b} are the same vocabulary: ${all} the same tokens${editsText(c)}.${special} ` +
        "A shared tokenizer alone does not show shared weights (MPT reused GPT-NeoX's tokenizer and trained its own model)."
      );
    }
    case "extended": {
      const ext = c.extension!;
      const [base, longer] = ext.base === "a" ? [c.a, c.b] : [c.b, c.a];
      const examples = ext.examples.map((token) => JSON.stringify(token)).join(", ");
      return (
        `${longer.label} is ${base.label}'s ${count(base.size)}-token vocabulary with ${counted(ext.appended, "token")} appended ` +
        `(${ext.appended === 1 ? `id ${count(base.size)}: ${examples}` : `ids ${count(base.size)}–${count(longer.size - 1)}, starting ${examples}`}); ` +
        `${count(c.sameIdCount)} of the ${count(base.size)} original ids hold the same token${editsText(c)}.${special} ` +
        "Extending a vocabulary is how a team starts from another's tokenizer (and usually its model)."
      );
    }
    case "renumbered":
      return (
        `${a} and ${b} hold nearly the same tokens (${count(c.sharedTokens)} shared, Jaccard ${fixed(c.jaccard)}) ` +
        `but ${percent(c.sameIdShare)} of ids hold the same token: one is the other renumbered` +
        `${parenthesised(orderEvidence(c))}. Embedding rows must be matched through the token alignment, not by id.${special}`
      );
    case "overlapping":
      if (isEditedCopy(c, Math.min(c.a.size, c.b.size))) {
        const first = c.edits.find((edit) => edit.ordinary);
        const example =
          first === undefined
            ? ""
            : ` (first at id ${count(first.id)}: ${JSON.stringify(first.a)} vs ${JSON.stringify(first.b)})`;
        return (
          `${a} and ${b} hold the same token at ${count(c.sameIdCount)} ids (${percent(c.sameIdShare)} of the smaller) ` +
          `but ${counted(c.differingContentIds, "ordinary token")} ${c.differingContentIds === 1 ? "differs" : "differ"} in place${example}: one is the other with tokens replaced, ` +
          `not a copy.${special}`
        );
      }
      return (
        `${a} and ${b} share ${count(c.sharedTokens)} tokens, ${percent(c.mergedContainment)} of the smaller one's merged ` +
        `tokens, at other ids (${percent(c.sameIdShare)} at the same id), and learned them in the same order ` +
        `(${[orderEvidence(c), `independently trained tokenizers stay below ${ORDER_AGREEMENT_FOR_COMMON_ORIGIN}`].filter((part) => part !== "").join("; ")}). ` +
        "They share an origin (one cut from the other, or the same trainer and data) with different sizes and ids."
      );
    case "independent": {
      const layout = c.sameIdCount - c.sameIdNormalCount;
      const layoutNote =
        layout > 0
          ? ` (besides ${counted(layout, "byte or special token", "byte and special tokens")} laid out alike, as in any vocabulary of this format)`
          : "";
      return (
        `${a} and ${b} share ${count(c.sharedTokens)} tokens (Jaccard ${fixed(c.jaccard)}) but ` +
        `${c.sameIdNormalCount === 0 ? "no ordinary token sits" : c.sameIdNormalCount === 1 ? "only 1 ordinary token sits" : `only ${count(c.sameIdNormalCount)} ordinary tokens sit`} at the same id${layoutNote}, and ` +
        `the order they learned tokens in agrees only as much as any two tokenizers of similar text ` +
        `(${orderEvidence(c) || "too few shared merged tokens to compare order"}; a common origin shows ${ORDER_AGREEMENT_FOR_COMMON_ORIGIN} or more). ` +
        "The overlap is natural, not lineage: they were trained separately."
      );
    }
  }
}

/**
 * Declared lineage checked against the weights. Each model may name its base (model card
 * `base_model`, GGUF `general.base_model.*`, adapter or config fields: `lineage/declared-lineage.ts`);
 * the compare measured whether the two share weights. This says whether the two agree, and gives the
 * measured relation in the Hub's vocabulary (`base_model_relation`) so a user can write it into a card.
 *
 * Measured relation (Hub vocabulary):
 *   same-weights with `quantized` or `dtype-cast`  → quantized
 *   derived with `merged`                          → merge
 *   derived otherwise                              → finetune
 *   identical, same-weights otherwise (a re-stored or disguised copy), inconclusive, architecture-only,
 *   unrelated                                      → none (no base_model_relation describes them)
 * The card lines are suggested for the model the evidence shows came later (`direction`); when nothing
 * shows which came first they are conditional ("if SUSPECT was made from REFERENCE"): shared weights
 * alone never say which model is the base (siblings share a third model's weights).
 * A declared base matches a model when it equals the model's Hub repo id, or its last path part equals
 * the model's folder or file name (case-insensitive): `meta-llama/Llama-2-7b-hf` matches a local folder
 * `Llama-2-7b-hf`.
 */
import { displayName, type ModelSource } from "../formats/model-source.js";
import { type DeclaredLineage, declaredLineage, type HubRelation } from "../lineage/declared-lineage.js";
import type { CompareResult } from "./result.js";

export type Agreement =
  /** A model declares the other as its base and the weights show they share weights. */
  | "agrees"
  /** A model declares the other as its base but the weights show no sign of being shared. */
  | "contradicted"
  /** The weights are shared but neither model declares the other (or declares another base). */
  | "undeclared"
  /** Neither model names the other, and the weights show no sign of being shared: nothing to contradict. */
  | "consistent"
  /** The compare could not decide. */
  | "unknown";

/** Model-card lines (`base_model`, `base_model_relation`) the measurement supports for one of the two. */
export interface CardSuggestion {
  /** Whose model card the lines belong in: the model the evidence shows came later. */
  model: "suspect" | "reference";
  base_model: string;
  base_model_relation: HubRelation;
  /** The weights do not show which came first: the lines hold only if `model` was made from the other
   * (and neither may be: siblings share a third model's weights). */
  conditional: boolean;
}

export interface DeclaredAgreement {
  /** The measured relation in the Hub's vocabulary, or null when none applies (copies, independent). */
  hubRelation: HubRelation | null;
  agreement: Agreement;
  /** One sentence for the report. */
  statement: string;
  /** Card lines to write, when the weights are shared, neither declares the other, and a Hub relation
   * describes them. */
  card?: CardSuggestion;
  suspect: DeclaredLineage;
  reference: DeclaredLineage;
}

const SHARED: ReadonlySet<CompareResult["verdict"]> = new Set(["identical", "same-weights", "derived"]);

/** A `base_model_relation` value as a noun phrase ("a quantized copy"); values outside the Hub's
 * vocabulary are quoted as declared. */
export function relationPhrase(relation: string): string {
  const phrases: Record<string, string> = {
    finetune: "a fine-tune",
    adapter: "an adapter",
    merge: "a merge",
    quantized: "a quantized copy",
  };
  return phrases[relation] ?? `a "${relation}" relation`;
}

/** The measured relation in the Hub's `base_model_relation` vocabulary (see the table above). */
export function hubRelationOf(result: Pick<CompareResult, "verdict" | "tags">): HubRelation | null {
  if (result.verdict === "same-weights") {
    return result.tags.includes("quantized") || result.tags.includes("dtype-cast") ? "quantized" : null;
  }
  if (result.verdict === "derived") return result.tags.includes("merged") ? "merge" : "finetune";
  return null;
}

/** Names a model goes by: its Hub repo id, its path as given, its folder or file name. */
function namesOf(source: ModelSource): string[] {
  const names = [source.path, displayName(source.path)];
  if (source.hfCache !== undefined) names.push(source.hfCache.repo, source.hfCache.repo.split("/").pop()!);
  return names.map((name) => name.toLowerCase());
}

function names(declared: DeclaredLineage, other: ModelSource): boolean {
  const known = namesOf(other);
  return declared.baseModels.some((base) => {
    const lower = base.toLowerCase();
    return known.includes(lower) || known.includes(lower.split("/").pop()!);
  });
}

/** The name a model card would give `source` as its base. */
const cardName = (source: ModelSource) => source.hfCache?.repo ?? displayName(source.path);

/** Card lines for the later model, or conditional lines when no direction was found. */
export function cardSuggestion(
  result: Pick<CompareResult, "direction" | "suspect" | "reference">,
  hubRelation: HubRelation,
  suspect: ModelSource,
  reference: ModelSource,
): CardSuggestion {
  const suspectLater = result.direction?.earlier !== "suspect";
  return {
    model: suspectLater ? "suspect" : "reference",
    base_model: cardName(suspectLater ? reference : suspect),
    base_model_relation: hubRelation,
    conditional: result.direction === null,
  };
}

/** The card lines in words, e.g. "in a-sft's model card: base_model: base-a, base_model_relation:
 * finetune", or "if a-sft was made from base-a, its model card would say: …". */
export function cardSentence(
  card: CardSuggestion,
  result: Pick<CompareResult, "suspect" | "reference">,
): string {
  const later = card.model === "suspect" ? result.suspect : result.reference;
  const earlier = card.model === "suspect" ? result.reference : result.suspect;
  const lines = `base_model: ${card.base_model}, base_model_relation: ${card.base_model_relation}`;
  return card.conditional
    ? `if ${later} was made from ${earlier}, its model card would say: ${lines}; the weights do not show which came first, and both may come from a third model`
    : `in ${later}'s model card: ${lines}`;
}

function describe(side: string, declared: DeclaredLineage): string {
  if (declared.source === undefined) return `${side} declares no base model`;
  const relation = declared.relation === undefined ? "" : ` (${declared.relation})`;
  return `${side} declares ${declared.baseModels.join(", ")}${relation} in ${declared.source}`;
}

/** Compare what both models declare with what `result` measured. */
export async function declaredAgreement(
  result: CompareResult,
  suspect: ModelSource,
  reference: ModelSource,
): Promise<DeclaredAgreement> {
  const [s, r] = await Promise.all([declaredLineage(suspect), declaredLineage(reference)]);
  const hubRelation = hubRelationOf(result);
  const shared = SHARED.has(result.verdict);
  const sNamesR = names(s, reference);
  const rNamesS = names(r, suspect);
  const both = `${describe("the suspect", s)}; ${describe("the reference", r)}`;
  let agreement: Agreement;
  let statement: string;
  let card: CardSuggestion | undefined;
  if (result.verdict === "inconclusive") {
    agreement = "unknown";
    statement = `Declared lineage not checked: the weights are inconclusive (${both}).`;
  } else if (sNamesR || rNamesS) {
    const who = sNamesR ? "The suspect names the reference" : "The reference names the suspect";
    const declared = sNamesR ? s.relation : r.relation;
    if (shared) {
      agreement = "agrees";
      const kind =
        declared !== undefined && hubRelation !== null && declared !== hubRelation
          ? `, though the weights look like ${relationPhrase(hubRelation)} rather than ${relationPhrase(declared)}`
          : "";
      // The declaration names a direction; evidence of the opposite one is said.
      const namedLater = sNamesR ? "suspect" : "reference";
      const against =
        result.direction !== null && result.direction.earlier === namedLater
          ? `; but ${result.direction.evidence}, which points to ${namedLater === "suspect" ? result.suspect : result.reference} as the earlier model`
          : "";
      statement = `${who} as its base, and the weights agree${kind}${against}.`;
    } else {
      agreement = "contradicted";
      statement = `${who} as its base, but the weights show no sign of being shared with it (no more similarity than models trained separately show): the weights do not bear the declaration out.`;
    }
  } else if (shared) {
    agreement = "undeclared";
    card = hubRelation === null ? undefined : cardSuggestion(result, hubRelation, suspect, reference);
    statement = `The weights are shared, but neither model names the other as its base: ${both}${card === undefined ? "" : ` (${cardSentence(card, result)})`}.`;
  } else {
    agreement = "consistent";
    statement = `Neither model names the other as its base, and the weights show no sign of being shared: ${both}.`;
  }
  return {
    hubRelation,
    agreement,
    statement,
    ...(card === undefined ? {} : { card }),
    suspect: s,
    reference: r,
  };
}

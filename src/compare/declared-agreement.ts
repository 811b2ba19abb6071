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
  /** A model declares the other as its base but the weights are independent. */
  | "contradicted"
  /** The weights are shared but neither model declares the other (or declares another base). */
  | "undeclared"
  /** Neither model names the other, and the weights are independent: nothing to contradict. */
  | "consistent"
  /** The compare could not decide. */
  | "unknown";

export interface DeclaredAgreement {
  /** The measured relation in the Hub's vocabulary, or null when none applies (copies, independent). */
  hubRelation: HubRelation | null;
  agreement: Agreement;
  /** One sentence for the report. */
  statement: string;
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
      statement = `${who} as its base, and the weights agree${kind}.`;
    } else {
      agreement = "contradicted";
      statement = `${who} as its base, but the weights are independent of it: the declaration is not borne out.`;
    }
  } else if (shared) {
    agreement = "undeclared";
    const card =
      hubRelation === null
        ? ""
        : ` (in a model card: base_model: ${reference.hfCache?.repo ?? displayName(reference.path)}, base_model_relation: ${hubRelation})`;
    statement = `The weights are shared, but neither model names the other as its base: ${both}${card}.`;
  } else {
    agreement = "consistent";
    statement = `Neither model names the other as its base, and the weights are independent: ${both}.`;
  }
  return { hubRelation, agreement, statement, suspect: s, reference: r };
}

/**
 * What a model says it is built on, read from the places people write it:
 *
 * - the model card's YAML front matter (README.md): `base_model` (a repo id or a list) and
 *   `base_model_relation` (`finetune`, `adapter`, `merge`, `quantized`), the fields the Hugging Face Hub
 *   reads for its model tree (hub-docs, "model-cards.md": when the relation is not given the Hub infers
 *   it: adapter files → adapter, GGUF/quantized weights → quantized, several bases → merge, else
 *   finetune; so do we, and say so);
 * - GGUF metadata (gguf-py `Keys.General`): `general.base_model.count`, `general.base_model.{i}.name`,
 *   `.organization`, `.repo_url`, and `general.finetune`; the converted-from repository
 *   `general.source.huggingface.repository` / `general.source.url` (a GGUF is a quantized copy of it);
 * - configuration: PEFT's `adapter_config.json` `base_model_name_or_path` (an adapter), a config.json
 *   `base_model` field, and transformers' `_name_or_path` (the path the weights were loaded from before
 *   they were saved again: often the base of a fine-tune, a weak statement).
 *
 * Nothing here is evidence about weights: it is what the files claim, to be checked against `compare`.
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import type { ModelSource } from "../formats/model-source.js";

/** The Hub's vocabulary for how a model relates to its base (`base_model_relation`). */
export type HubRelation = "finetune" | "adapter" | "merge" | "quantized";
export const HUB_RELATIONS: readonly HubRelation[] = ["finetune", "adapter", "merge", "quantized"];

export interface LineageStatement {
  /** Where it is written: `README.md front matter`, `GGUF general.base_model`, … */
  source: string;
  baseModels: string[];
  relation: HubRelation | undefined;
  /** The relation was not written but inferred as the Hub infers it. */
  relationInferred: boolean;
  /** A weak statement (e.g. `_name_or_path`, which may just be a local training path). */
  weak: boolean;
}

export interface DeclaredLineage {
  /** The strongest statement's base models (empty when the model declares none). */
  baseModels: string[];
  relation: HubRelation | undefined;
  /** Where the strongest statement is written, or undefined. */
  source: string | undefined;
  /** Every statement found, strongest first. */
  statements: LineageStatement[];
}

/** A model card larger than this is not read (front matter sits at its top; cards are a few KB). */
export const MAX_MODEL_CARD_BYTES = 1024 * 1024;

function strings(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list
    .filter((item): item is string => typeof item === "string" && item.trim() !== "")
    .map((item) => item.trim());
}

function asRelation(value: unknown): HubRelation | undefined {
  return typeof value === "string" && (HUB_RELATIONS as readonly string[]).includes(value.toLowerCase())
    ? (value.toLowerCase() as HubRelation)
    : undefined;
}

/** A Hub repo id from a URL such as `https://huggingface.co/org/name`, else the text as given. */
export function repoIdFromUrl(url: string): string {
  const match = /^https?:\/\/(?:www\.)?(?:huggingface\.co|hf\.co)\/([\w.-]+\/[\w.-]+)/.exec(url.trim());
  return match?.[1] ?? url.trim();
}

/** The YAML front matter of a model card (between a leading `---` line and the next), parsed. */
export function parseFrontMatter(text: string): Record<string, unknown> | undefined {
  const match = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---\s*(?:\r?\n|$)/.exec(text);
  if (match === null) return undefined;
  try {
    const value = parseYaml(match[1]!, { maxAliasCount: 50, prettyErrors: false });
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The Hub's inference when a card names a base but no relation (hub-docs model-cards.md). */
function inferRelation(bases: readonly string[], source: ModelSource): HubRelation {
  if (source.folderEntries.some((name) => /^adapter_(config\.json|model\.(safetensors|bin))$/.test(name)))
    return "adapter";
  if (source.format === "gguf" || source.config?.quantization_config !== undefined) return "quantized";
  return bases.length > 1 ? "merge" : "finetune";
}

async function readCard(folder: string | undefined): Promise<Record<string, unknown> | undefined> {
  if (folder === undefined) return undefined;
  const path = join(folder, "README.md");
  const info = await stat(path).catch(() => undefined);
  if (info === undefined || !info.isFile() || info.size > MAX_MODEL_CARD_BYTES) return undefined;
  return parseFrontMatter(await readFile(path, "utf8"));
}

async function readJson(
  folder: string | undefined,
  name: string,
): Promise<Record<string, unknown> | undefined> {
  if (folder === undefined) return undefined;
  try {
    const path = join(folder, name);
    const info = await stat(path);
    if (!info.isFile() || info.size > MAX_MODEL_CARD_BYTES) return undefined; // a named pipe would hang
    const value = JSON.parse(await readFile(path, "utf8")) as unknown;
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function ggufStatements(metadata: Readonly<Record<string, unknown>>): LineageStatement[] {
  const statements: LineageStatement[] = [];
  const count = Number(metadata["general.base_model.count"] ?? 0);
  const bases: string[] = [];
  for (let i = 0; i < Math.min(Number.isFinite(count) ? count : 0, 64); i++) {
    const url = metadata[`general.base_model.${i}.repo_url`];
    const name = metadata[`general.base_model.${i}.name`];
    const organization = metadata[`general.base_model.${i}.organization`];
    if (typeof url === "string" && url !== "") bases.push(repoIdFromUrl(url));
    else if (typeof name === "string" && name !== "")
      bases.push(typeof organization === "string" && organization !== "" ? `${organization}/${name}` : name);
  }
  if (bases.length > 0) {
    statements.push({
      source: "GGUF general.base_model",
      baseModels: bases,
      relation: bases.length > 1 ? "merge" : "finetune",
      relationInferred: true,
      weak: false,
    });
  }
  const origin =
    metadata["general.source.huggingface.repository"] ??
    metadata["general.source.repo_url"] ??
    metadata["general.source.url"];
  if (typeof origin === "string" && origin !== "") {
    statements.push({
      source: "GGUF general.source",
      baseModels: [repoIdFromUrl(origin)],
      relation: "quantized",
      relationInferred: true,
      weak: false,
    });
  }
  return statements;
}

/** Everything `source` declares about its lineage (never throws on a malformed card: it is ignored). */
export async function declaredLineage(source: ModelSource): Promise<DeclaredLineage> {
  const statements: LineageStatement[] = [];
  const card = await readCard(source.folder);
  if (card !== undefined) {
    const bases = strings(card.base_model);
    if (bases.length > 0) {
      const written = asRelation(card.base_model_relation);
      statements.push({
        source: "README.md front matter",
        baseModels: bases,
        relation: written ?? inferRelation(bases, source),
        relationInferred: written === undefined,
        weak: false,
      });
    }
  }
  if (source.format === "gguf") statements.push(...ggufStatements(source.store.metadata));
  const adapter = await readJson(source.folder, "adapter_config.json");
  const adapterBase = strings(adapter?.base_model_name_or_path);
  if (adapterBase.length > 0) {
    statements.push({
      source: "adapter_config.json",
      baseModels: adapterBase,
      relation: "adapter",
      relationInferred: false,
      weak: false,
    });
  }
  const configBase = strings(source.config?.base_model);
  if (configBase.length > 0) {
    statements.push({
      source: "config.json base_model",
      baseModels: configBase,
      relation: undefined,
      relationInferred: false,
      weak: false,
    });
  }
  const loadedFrom = strings(source.config?._name_or_path).filter((name) => /^[\w.-]+\/[\w.-]+$/.test(name));
  const self = source.hfCache?.repo;
  if (loadedFrom.length > 0 && loadedFrom[0] !== self) {
    statements.push({
      source: "config.json _name_or_path",
      baseModels: loadedFrom,
      relation: undefined,
      relationInferred: false,
      weak: true,
    });
  }
  const strongest = statements.find((statement) => !statement.weak) ?? statements[0];
  return {
    baseModels: strongest?.baseModels ?? [],
    relation: strongest?.relation,
    source: strongest?.source,
    statements,
  };
}

/**
 * What a MODEL argument names, tried in this order (the first that applies wins):
 *
 * 1. `hf://ORG/NAME[@REV][/FILE]` or `https://huggingface.co/ORG/NAME[/tree/REV]` (or a file URL on the
 *    `HF_ENDPOINT` host): a Hugging Face Hub model, read by HTTP ranges (the HF cache first).
 * 2. An existing local path: a folder, a weight file, or an Ollama manifest file (its model blob).
 * 3. A path that is spelled as one: it starts with `/`, `./`, `../` or `~`, or its first component
 *    (`zoo` in `zoo/base-x`) exists here. It is local whether or not the rest exists: when it does not,
 *    an InputNotFoundError says which part is missing, and nothing is asked of the network (a
 *    mistyped local folder must not send its name to the Hub).
 * 4. An Ollama name `[REGISTRY/][NAMESPACE/]NAME[:TAG]` whose manifest exists in `OLLAMA_MODELS`.
 * 5. `ORG/NAME`: a Hub repository id (the HF cache first, else the Hub).
 *
 * So a local path always wins over a Hub id or an Ollama name of the same spelling, and a model already
 * pulled into Ollama wins over a Hub repository of the same `namespace/name`: local things first. When
 * nothing applies, one InputNotFoundError lists what was tried.
 */
import { stat } from "node:fs/promises";
import { dirname } from "node:path";
import { InputNotFoundError, UsageError } from "../errors.js";
import { formatHubAddress, parseExplicitHubAddress, plainRepoId } from "../hub/hub-address.js";
import { hubSettings } from "../hub/hub-settings.js";
import { type HubOpenOptions, openHubModel } from "../hub/open-hub-model.js";
import { type ModelSource, openModelSource } from "./model-source.js";
import {
  findOllamaModel,
  looksLikeOllamaManifest,
  manifestPathOf,
  type OllamaModel,
  ollamaModelsDir,
  parseOllamaName,
  readOllamaManifest,
} from "./ollama-store.js";

export interface ResolveOptions {
  /** Environment to read HF_* and OLLAMA_MODELS from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Revision for Hub models that name none (`--revision`). */
  revision?: string;
  /** Hub client injections (tests: fetch, timeouts). */
  hub?: HubOpenOptions;
}

/** How a MODEL argument was resolved (for messages and reports). */
export type ResolvedKind = "local" | "ollama" | "hub";

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Spellings that only a path has: absolute, relative to here or to the parent, or from home. */
const PATH_SPELLING = /^(\/|\.\.?(\/|$)|~)/;

/**
 * Why `spec` is a local path although it does not exist (its spelling, or its first component existing
 * here), or undefined when it may be an Ollama name or a Hub id.
 */
async function localSpelling(spec: string): Promise<string | undefined> {
  const start = PATH_SPELLING.exec(spec)?.[0];
  if (start === "~") return "spelled with ~, which only a shell expands";
  if (start !== undefined) return `spelled with ${start}`;
  const first = spec.split("/")[0]!;
  if (spec.includes("/") && first !== "" && (await exists(first))) return `since ${first}/ exists here`;
  return undefined;
}

/** The longest existing ancestor of the path `spec` (for the message), or undefined. */
async function existingAncestor(spec: string): Promise<string | undefined> {
  for (let path = dirname(spec); path !== "." && path !== dirname(path); path = dirname(path)) {
    if (await exists(path)) return path;
  }
  return undefined;
}

/** The error for a local path that does not exist: what exists of it, and that the Hub was not asked. */
async function missingLocalPath(spec: string, why: string): Promise<InputNotFoundError> {
  const ancestor = await existingAncestor(spec);
  const found =
    ancestor === undefined ? "" : `: ${ancestor}/ exists but has no ${spec.slice(ancestor.length + 1)}`;
  const hub = plainRepoId(spec) === undefined ? "" : `; write hf://${spec} for the Hub repository`;
  return new InputNotFoundError(
    `no such file or folder${found} (a local path, ${why}: the Hugging Face Hub was not asked${hub})`,
    { file: spec },
  );
}

async function openOllama(spec: string, model: OllamaModel): Promise<ModelSource> {
  const source = await openModelSource(model.blobPath);
  return {
    ...source,
    path: spec,
    ollama: { manifest: model.manifestPath, blob: model.blobPath, otherLayers: model.otherLayers },
  };
}

/**
 * `spec` with `revision` applied: a Hub address or Hub id that names no revision gets it (as
 * `hf://ORG/NAME@REV`); a local path, an Ollama name or an address naming another revision is a UsageError.
 */
export async function withRevision(
  spec: string,
  revision: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const explicit = parseExplicitHubAddress(spec, hubSettings(env).endpoint);
  const local = (await exists(spec)) || (await localSpelling(spec)) !== undefined;
  const address = explicit ?? (local ? undefined : plainRepoId(spec));
  if (
    address === undefined ||
    (explicit === undefined && (await findOllamaModel(spec, ollamaModelsDir(env))) !== undefined)
  ) {
    throw new UsageError(`--revision applies to Hugging Face Hub models; ${spec} is not one`);
  }
  if (address.revision !== undefined && address.revision !== revision) {
    throw new UsageError(`${spec} names revision ${address.revision} but --revision says ${revision}`);
  }
  return formatHubAddress({ ...address, revision });
}

/** Open the model a MODEL argument names (see the order above). */
export async function openModel(spec: string, options: ResolveOptions = {}): Promise<ModelSource> {
  const env = options.env ?? process.env;
  const settings = options.hub?.settings ?? hubSettings(env);
  const hubOptions: HubOpenOptions = {
    ...options.hub,
    settings,
    revision: options.revision ?? options.hub?.revision,
  };
  const explicit = parseExplicitHubAddress(spec, settings.endpoint);
  if (explicit !== undefined) return openHubModel(spec, explicit, hubOptions);
  if (await exists(spec)) {
    if (await looksLikeOllamaManifest(spec)) return openOllama(spec, await readOllamaManifest(spec));
    if (options.revision !== undefined) {
      throw new UsageError(`--revision applies to Hub models, but ${spec} is a local path`);
    }
    return openModelSource(spec);
  }
  const why = await localSpelling(spec);
  if (why !== undefined) throw await missingLocalPath(spec, why);
  const modelsDir = ollamaModelsDir(env);
  const ollama = await findOllamaModel(spec, modelsDir);
  if (ollama !== undefined) return openOllama(spec, ollama);
  const repo = plainRepoId(spec);
  if (repo !== undefined) return openHubModel(spec, repo, hubOptions);
  const name = parseOllamaName(spec);
  const tried = [
    "no such file or folder",
    name === undefined
      ? "not an Ollama model name"
      : `not an Ollama model (no manifest ${manifestPathOf(modelsDir, name)})`,
    "not a Hugging Face repository id (ORG/NAME) or hf:// address",
  ];
  throw new InputNotFoundError(tried.join("; "), { file: spec });
}

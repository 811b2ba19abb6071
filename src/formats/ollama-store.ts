/**
 * Models in Ollama's local store. A name `[REGISTRY/][NAMESPACE/]NAME[:TAG]` (defaults
 * `registry.ollama.ai`, `library`, `latest`, as Ollama's types/model/name.go parses it) is a manifest at
 * `<OLLAMA_MODELS>/manifests/REGISTRY/NAMESPACE/NAME/TAG` (OLLAMA_MODELS defaults to
 * `~/.ollama/models`); its layer of media type `application/vnd.ollama.image.model` names the weights
 * by digest, stored at `<OLLAMA_MODELS>/blobs/sha256-HEX` (older Ollama: `sha256:HEX`): a GGUF file.
 */
import { readFile, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, dirname, join, resolve, sep } from "node:path";
import { FormatError } from "../errors.js";
import { regularFileSize } from "./file-reader.js";

export const OLLAMA_MODEL_MEDIA_TYPE = "application/vnd.ollama.image.model";
export const OLLAMA_DEFAULT_REGISTRY = "registry.ollama.ai";
export const OLLAMA_DEFAULT_NAMESPACE = "library";
export const OLLAMA_DEFAULT_TAG = "latest";
/** A manifest is a few hundred bytes of JSON. */
const MAX_MANIFEST_BYTES = 1024 * 1024;

export interface OllamaName {
  registry: string;
  namespace: string;
  model: string;
  tag: string;
}

export interface OllamaModel {
  name: OllamaName | undefined;
  manifestPath: string;
  /** The GGUF blob holding the weights. */
  blobPath: string;
  /** Media types of the other layers (template, params, license, projector, adapter). */
  otherLayers: string[];
}

/** `OLLAMA_MODELS`, else `~/.ollama/models`. */
export function ollamaModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.OLLAMA_MODELS || join(homedir(), ".ollama", "models");
}

const PART = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const HOST = /^[A-Za-z0-9][A-Za-z0-9.-]*(:\d+)?$/;

/** Parse an Ollama model name; undefined when `text` cannot be one. */
export function parseOllamaName(text: string): OllamaName | undefined {
  const colon = text.lastIndexOf(":");
  const slash = text.lastIndexOf("/");
  const [path, tag] =
    colon > slash ? [text.slice(0, colon), text.slice(colon + 1)] : [text, OLLAMA_DEFAULT_TAG];
  const parts = path.split("/");
  if (parts.length > 3 || !PART.test(tag)) return undefined;
  const model = parts[parts.length - 1]!;
  const namespace = parts.length >= 2 ? parts[parts.length - 2]! : OLLAMA_DEFAULT_NAMESPACE;
  const registry = parts.length === 3 ? parts[0]! : OLLAMA_DEFAULT_REGISTRY;
  if (!PART.test(model) || !PART.test(namespace) || !HOST.test(registry)) return undefined;
  return { registry, namespace, model, tag };
}

export function formatOllamaName(name: OllamaName): string {
  const prefix =
    name.registry === OLLAMA_DEFAULT_REGISTRY
      ? name.namespace === OLLAMA_DEFAULT_NAMESPACE
        ? ""
        : `${name.namespace}/`
      : `${name.registry}/${name.namespace}/`;
  return `${prefix}${name.model}:${name.tag}`;
}

export function manifestPathOf(modelsDir: string, name: OllamaName): string {
  return join(modelsDir, "manifests", name.registry, name.namespace, name.model, name.tag);
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isFile(),
    () => false,
  );
}

/** The models folder a manifest belongs to: the parent of its `manifests` ancestor. */
function modelsDirOf(manifestPath: string): string | undefined {
  const parts = resolve(manifestPath).split(sep);
  const at = parts.lastIndexOf("manifests");
  return at <= 0 ? undefined : parts.slice(0, at).join(sep) || sep;
}

/** Read a manifest and find its model blob. `modelsDir` defaults to the manifest's own store. */
export async function readOllamaManifest(
  manifestPath: string,
  modelsDir = modelsDirOf(manifestPath),
): Promise<OllamaModel> {
  const manifestSize = await regularFileSize(manifestPath);
  if (manifestSize > MAX_MANIFEST_BYTES) {
    throw new FormatError(`${manifestSize}-byte file is not an Ollama manifest`, { file: manifestPath });
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(await readFile(manifestPath, "utf8"));
  } catch (error) {
    throw new FormatError("an Ollama manifest must be JSON", { file: manifestPath, cause: error });
  }
  const layers = (manifest as { layers?: unknown } | null)?.layers;
  if (!Array.isArray(layers))
    throw new FormatError("manifest has no layers", { file: manifestPath, field: "layers" });
  const models = layers.filter(
    (layer) => (layer as { mediaType?: unknown })?.mediaType === OLLAMA_MODEL_MEDIA_TYPE,
  );
  if (models.length !== 1) {
    throw new FormatError(
      `manifest has ${models.length} layers of type ${OLLAMA_MODEL_MEDIA_TYPE}, expected one`,
      {
        file: manifestPath,
        field: "layers",
      },
    );
  }
  const layer = models[0] as { digest?: unknown; size?: unknown };
  const digest =
    typeof layer.digest === "string" ? /^sha256[:-]([0-9a-f]{64})$/.exec(layer.digest)?.[1] : undefined;
  if (digest === undefined) {
    throw new FormatError(`model layer digest ${JSON.stringify(layer.digest)} is not sha256:<64 hex>`, {
      file: manifestPath,
      field: "layers.digest",
    });
  }
  if (modelsDir === undefined) {
    throw new FormatError("the manifest is not inside an Ollama models folder (no manifests/ ancestor)", {
      file: manifestPath,
    });
  }
  const candidates = [
    join(modelsDir, "blobs", `sha256-${digest}`),
    join(modelsDir, "blobs", `sha256:${digest}`),
  ];
  let blobPath: string | undefined;
  for (const candidate of candidates) if (await isFile(candidate)) blobPath = candidate;
  if (blobPath === undefined) {
    throw new FormatError(`the model blob ${candidates[0]} is missing (was the pull interrupted?)`, {
      file: manifestPath,
      field: "layers.digest",
    });
  }
  const size = (await stat(blobPath)).size;
  if (typeof layer.size === "number" && layer.size !== size) {
    throw new FormatError(`the manifest says ${layer.size} bytes but the blob has ${size}`, {
      file: blobPath,
    });
  }
  const otherLayers = layers
    .map((entry) => (entry as { mediaType?: unknown })?.mediaType)
    .filter((type): type is string => typeof type === "string" && type !== OLLAMA_MODEL_MEDIA_TYPE);
  return { name: nameFromManifestPath(manifestPath), manifestPath, blobPath, otherLayers };
}

function nameFromManifestPath(path: string): OllamaName | undefined {
  const tag = basename(path);
  const model = basename(dirname(path));
  const namespace = basename(dirname(dirname(path)));
  const registry = basename(dirname(dirname(dirname(path))));
  return PART.test(tag) && PART.test(model) ? { registry, namespace, model, tag } : undefined;
}

/** The model an Ollama name stands for in `modelsDir`, or undefined when no manifest exists for it. */
export async function findOllamaModel(text: string, modelsDir: string): Promise<OllamaModel | undefined> {
  const name = parseOllamaName(text);
  if (name === undefined) return undefined;
  const manifest = manifestPathOf(modelsDir, name);
  if (!(await isFile(manifest))) return undefined;
  return readOllamaManifest(manifest, modelsDir);
}

/** A local file that is an Ollama manifest (small JSON listing layers with Ollama media types). */
export async function looksLikeOllamaManifest(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined || !info.isFile() || info.size > MAX_MANIFEST_BYTES) return false;
  const text = await readFile(path, "utf8").catch(() => "");
  return text.trimStart().startsWith("{") && text.includes("application/vnd.ollama.image.");
}

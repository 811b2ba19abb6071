/** What the model-reading commands share about the Hub: `--revision`, and a line saying what was fetched. */
import { withRevision } from "../formats/resolve-model.js";
import { sharedTraffic } from "../hub/traffic.js";

export const MODEL_HELP =
  "model folder or weight file (safetensors, GGUF, llama2.c, PyTorch), Hub id ORG/NAME or hf://ORG/NAME[@REV], or Ollama NAME[:TAG]";

export const REVISION_HELP =
  "branch, tag or commit for Hugging Face Hub models that name none (default main)";

/** Each MODEL with `--revision` applied (Hub models only), or the MODELs unchanged. */
export function applyRevision(models: readonly string[], revision: string | undefined): Promise<string[]> {
  if (revision === undefined) return Promise.resolve([...models]);
  return Promise.all(models.map((model) => withRevision(model, revision)));
}

function megabytes(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} kB`;
}

/** One stderr line when anything was asked of the Hub: requests, bytes received, bytes from the cache. */
export function reportHubTraffic(): void {
  const traffic = sharedTraffic;
  if (traffic.requests === 0 && traffic.cachedBytes === 0) return;
  const parts = [`${traffic.requests} request${traffic.requests === 1 ? "" : "s"}`];
  if (traffic.retries > 0) parts.push(`${traffic.retries} retried`);
  if (traffic.cachedBytes > 0) parts.push(`${megabytes(traffic.cachedBytes)} from the cache`);
  const fetched = traffic.bytes === 0 ? "nothing fetched" : `fetched ${megabytes(traffic.bytes)}`;
  process.stderr.write(`lineage: ${fetched} from the Hub (${parts.join(", ")})\n`);
}

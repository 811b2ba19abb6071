/**
 * MODEL arguments that name a Hugging Face Hub repository, spelled the way huggingface_hub and the Hub's
 * web pages spell them:
 *   `ORG/NAME`                                          (only when no such local path exists)
 *   `hf://ORG/NAME[@REV][/PATH]`                         (HfFileSystem's form)
 *   `https://huggingface.co/ORG/NAME[/tree/REV]`         (a repository page, any HF_ENDPOINT host)
 *   `https://huggingface.co/ORG/NAME/(blob|resolve)/REV/PATH` (a file page or download link)
 * Repository ids follow huggingface_hub's `validate_repo_id`: `[\w.-]` characters, one optional
 * namespace, at most 96 characters per part, no `--` or `..`, not ending in `.git`.
 */

export interface HubAddress {
  /** `org/name` (or `name` for the few repositories without a namespace). */
  repo: string;
  /** Branch, tag or commit, when the address names one. */
  revision: string | undefined;
  /** A file inside the repository, when the address names one (e.g. one GGUF of many). */
  file: string | undefined;
}

const PART = /^[\w.-]{1,96}$/;

/** huggingface_hub's repo-id rules (utils/_validators.py `validate_repo_id`). */
export function isRepoId(text: string): boolean {
  const parts = text.split("/");
  if (parts.length < 1 || parts.length > 2) return false;
  if (!parts.every((part) => PART.test(part) && !/^[.-]|[.-]$/.test(part))) return false;
  return !text.includes("--") && !text.includes("..") && !text.endsWith(".git");
}

function cleanFile(path: string | undefined): string | undefined {
  if (path === undefined || path === "") return undefined;
  const parts = path.split("/");
  if (parts.some((part) => part === "" || part === "." || part === "..")) return undefined;
  return parts.map(decodeURIComponent).join("/");
}

/** `hf://ORG/NAME[@REV][/PATH]`; undefined when `text` is not of that form. */
function parseHfUrl(text: string): HubAddress | undefined {
  const match = /^hf:\/\/(?:models\/)?([^/@]+)\/([^/@]+)(?:@([^/]+))?(?:\/(.*))?$/.exec(text);
  if (match === null) return undefined;
  const repo = `${match[1]}/${match[2]}`;
  if (!isRepoId(repo)) return undefined;
  const file = cleanFile(match[4]);
  if (match[4] !== undefined && match[4] !== "" && file === undefined) return undefined;
  return { repo, revision: match[3] === undefined ? undefined : decodeURIComponent(match[3]), file };
}

/** A repository or file page URL on `endpoint`'s host (or huggingface.co). */
function parseWebUrl(text: string, endpoint: string): HubAddress | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const hosts = new Set(["huggingface.co", "hf.co"]);
  try {
    hosts.add(new URL(endpoint).host);
  } catch {
    // A malformed HF_ENDPOINT is reported where it is used.
  }
  if (!/^https?:$/.test(url.protocol) || !hosts.has(url.host)) return undefined;
  const segments = url.pathname.split("/").filter((part) => part !== "");
  if (segments[0] === "models") segments.shift();
  if (segments.length < 2) return undefined;
  const repo = `${segments[0]}/${segments[1]}`;
  if (!isRepoId(repo)) return undefined;
  if (segments.length === 2) return { repo, revision: undefined, file: undefined };
  const kind = segments[2];
  if ((kind === "tree" || kind === "blob" || kind === "resolve") && segments.length >= 4) {
    const revision = decodeURIComponent(segments[3]!);
    const rest = cleanFile(segments.slice(4).join("/"));
    if (kind !== "tree" && rest === undefined) return undefined;
    // A `tree/REV/DIR` page shows a folder: the model is the repository at REV.
    return { repo, revision, file: kind === "tree" ? undefined : rest };
  }
  return undefined;
}

/**
 * The Hub address `text` spells explicitly (`hf://…` or a web URL), undefined otherwise. A plain
 * `ORG/NAME` is not explicit: see `plainRepoId`.
 */
export function parseExplicitHubAddress(text: string, endpoint: string): HubAddress | undefined {
  if (text.startsWith("hf://")) return parseHfUrl(text);
  if (/^https?:\/\//.test(text)) return parseWebUrl(text, endpoint);
  return undefined;
}

/** `ORG/NAME` as a Hub address (a namespace is required, as for every model the Hub serves today). */
export function plainRepoId(text: string): HubAddress | undefined {
  return text.split("/").length === 2 && isRepoId(text)
    ? { repo: text, revision: undefined, file: undefined }
    : undefined;
}

/** The canonical display of an address: `hf://org/name@rev/file`. */
export function formatHubAddress(address: HubAddress): string {
  const revision = address.revision === undefined ? "" : `@${address.revision}`;
  const file = address.file === undefined ? "" : `/${address.file}`;
  return `hf://${address.repo}${revision}${file}`;
}

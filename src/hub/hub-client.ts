/**
 * HTTP to the Hugging Face Hub: repository metadata from `/api/models/ORG/NAME[/revision/REV]` and byte
 * ranges of files from `/ORG/NAME/resolve/COMMIT/FILE`, which the Hub answers with a redirect to its CDN
 * for large files. `fetch` is injected (tests run against a stand-in on 127.0.0.1).
 *
 * - Retries 429 and 5xx (and network failures) with exponential backoff, honouring `Retry-After` (the
 *   policy of the chat-API client, `src/probe/client/retry.ts`); a per-attempt timeout; a concurrency cap.
 * - Redirects are followed by hand so the token only ever goes to the endpoint's own origin, never to a
 *   CDN host; the Range header goes with every hop.
 * - Errors name the repository (and file) and say what to do: 401/403 a token (or access to a gated
 *   repository), 404 which of repository / revision / file is missing (the Hub's `X-Error-Code`).
 * - The token is never put in a message, a cache, a log or a report; error bodies are redacted.
 */
import { ApiError } from "../errors.js";
import { Limiter } from "../probe/client/limiter.js";
import { backoffDelay, isRetryableStatus, parseRetryAfter } from "../probe/client/retry.js";
import { redact } from "../probe/client/transport.js";
import type { HubSettings } from "./hub-settings.js";
import { type HubTraffic, sharedTraffic } from "./traffic.js";

export interface HubClientOptions {
  settings: HubSettings;
  fetch?: typeof fetch;
  /** Per-attempt timeout (default 60 s). */
  timeoutMs?: number;
  /** Attempts after the first (default 4). */
  retries?: number;
  /** First backoff step (default 500 ms) and its ceiling (default 20 s). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A `Retry-After` longer than this fails the request instead of waiting (default 60 s). */
  maxRetryAfterMs?: number;
  /** Requests in flight at once (default 8). */
  concurrency?: number;
  random?: () => number;
  /** Waits between attempts (injected by tests to record them; default a timer). */
  sleep?: (ms: number) => Promise<void>;
  /** Counters this client adds to (default: the process-wide `sharedTraffic`). */
  traffic?: HubTraffic;
}

/** What a metadata request answers, `/api/models/ORG/NAME[/revision/REV]?blobs=true`. */
export interface RepoInfo {
  /** The commit the revision resolves to. */
  sha: string;
  /** Files at that commit with their sizes (`blobs=true`; `lfs.size` for LFS files). */
  files: { name: string; size: number | undefined }[];
  /** The model card's front matter as the Hub parsed it, when it sends it. */
  cardData: Record<string, unknown> | undefined;
  gated: boolean | string | undefined;
}

/** Redirects followed for one request (the Hub → CDN is one). */
const MAX_REDIRECTS = 5;
/** A metadata answer larger than this is not metadata (the largest repos list ~10k files: ~2 MB). */
const MAX_API_BYTES = 32 * 1024 * 1024;

export interface RequestContext {
  repo: string;
  revision?: string;
  file?: string;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

export class HubClient {
  readonly traffic: HubTraffic;
  private readonly limiter: Limiter;
  private readonly fetchImpl: typeof fetch;
  private readonly origin: string;
  /** resolve URL → the CDN URL it last redirected to. */
  private readonly cdnUrls = new Map<string, string>();

  constructor(private readonly options: HubClientOptions) {
    this.traffic = options.traffic ?? sharedTraffic;
    this.limiter = new Limiter(options.concurrency ?? 8);
    this.fetchImpl = options.fetch ?? fetch;
    try {
      this.origin = new URL(options.settings.endpoint).origin;
    } catch (error) {
      throw new ApiError(`HF_ENDPOINT ${JSON.stringify(options.settings.endpoint)} is not a URL`, {
        cause: error,
      });
    }
  }

  get endpoint(): string {
    return this.options.settings.endpoint;
  }

  /** `hf://org/name[@rev][/file]`, the name errors and sources carry. */
  describe(context: RequestContext): string {
    return `hf://${context.repo}${context.revision === undefined ? "" : `@${context.revision}`}`;
  }

  /**
   * Repository metadata at a revision. With `etag` from an earlier answer the request is conditional:
   * `notModified` (and no body) when nothing changed.
   */
  async repoInfo(
    context: RequestContext,
    etag?: string,
  ): Promise<{ info: RepoInfo | undefined; etag: string | undefined; notModified: boolean }> {
    const revision =
      context.revision === undefined ? "" : `/revision/${encodeURIComponent(context.revision)}`;
    const url = `${this.endpoint}/api/models/${context.repo}${revision}?blobs=true`;
    const headers: Record<string, string> = { accept: "application/json" };
    if (etag !== undefined) headers["if-none-match"] = etag;
    return this.limiter.run(async () => {
      const { response } = await this.send(url, headers, context, "repository metadata");
      if (response.status === 304) {
        await response.body?.cancel();
        this.traffic.notModified++;
        return { info: undefined, etag, notModified: true };
      }
      const body = await this.readBody(response, MAX_API_BYTES, context);
      return {
        info: parseRepoInfo(body, this.describe(context)),
        etag: response.headers.get("etag") ?? undefined,
        notModified: false,
      };
    });
  }

  /** `length` bytes of `file` at `commit` from `offset`, the file's total size and its ETag. */
  async range(
    context: RequestContext & { file: string },
    offset: number,
    length: number,
  ): Promise<{ bytes: Uint8Array; size: number | undefined; etag: string | undefined }> {
    const url = `${this.endpoint}/${context.repo}/resolve/${encodeURIComponent(context.revision ?? "main")}/${encodePath(context.file)}`;
    const headers = { range: `bytes=${offset}-${offset + length - 1}`, "accept-encoding": "identity" };
    return this.limiter.run(async () => {
      // The CDN address the Hub redirected this file to last time (signed, valid for a while): asking it
      // directly halves the requests; when it has expired, go through the Hub again.
      const direct = this.cdnUrls.get(url);
      let answer: Answer | undefined;
      if (direct !== undefined) {
        answer = await this.send(direct, headers, context, "byte range").catch((error: unknown) => {
          if (
            error instanceof ApiError &&
            error.status !== undefined &&
            error.status >= 400 &&
            error.status < 500
          ) {
            this.cdnUrls.delete(url);
            return undefined;
          }
          throw error;
        });
      }
      answer ??= await this.send(url, headers, context, "byte range");
      const response = answer.response;
      if (new URL(answer.url).origin !== this.origin) this.cdnUrls.set(url, answer.url);
      const etag = normalizeEtag(response.headers.get("x-linked-etag") ?? response.headers.get("etag"));
      if (response.status === 206) {
        const total = /\/(\d+)\s*$/.exec(response.headers.get("content-range") ?? "")?.[1];
        const bytes = await this.readBody(response, length, context);
        if (bytes.byteLength !== length) {
          throw new ApiError(`asked for ${length} bytes at ${offset}, received ${bytes.byteLength}`, {
            file: this.describe(context),
            field: context.file,
          });
        }
        return { bytes, size: total === undefined ? undefined : Number(total), etag };
      }
      if (offset !== 0) {
        await response.body?.cancel();
        throw new ApiError(`the server ignored the Range request (HTTP ${response.status})`, {
          file: this.describe(context),
          field: context.file,
        });
      }
      // A 200 for a range from 0 (a small file served whole): keep the first `length` bytes.
      const declared = Number(response.headers.get("content-length") ?? Number.NaN);
      const bytes = await this.readBody(response, length, context, true);
      return { bytes, size: Number.isFinite(declared) ? declared : undefined, etag };
    });
  }

  /** One request with retries, redirects by hand and a timeout per attempt; a 2xx or 304 response. */
  private async send(
    url: string,
    headers: Record<string, string>,
    context: RequestContext,
    what: string,
  ): Promise<Answer> {
    const retries = this.options.retries ?? 4;
    let last: ApiError | undefined;
    for (let attempt = 0; attempt <= retries; attempt++) {
      let waitMs: number | undefined;
      let response: Response | undefined;
      let answer: Answer | undefined;
      try {
        answer = await this.follow(url, headers);
        response = answer.response;
      } catch (error) {
        if (error instanceof ApiError) throw error;
        last = networkError(error, context, this.describe(context), what);
      }
      if (response !== undefined) {
        if ((response.status >= 200 && response.status < 300) || response.status === 304) return answer!;
        const body = await this.readErrorBody(response);
        last = hubError(response, body, context, this.describe(context), this.options.settings);
        if (!isRetryableStatus(response.status)) throw last;
        waitMs = parseRetryAfter(response.headers.get("retry-after"));
        const maxWait = this.options.maxRetryAfterMs ?? 60_000;
        if (waitMs !== undefined && waitMs > maxWait) {
          throw new ApiError(
            `HTTP ${response.status}: the Hub asks to wait ${Math.round(waitMs / 1000)} s, more than the ${Math.round(maxWait / 1000)} s allowed (${what})`,
            { file: this.describe(context), field: context.file, status: response.status },
          );
        }
      }
      if (attempt < retries) {
        this.traffic.retries++;
        const random = this.options.random ?? Math.random;
        const backoff = backoffDelay(
          attempt,
          this.options.backoffMs ?? 500,
          this.options.maxBackoffMs ?? 20_000,
          random,
        );
        await (this.options.sleep ?? sleep)(waitMs ?? backoff);
      }
    }
    throw last ?? new ApiError(`${what} failed`, { file: this.describe(context), field: context.file });
  }

  /** Fetch `url`, following redirects; the token goes only to the endpoint's origin. */
  private async follow(url: string, headers: Record<string, string>): Promise<Answer> {
    let current = url;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const target = new URL(current);
      const sent: Record<string, string> = { ...headers };
      if (target.origin === this.origin && this.options.settings.token !== undefined) {
        sent.authorization = `Bearer ${this.options.settings.token}`;
      }
      const controller = new AbortController();
      const timeoutMs = this.options.timeoutMs ?? 60_000;
      const timer = setTimeout(() => controller.abort(), timeoutMs);
      let response: Response;
      try {
        this.traffic.requests++;
        response = await this.fetchImpl(current, {
          headers: sent,
          redirect: "manual",
          signal: controller.signal,
        });
      } catch (error) {
        clearTimeout(timer);
        if (controller.signal.aborted) throw new TimeoutError(`no answer within ${timeoutMs} ms`);
        throw error;
      }
      clearTimeout(timer);
      const location = response.headers.get("location");
      if (response.status >= 300 && response.status < 400 && response.status !== 304 && location !== null) {
        await response.body?.cancel();
        current = new URL(location, current).toString();
        continue;
      }
      return { response, url: current };
    }
    throw new ApiError(`more than ${MAX_REDIRECTS} redirects`);
  }

  /** The body, at most `limit` bytes: more is an error unless `truncate` (then the rest is not read). */
  private async readBody(
    response: Response,
    limit: number,
    context: RequestContext,
    truncate = false,
  ): Promise<Uint8Array> {
    const out = new Uint8Array(limit);
    let filled = 0;
    if (response.body === null) return out.subarray(0, 0);
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const room = limit - filled;
        if (value.byteLength > room) {
          out.set(value.subarray(0, room), filled);
          filled += room;
          this.traffic.bytes += room;
          if (truncate) break;
          throw new ApiError(`the answer is larger than the ${limit} bytes expected`, {
            file: this.describe(context),
            field: context.file,
          });
        }
        out.set(value, filled);
        filled += value.byteLength;
        this.traffic.bytes += value.byteLength;
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
    return out.subarray(0, filled);
  }

  private async readErrorBody(response: Response): Promise<string> {
    try {
      const text = (await response.text()).slice(0, 2000);
      return redact(text, this.options.settings.token);
    } catch {
      return "";
    }
  }
}

class TimeoutError extends Error {}

/** A final (non-redirect) response and the URL that gave it. */
interface Answer {
  response: Response;
  url: string;
}

function networkError(error: unknown, context: RequestContext, where: string, what: string): ApiError {
  const message =
    error instanceof TimeoutError
      ? `timeout: ${error.message}`
      : `network error (${error instanceof Error ? error.message : String(error)}${error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : ""})`;
  return new ApiError(`${message} (${what})`, { file: where, field: context.file });
}

/** ETags as huggingface_hub normalises them: without `W/` and quotes. */
export function normalizeEtag(value: string | null): string | undefined {
  if (value === null) return undefined;
  return (
    value
      .trim()
      .replace(/^W\//, "")
      .replace(/^"(.*)"$/, "$1") || undefined
  );
}

/** The one-line error for a failed Hub answer. */
function hubError(
  response: Response,
  body: string,
  context: RequestContext,
  where: string,
  settings: HubSettings,
): ApiError {
  const status = response.status;
  const code = response.headers.get("x-error-code") ?? "";
  const field = context.file;
  const withToken = settings.tokenSource !== undefined;
  const login = "set HF_TOKEN or run `huggingface-cli login`";
  let message: string;
  if (code === "GatedRepo" || (status === 403 && withToken)) {
    message = withToken
      ? `HTTP ${status}: ${context.repo} is gated or private and the token from ${settings.tokenSource} does not give access (accept its terms on the Hub with that account)`
      : `HTTP ${status}: ${context.repo} is gated: a token is needed (${login}) from an account that accepted its terms`;
  } else if (status === 401 || status === 403) {
    message = withToken
      ? `HTTP ${status}: the token from ${settings.tokenSource} is not accepted for ${context.repo} (private, gated, missing, or the token is wrong)`
      : `HTTP ${status}: ${context.repo} needs a token: it is private or gated (or does not exist); ${login}`;
  } else if (code === "RevisionNotFound") {
    message = `HTTP 404: ${context.repo} has no revision ${JSON.stringify(context.revision ?? "main")}`;
  } else if (code === "EntryNotFound" || (status === 404 && field !== undefined)) {
    message = `HTTP 404: ${context.repo}${context.revision === undefined ? "" : `@${context.revision}`} has no file ${field ?? ""}`;
  } else if (status === 404) {
    message = `HTTP 404: no repository ${context.repo} on ${settings.endpoint}`;
  } else {
    const excerpt = body.replace(/\s+/g, " ").trim().slice(0, 160);
    message = `HTTP ${status}${excerpt === "" ? "" : `: ${excerpt}`}`;
  }
  return new ApiError(message, { file: where, field, status });
}

function parseRepoInfo(body: Uint8Array, where: string): RepoInfo {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new ApiError("repository metadata is not JSON", { file: where });
  }
  const record = (json ?? {}) as Record<string, unknown>;
  if (typeof record.sha !== "string" || !/^[0-9a-f]{40}$/.test(record.sha)) {
    throw new ApiError("repository metadata has no commit sha", { file: where });
  }
  const siblings = Array.isArray(record.siblings) ? record.siblings : [];
  const files: RepoInfo["files"] = [];
  for (const sibling of siblings) {
    const entry = (sibling ?? {}) as Record<string, unknown>;
    if (typeof entry.rfilename !== "string") continue;
    const lfs = (entry.lfs ?? {}) as Record<string, unknown>;
    const size =
      typeof lfs.size === "number" ? lfs.size : typeof entry.size === "number" ? entry.size : undefined;
    files.push({ name: entry.rfilename, size });
  }
  const card = record.cardData;
  return {
    sha: record.sha,
    files: files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    cardData:
      card !== null && typeof card === "object" && !Array.isArray(card)
        ? (card as Record<string, unknown>)
        : undefined,
    gated: typeof record.gated === "boolean" || typeof record.gated === "string" ? record.gated : undefined,
  };
}

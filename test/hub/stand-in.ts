/**
 * A stand-in for the Hugging Face Hub on 127.0.0.1, behaving like the real one where lineage depends on
 * it: `/api/models/ORG/NAME[/revision/REV]` (sha, siblings with sizes, ETag and 304), `/ORG/NAME/resolve/
 * REV/FILE` answering small files itself and large ones with a 302 to a CDN on another origin, 206
 * Range answers with Content-Range, 401 without a token for private repositories, 403 GatedRepo, 404 with
 * `X-Error-Code` RepoNotFound / RevisionNotFound / EntryNotFound, and 429 with Retry-After on demand.
 * Every request is logged (path, range, whether an Authorization header came) for the tests.
 */
import { createHash } from "node:crypto";
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

/** A file's bytes, or a file on disk served by ranges (benchmarks: multi-GB files stay on disk). */
export type StandInFile = Uint8Array | { path: string; size: number };

export interface StandInRepo {
  /** Commit sha → files (name → bytes). */
  commits: Record<string, Record<string, StandInFile>>;
  /** Branch or tag → commit sha. */
  refs: Record<string, string>;
  /** Only this bearer token may read it (401 without, 403 with another). */
  token?: string;
  /** Gated: 403 GatedRepo for every token except `token`. */
  gated?: boolean;
  cardData?: Record<string, unknown>;
}

export interface LoggedRequest {
  server: "hub" | "cdn";
  path: string;
  range: string | undefined;
  authorization: string | undefined;
  status: number;
  bytes: number;
}

export interface StandIn {
  endpoint: string;
  cdn: string;
  log: LoggedRequest[];
  /** Answer the next `count` requests whose path contains `fragment` with 429 (Retry-After: seconds). */
  throttle(fragment: string, count: number, retryAfterSeconds: number): void;
  /** Never answer requests whose path contains `fragment`. */
  hang(fragment: string): void;
  /** Expire every CDN address handed out so far (the CDN answers 403 until the Hub redirects again). */
  expireCdn(): void;
  /** Bytes of file bodies served (206 and 200), over both servers. */
  bytesServed(): number;
  close(): Promise<void>;
}

/** Files served by redirect to the CDN (git LFS on the Hub: weights and anything large). */
function isLfs(name: string, size: number): boolean {
  return /\.(safetensors|gguf|bin|pt|pth|model)$/.test(name) || size > 10 * 1024 * 1024;
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function sizeOf(file: StandInFile): number {
  return file instanceof Uint8Array ? file.byteLength : file.size;
}

/** The content id of a file (sha256 of its bytes; of path and size for a file on disk). */
function contentId(file: StandInFile): string {
  return file instanceof Uint8Array
    ? sha256(file)
    : sha256(new TextEncoder().encode(`${file.path}:${file.size}`));
}

/** A commit sha derived from the files (stable across runs). */
export function commitOf(files: Record<string, StandInFile>): string {
  const hash = createHash("sha1");
  for (const name of Object.keys(files).sort()) hash.update(name).update(contentId(files[name]!));
  return hash.digest("hex");
}

/** The files of a local folder (top level and one level of subfolders), for a stand-in repository;
 * files larger than `onDiskAbove` bytes stay on disk and are served by ranges. */
export function folderFiles(
  folder: string,
  onDiskAbove = Number.POSITIVE_INFINITY,
): Record<string, StandInFile> {
  const files: Record<string, StandInFile> = {};
  const add = (name: string, path: string) => {
    const size = statSync(path).size;
    files[name] = size > onDiskAbove ? { path, size } : new Uint8Array(readFileSync(path));
  };
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) {
      for (const inner of readdirSync(path)) add(`${name}/${inner}`, join(path, inner));
    } else add(name, path);
  }
  return files;
}

/** A repository with one commit, `main` pointing at it. */
export function repoOf(files: Record<string, StandInFile>, extra: Partial<StandInRepo> = {}): StandInRepo {
  const sha = commitOf(files);
  return { commits: { [sha]: files }, refs: { main: sha }, ...extra };
}

function listen(server: Server, port = 0): Promise<string> {
  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    );
  });
}

function slice(file: StandInFile, start: number, end: number): Uint8Array {
  if (file instanceof Uint8Array) return file.subarray(start, end);
  const out = new Uint8Array(end - start);
  const fd = openSync(file.path, "r");
  try {
    readSync(fd, out, 0, out.byteLength, start);
  } finally {
    closeSync(fd);
  }
  return out;
}

function sendRange(
  request: IncomingMessage,
  response: ServerResponse,
  file: StandInFile,
  headers: Record<string, string>,
): number {
  const size = sizeOf(file);
  const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? "");
  if (range === null) {
    response.writeHead(200, { ...headers, "content-length": String(size) });
    response.end(Buffer.from(slice(file, 0, size)));
    return size;
  }
  const start = Number(range[1]);
  const end = range[2] === "" ? size - 1 : Math.min(Number(range[2]), size - 1);
  if (start >= size || end < start) {
    response.writeHead(416, { "content-range": `bytes */${size}` });
    response.end();
    return 0;
  }
  const body = slice(file, start, end + 1);
  response.writeHead(206, {
    ...headers,
    "content-range": `bytes ${start}-${end}/${size}`,
    "content-length": String(body.byteLength),
  });
  response.end(Buffer.from(body));
  return body.byteLength;
}

/** Start the Hub (on `port`, default any free port) and its CDN (the next free port). */
export async function startStandIn(repos: Record<string, StandInRepo>, port?: number): Promise<StandIn> {
  const log: LoggedRequest[] = [];
  const throttles: { fragment: string; count: number; seconds: number }[] = [];
  const hangs: string[] = [];
  const blobs = new Map<string, StandInFile>();
  const pending = new Set<ServerResponse>();
  let cdnUrl = "";

  const record = (
    server: LoggedRequest["server"],
    request: IncomingMessage,
    status: number,
    bytes: number,
  ) => {
    log.push({
      server,
      path: request.url ?? "",
      range: request.headers.range,
      authorization: request.headers.authorization,
      status,
      bytes,
    });
  };
  const fail = (
    request: IncomingMessage,
    response: ServerResponse,
    status: number,
    code?: string,
    message = "",
  ) => {
    response.writeHead(status, {
      "content-type": "application/json",
      ...(code === undefined ? {} : { "x-error-code": code }),
    });
    response.end(JSON.stringify({ error: message || code || `HTTP ${status}` }));
    record("hub", request, status, 0);
  };

  const hub = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://stand-in");
    const path = decodeURIComponent(url.pathname);
    if (hangs.some((fragment) => path.includes(fragment))) {
      pending.add(response);
      return;
    }
    const throttle = throttles.find((entry) => entry.count > 0 && path.includes(entry.fragment));
    if (throttle !== undefined) {
      throttle.count--;
      response.writeHead(429, { "retry-after": String(throttle.seconds) });
      response.end("slow down");
      record("hub", request, 429, 0);
      return;
    }
    const api = /^\/api\/models\/([^/]+\/[^/]+)(?:\/revision\/([^/]+))?$/.exec(path);
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    const repoId = api?.[1] ?? resolve?.[1];
    const repo = repoId === undefined ? undefined : repos[repoId];
    if (repoId === undefined) return fail(request, response, 404);
    if (repo === undefined) {
      // The real Hub answers 401 for a repository it does not show you, and 404 (RepoNotFound) when logged in.
      return request.headers.authorization === undefined
        ? fail(request, response, 401, "RepoNotFound", "Invalid username or password.")
        : fail(request, response, 404, "RepoNotFound", "Repository not found");
    }
    if (repo.token !== undefined && request.headers.authorization !== `Bearer ${repo.token}`) {
      if (request.headers.authorization === undefined) return fail(request, response, 401, "RepoNotFound");
      // Echo the presented credential, as a careless server might: the client must not repeat it.
      const echoed = `token ${request.headers.authorization} refused`;
      return repo.gated
        ? fail(request, response, 403, "GatedRepo", echoed)
        : fail(request, response, 403, undefined, echoed);
    }
    const revision = api?.[2] ?? resolve?.[2] ?? "main";
    const sha = repo.commits[revision] !== undefined ? revision : repo.refs[revision];
    const files = sha === undefined ? undefined : repo.commits[sha];
    if (sha === undefined || files === undefined) return fail(request, response, 404, "RevisionNotFound");
    if (api !== null) {
      const etag = `"${sha}"`;
      if (request.headers["if-none-match"] === etag) {
        response.writeHead(304, { etag });
        response.end();
        record("hub", request, 304, 0);
        return;
      }
      const body = JSON.stringify({
        id: repoId,
        sha,
        private: repo.token !== undefined,
        gated: repo.gated === true ? "manual" : false,
        cardData: repo.cardData,
        siblings: Object.entries(files).map(([name, file]) => ({
          rfilename: name,
          size: sizeOf(file),
          ...(isLfs(name, sizeOf(file)) ? { lfs: { size: sizeOf(file), sha256: contentId(file) } } : {}),
        })),
      });
      response.writeHead(200, { "content-type": "application/json", etag });
      response.end(body);
      record("hub", request, 200, body.length);
      return;
    }
    const name = resolve![3]!;
    const bytes = files[name];
    if (bytes === undefined) return fail(request, response, 404, "EntryNotFound");
    const headers = { "x-repo-commit": sha, etag: `"${contentId(bytes)}"` };
    if (isLfs(name, sizeOf(bytes))) {
      const hash = contentId(bytes);
      blobs.set(hash, bytes);
      response.writeHead(302, {
        ...headers,
        "x-linked-etag": `"${hash}"`,
        "x-linked-size": String(sizeOf(bytes)),
        location: `${cdnUrl}/blobs/${hash}?signature=stand-in`,
      });
      response.end();
      record("hub", request, 302, 0);
      return;
    }
    record("hub", request, 206, sendRange(request, response, bytes, headers));
  });

  const cdn = createServer((request, response) => {
    const hash = /^\/blobs\/([0-9a-f]{64})/.exec(request.url ?? "")?.[1];
    const bytes = hash === undefined ? undefined : blobs.get(hash);
    if (bytes === undefined) {
      response.writeHead(403);
      response.end("expired");
      record("cdn", request, 403, 0);
      return;
    }
    record("cdn", request, 206, sendRange(request, response, bytes, { etag: `"${hash}"` }));
  });

  const endpoint = await listen(hub, port);
  cdnUrl = await listen(cdn);
  return {
    endpoint,
    cdn: cdnUrl,
    log,
    throttle: (fragment, count, seconds) => throttles.push({ fragment, count, seconds }),
    hang: (fragment) => hangs.push(fragment),
    expireCdn: () => blobs.clear(),
    bytesServed: () =>
      log.reduce((sum, entry) => sum + (entry.status === 206 || entry.status === 200 ? entry.bytes : 0), 0),
    close: async () => {
      for (const response of pending) response.destroy();
      hub.closeAllConnections();
      cdn.closeAllConnections();
      await Promise.all([new Promise((r) => hub.close(r)), new Promise((r) => cdn.close(r))]);
    },
  };
}

/**
 * On-disk response cache. The key is a hash of (base URL, model, request body, salt): never of
 * headers, so the API key can neither reach a file name nor a file's content.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface CachedResponse {
  status: number;
  body: string;
}

export function cacheKey(baseUrl: string, model: string, body: unknown): string {
  return createHash("sha256")
    .update(JSON.stringify([baseUrl, model, body]))
    .digest("hex");
}

export class ResponseCache {
  constructor(private readonly dir: string) {}

  private path(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  async get(key: string): Promise<CachedResponse | undefined> {
    let text: string;
    try {
      text = await readFile(this.path(key), "utf8");
    } catch {
      return undefined;
    }
    try {
      const value = JSON.parse(text) as Partial<CachedResponse>;
      if (typeof value.status === "number" && typeof value.body === "string") {
        return { status: value.status, body: value.body };
      }
    } catch {
      // A damaged cache entry is a miss; the fresh answer overwrites it.
    }
    return undefined;
  }

  async put(key: string, response: CachedResponse): Promise<void> {
    const path = this.path(key);
    await mkdir(join(this.dir, key.slice(0, 2)), { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(response));
    await rename(temporary, path);
  }
}

/**
 * One HTTP exchange with retries, timeout, concurrency limit, request budget and cache.
 * The API key only ever goes into the Authorization header: never into a cache key, a cache
 * file, an error message or a progress event.
 */
import { ApiError } from "../../errors.js";
import { type CachedResponse, cacheKey, ResponseCache } from "./cache.js";
import { Limiter } from "./limiter.js";
import { backoffDelay, isRetryableStatus, parseRetryAfter } from "./retry.js";
import type { ClientStats } from "./types.js";

export interface TransportOptions {
  baseUrl: string;
  model: string;
  /** Secret; sent as `Authorization: Bearer …` only. */
  apiKey?: string;
  /** Per-attempt timeout (default 60 s). */
  timeoutMs?: number;
  /** Attempts after the first (default 4). */
  retries?: number;
  /** Parallel requests (default 4). */
  concurrency?: number;
  /** Total HTTP attempts allowed, retries included; cache hits are free (default unlimited). */
  maxRequests?: number;
  /** Folder of the response cache; undefined disables caching. */
  cacheDir?: string;
  /** Ignore cached answers (still store fresh ones): `--no-cache`. */
  refresh?: boolean;
  /** First backoff step (default 500 ms) and its ceiling (default 20 s). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A `Retry-After` longer than this fails the request instead of sleeping (default 60 s). */
  maxRetryAfterMs?: number;
  random?: () => number;
  /**
   * Attempts in a row that fail at the transport level (network error, timeout, HTTP 5xx) with no usable
   * answer between them, after which the endpoint is taken as down and no further request is sent
   * (default 6: more than the 4 parallel first attempts, so one unlucky round does not stop a run).
   */
  maxConsecutiveFailures?: number;
  onProgress?: (event: ProgressEvent) => void;
}

export interface ProgressEvent {
  label: string;
  outcome: "sent" | "cached" | "retry" | "failed" | "not sent";
  stats: ClientStats;
}

/** Default of `maxConsecutiveFailures`. */
export const MAX_CONSECUTIVE_FAILURES = 6;

/**
 * The request budget (`--max-requests`) is spent. `sent` is false when this request never went out
 * (then it did not fail: it was skipped), true when its first attempts failed and no retry was left.
 */
export class BudgetExhaustedError extends ApiError {
  constructor(
    message: string,
    readonly sent: boolean,
    context: ConstructorParameters<typeof ApiError>[1] = {},
  ) {
    super(message, context);
  }
}

/** The endpoint failed too many attempts in a row: this request was not sent. */
export class EndpointDownError extends ApiError {}

/** Why a request was never sent, or undefined when it was sent (and so failed). */
export function notSentReason(error: ApiError): string | undefined {
  if (error instanceof BudgetExhaustedError && !error.sent) return "request budget spent";
  if (error instanceof EndpointDownError) return "endpoint stopped answering";
  return undefined;
}

export interface ExchangeSpec<T> {
  label: string;
  path: string;
  method?: "GET" | "POST";
  body?: unknown;
  /** Turns a 2xx body into a value; throws ApiError when the body is unusable (then retried). */
  parse: (body: string, fromCache: boolean) => T;
}

/** Cap on a response body we read: probes ask for short answers, so 8 MiB is far beyond need. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

export class Transport {
  readonly stats: ClientStats = {
    requests: 0,
    answers: 0,
    cacheHits: 0,
    retries: 0,
    failures: 0,
    notSent: 0,
  };
  /** Set once `maxConsecutiveFailures` attempts in a row failed: why nothing more is sent. */
  stoppedBecause: string | undefined;
  private consecutiveFailures = 0;
  private readonly limiter: Limiter;
  private readonly cache: ResponseCache | undefined;
  private readonly baseUrl: string;

  constructor(private readonly options: TransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.limiter = new Limiter(options.concurrency ?? 4);
    this.cache = options.cacheDir === undefined ? undefined : new ResponseCache(options.cacheDir);
  }

  get model(): string {
    return this.options.model;
  }

  async exchange<T>(spec: ExchangeSpec<T>): Promise<T> {
    const key = cacheKey(this.baseUrl, this.options.model, [
      spec.method ?? "POST",
      spec.path,
      spec.body ?? null,
    ]);
    if (this.cache !== undefined && this.options.refresh !== true) {
      const cached = await this.cache.get(key);
      if (cached !== undefined) {
        try {
          const value = spec.parse(cached.body, true);
          this.stats.cacheHits++;
          this.stats.answers++;
          this.emit(spec.label, "cached");
          return value;
        } catch {
          // Unusable cached body: fall through to a fresh request.
        }
      }
    }
    return this.limiter.run(() => this.attempts(spec, key));
  }

  private async attempts<T>(spec: ExchangeSpec<T>, key: string): Promise<T> {
    const retries = this.options.retries ?? 4;
    let lastError: ApiError | undefined;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (this.stoppedBecause !== undefined) {
        if (lastError !== undefined) break;
        this.stats.notSent++;
        this.emit(spec.label, "not sent");
        throw new EndpointDownError(`not sent: ${this.stoppedBecause}`, {
          file: this.describeUrl(spec.path),
          field: spec.label,
        });
      }
      const budget = this.options.maxRequests;
      if (budget !== undefined && this.stats.requests >= budget) {
        const sent = lastError !== undefined;
        if (sent) this.stats.failures++;
        else this.stats.notSent++;
        this.emit(spec.label, sent ? "failed" : "not sent");
        throw new BudgetExhaustedError(
          `request budget of ${budget} spent before '${spec.label}'${lastError ? ` (last error: ${lastError.message})` : ""}`,
          sent,
          { file: this.describeUrl(spec.path), field: spec.label },
        );
      }
      this.stats.requests++;
      this.emit(spec.label, "sent");
      let waitMs: number | undefined;
      try {
        const response = await this.fetchOnce(spec);
        if (response.status >= 200 && response.status < 300) {
          const value = spec.parse(response.body, false);
          // A server that echoes the key back must not get it written to disk.
          await this.cache?.put(key, {
            status: response.status,
            body: redact(response.body, this.options.apiKey),
          });
          this.stats.answers++;
          this.consecutiveFailures = 0;
          return value;
        }
        if (response.status >= 500) this.transportFailure();
        lastError = new ApiError(
          `HTTP ${response.status}${this.summarise(response.body)} for '${spec.label}'`,
          {
            file: this.describeUrl(spec.path),
            field: spec.label,
            status: response.status,
          },
        );
        if (!isRetryableStatus(response.status)) break;
        waitMs = response.retryAfterMs;
        const maxRetryAfter = this.options.maxRetryAfterMs ?? 60_000;
        if (waitMs !== undefined && waitMs > maxRetryAfter) {
          lastError = new ApiError(
            `HTTP ${response.status}: the server asks to wait ${Math.round(waitMs / 1000)} s (more than the ${Math.round(maxRetryAfter / 1000)} s allowed) for '${spec.label}'`,
            { file: this.describeUrl(spec.path), field: spec.label, status: response.status },
          );
          break;
        }
      } catch (error) {
        lastError = toApiError(error, spec.label, this.describeUrl(spec.path));
        // A body we could not use came from a live server; a network error or timeout did not.
        if (!(error instanceof ApiError)) this.transportFailure();
      }
      if (this.stoppedBecause === undefined && this.consecutiveFailures >= this.maxConsecutive()) {
        this.stoppedBecause = `${this.consecutiveFailures} attempts in a row failed with no answer between them (last: ${lastError.message})`;
      }
      if (this.stoppedBecause !== undefined) break;
      if (attempt < retries) {
        this.stats.retries++;
        this.emit(spec.label, "retry");
        const random = this.options.random ?? Math.random;
        await sleep(
          waitMs ??
            backoffDelay(attempt, this.options.backoffMs ?? 500, this.options.maxBackoffMs ?? 20_000, random),
        );
      }
    }
    this.stats.failures++;
    this.emit(spec.label, "failed");
    throw lastError ?? new ApiError(`request failed: '${spec.label}'`, { file: this.describeUrl(spec.path) });
  }

  private transportFailure(): void {
    this.consecutiveFailures++;
  }

  private maxConsecutive(): number {
    return this.options.maxConsecutiveFailures ?? MAX_CONSECUTIVE_FAILURES;
  }

  private async fetchOnce(spec: ExchangeSpec<unknown>): Promise<CachedResponse & { retryAfterMs?: number }> {
    const controller = new AbortController();
    const timeoutMs = this.options.timeoutMs ?? 60_000;
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const headers: Record<string, string> = { accept: "application/json, text/event-stream" };
      if (spec.body !== undefined) headers["content-type"] = "application/json";
      if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
      const response = await fetch(`${this.baseUrl}${spec.path}`, {
        method: spec.method ?? "POST",
        headers,
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        signal: controller.signal,
      });
      const body = await readCapped(response);
      return {
        status: response.status,
        body,
        retryAfterMs: parseRetryAfter(response.headers.get("retry-after")),
      };
    } catch (error) {
      if (controller.signal.aborted) throw new TimeoutError(`no complete answer within ${timeoutMs} ms`);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** A short, single-line excerpt of an error body, with the key blanked should the server echo it. */
  private summarise(body: string): string {
    return summariseBody(redact(body, this.options.apiKey));
  }

  private describeUrl(path: string): string {
    return `${this.baseUrl}${path}`;
  }

  private emit(label: string, outcome: ProgressEvent["outcome"]): void {
    this.options.onProgress?.({ label, outcome, stats: { ...this.stats } });
  }
}

class TimeoutError extends Error {}

async function readCapped(response: Response): Promise<string> {
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_BODY_BYTES) {
      await reader.cancel();
      throw new ApiError(`response larger than ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function toApiError(error: unknown, label: string, url: string): ApiError {
  if (error instanceof ApiError) {
    return new ApiError(`${error.message} for '${label}'`, { file: url, field: label, status: error.status });
  }
  if (error instanceof TimeoutError)
    return new ApiError(`timeout: ${error.message} for '${label}'`, { file: url, field: label });
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError(`network error (${message}${cause}) for '${label}'`, { file: url, field: label });
}

/** A short, single-line excerpt of an error body (servers often explain the refusal there). */
function summariseBody(body: string): string {
  const line = body.replace(/\s+/g, " ").trim().slice(0, 160);
  return line === "" ? "" : `: ${line}`;
}

/** `text` with every occurrence of `secret` replaced; used on anything a server sends back. */
export function redact(text: string, secret: string | undefined): string {
  return secret === undefined || secret.length < 4 ? text : text.split(secret).join("[redacted]");
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

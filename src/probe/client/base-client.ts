/** What both chat clients share: options with a default seed, a Transport, its cost counters. */
import { Transport, type TransportOptions } from "./transport.js";
import type { ChatClient, ChatRequest, ChatResult, ClientStats } from "./types.js";

export interface ChatClientOptions extends TransportOptions {
  /** Seed sent when a request names none (default 1234). */
  seed?: number;
}

export abstract class TransportClient implements ChatClient {
  abstract readonly kind: ChatClient["kind"];
  protected readonly transport: Transport;

  constructor(protected readonly options: ChatClientOptions) {
    this.transport = new Transport(options);
  }

  get stats(): ClientStats {
    return this.transport.stats;
  }

  get stoppedBecause(): string | undefined {
    return this.transport.stoppedBecause;
  }

  protected seedOf(request: ChatRequest): number {
    return request.seed ?? this.options.seed ?? 1234;
  }

  abstract chat(request: ChatRequest): Promise<ChatResult>;
}

/** What reading from the Hub cost: requests sent, body bytes received, retries, cache revalidations. */
export interface HubTraffic {
  requests: number;
  /** Bytes of response bodies received (metadata, small files and byte ranges). */
  bytes: number;
  retries: number;
  /** Conditional metadata requests the Hub answered with 304 Not Modified. */
  notModified: number;
  /** Bytes served from lineage's on-disk cache instead of the network. */
  cachedBytes: number;
}

export function emptyTraffic(): HubTraffic {
  return { requests: 0, bytes: 0, retries: 0, notModified: 0, cachedBytes: 0 };
}

/** Process-wide counters every Hub client adds to unless given its own (the CLI reports them). */
export const sharedTraffic: HubTraffic = emptyTraffic();

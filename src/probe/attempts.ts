/** Probes keep going when single requests fail: failures are recorded for the report instead. */
import { ApiError } from "../errors.js";
import { notSentReason } from "./client/transport.js";

export interface ProbeFailure {
  probe: string;
  request: string;
  message: string;
}

/** A request that was never sent (budget spent, endpoint down): not a failure of the server. */
export interface ProbeNotSent {
  probe: string;
  request: string;
  reason: string;
}

export class FailureLog {
  readonly failures: ProbeFailure[] = [];
  readonly notSent: ProbeNotSent[] = [];

  /**
   * Runs `task`; an ApiError becomes a recorded failure (or a not-sent entry when the request never
   * went out) and `undefined`. Other errors propagate.
   */
  async attempt<T>(probe: string, request: string, task: () => Promise<T>): Promise<T | undefined> {
    try {
      return await task();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const reason = notSentReason(error);
      if (reason !== undefined) this.notSent.push({ probe, request, reason });
      else this.failures.push({ probe, request, message: error.message });
      return undefined;
    }
  }

  /** Failed requests of `probe` (sent, failed after retries). */
  count(probe: string): number {
    return this.failures.filter((failure) => failure.probe === probe).length;
  }

  /** Requests of `probe` that were never sent. */
  countNotSent(probe: string): number {
    return this.notSent.filter((entry) => entry.probe === probe).length;
  }
}

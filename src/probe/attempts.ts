/** Probes keep going when single requests fail: failures are recorded for the report instead. */
import { ApiError } from "../errors.js";

export interface ProbeFailure {
  probe: string;
  request: string;
  message: string;
}

export class FailureLog {
  readonly failures: ProbeFailure[] = [];

  /** Runs `task`; an ApiError becomes a recorded failure and `undefined`. Other errors propagate. */
  async attempt<T>(probe: string, request: string, task: () => Promise<T>): Promise<T | undefined> {
    try {
      return await task();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      this.failures.push({ probe, request, message: error.message });
      return undefined;
    }
  }

  count(probe: string): number {
    return this.failures.filter((failure) => failure.probe === probe).length;
  }
}

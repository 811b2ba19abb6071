/**
 * Progress of long work, for whoever shows it. Library code never prints: functions that can run for
 * more than a second take `onProgress` in their options and call it as they go; the CLI draws a bar on
 * stderr from these events (src/cli/progress.ts), tests can record them, other callers ignore them.
 *
 * Contract: events of one task share its `task` text; `done` grows from 0 to `total` (when known); a new
 * `task` text starts a new task. Reporting is best-effort and cheap: call it per layer or per tensor,
 * not per number. A reporter must not throw.
 */

export interface ProgressEvent {
  /** What is being done, constant for the task: `reading layers`, `fingerprinting`, `matching`. */
  task: string;
  /** Units finished so far. */
  done: number;
  /** Units in all, when known in advance. */
  total?: number;
  /** What a unit is, for display: `layers`, `entries`, `requests`. */
  unit?: string;
  /** The current step in a few words, e.g. `layer 3` or a file name. */
  detail?: string;
}

export type ProgressReporter = (event: ProgressEvent) => void;

/** Mixed into the options of functions that report progress. */
export interface ProgressOptions {
  onProgress?: ProgressReporter;
}

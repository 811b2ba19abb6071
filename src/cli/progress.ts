/**
 * The progress display on stderr (cli-progress): drawn only when stderr is a terminal and `--quiet` is
 * not given, and only for a task that has already run for a second, so quick commands stay silent.
 * Library code reports through `ProgressReporter` (src/progress.ts); this is the one place that draws.
 */
import { Presets, SingleBar } from "cli-progress";
import type { ProgressEvent, ProgressReporter } from "../progress.js";

/** A task is shown once it has run this long: shorter work needs no display. */
export const SHOW_AFTER_MS = 1000;

export interface ProgressDisplay {
  /** Undefined when nothing is drawn (not a terminal, or --quiet): callers pass it on as it is. */
  onProgress: ProgressReporter | undefined;
  /** Clears the bar; call before printing the result. */
  stop(): void;
}

export interface DisplayOptions {
  quiet?: boolean;
  stream?: NodeJS.WriteStream;
  showAfterMs?: number;
}

export function progressDisplay(options: DisplayOptions = {}): ProgressDisplay {
  const stream = options.stream ?? process.stderr;
  if (options.quiet === true || stream.isTTY !== true) return { onProgress: undefined, stop() {} };
  const showAfter = options.showAfterMs ?? SHOW_AFTER_MS;
  let bar: SingleBar | undefined;
  let timer: NodeJS.Timeout | undefined;
  let last: ProgressEvent | undefined;

  const payload = (event: ProgressEvent) => ({
    task: event.task,
    unit: event.unit ?? "",
    detail: event.detail ?? "",
  });
  const show = () => {
    if (last === undefined || bar !== undefined) return;
    const known = last.total !== undefined && last.total > 0;
    bar = new SingleBar(
      {
        stream,
        format: known ? "{task} [{bar}] {value}/{total} {unit} {detail}" : "{task}: {value} {unit} {detail}",
        hideCursor: true,
        clearOnComplete: true,
        barsize: 24,
        linewrap: false,
      },
      Presets.shades_classic,
    );
    bar.start(last.total ?? 0, last.done, payload(last));
  };
  const finish = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    bar?.stop();
    bar = undefined;
  };
  return {
    onProgress(event) {
      if (last?.task !== event.task) {
        finish();
        timer = setTimeout(show, showAfter);
        timer.unref();
      }
      last = event;
      if (bar === undefined) return;
      if (event.total !== undefined) bar.setTotal(event.total);
      bar.update(event.done, payload(event));
    },
    stop: finish,
  };
}

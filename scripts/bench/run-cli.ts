/**
 * Runs the real `lineage` CLI in a child process, as a user would, and measures it: wall seconds (here),
 * CPU seconds, peak RSS and kernel read counters (in the child, see child-usage.ts). The child runs
 * through tsx like `npm test`'s CLI tests; `cliBaseline` measures what starting it costs (`--version`),
 * so the figures can be read with and without it.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const PRELOAD = fileURLToPath(new URL("./child-usage.ts", import.meta.url));
/** The checkout whose CLI is measured: this one, or another (`--cli-root`, e.g. a branch's worktree, to
 * measure it with this benchmark). */
let root = fileURLToPath(new URL("../..", import.meta.url));

export function setCliRoot(path: string): void {
  root = path;
}

export interface ChildUsage {
  cpuSeconds: number;
  userSeconds: number;
  systemSeconds: number;
  peakRssBytes: number;
  /** Bytes passed through read syscalls (page cache included), as the kernel counted them. */
  rchar: number | null;
  /** Bytes fetched from the block device. */
  readBytes: number | null;
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  wallSeconds: number;
  usage: ChildUsage;
}

export async function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const dir = await mkdtemp(join(tmpdir(), "lineage-bench-usage-"));
  const usageFile = join(dir, "usage.json");
  try {
    const started = performance.now();
    const { code, stdout, stderr } = await new Promise<{
      code: number | null;
      stdout: string;
      stderr: string;
    }>((resolve, reject) => {
      const main = join(root, "src", "cli", "main.ts");
      const child = spawn(process.execPath, ["--import", "tsx", "--import", PRELOAD, main, ...args], {
        cwd: root,
        env: { ...process.env, NO_COLOR: "1", ...env, LINEAGE_BENCH_USAGE: usageFile },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
      child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
      child.on("error", reject);
      child.on("close", (exit) =>
        resolve({
          code: exit,
          stdout: Buffer.concat(out).toString("utf8"),
          stderr: Buffer.concat(err).toString("utf8"),
        }),
      );
    });
    const wallSeconds = (performance.now() - started) / 1000;
    const usage = JSON.parse(await readFile(usageFile, "utf8")) as ChildUsage;
    return { code, stdout, stderr, wallSeconds, usage };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The cost of starting the CLI at all (tsx + imports): `lineage --version`. */
export async function cliBaseline(): Promise<CliRun> {
  return runCli(["--version"]);
}

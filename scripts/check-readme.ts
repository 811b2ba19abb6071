/**
 * The README's quoted outputs, checked against what the commands print today (issue 12).
 *
 *   npm run readme:check [FILE...]  run every quoted command of README.md and docs/*.md (or of FILE),
 *                                   report the outputs that differ (exit 1)
 *   npm run readme:write [FILE...]  rewrite the quoted outputs from real runs
 *
 * A quoted command is a line `$ lineage ARGS` inside a fenced block; its output is every following line
 * up to the next `$ ` line or the end of the block. A line holding only `…` (or `...`) stands for any number of
 * lines (the lines before it must be the output's first lines, the lines after it its last lines).
 * Tolerated differences, and only these: timings (`1.59 s`), dates (`2026-11-28`), the absolute path
 * of the folder holding the repo (shown as `..`) and temporary folders (`/tmp/x/`). Output files a
 * command names bare (`zoo-bases.json`) are written to a temporary folder and shown bare. Commands run from the repo root through tsx, colours
 * off, with a fresh library file for the whole README; commands naming `../shared` are skipped when that
 * folder is absent, and so are the other `library` commands of their block (a `library list` would read
 * a library the skipped ones never filled).
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** A quoted line standing for any number of output lines. */
const isEllipsis = (line: string) => line.trim() === "…" || line.trim() === "...";

interface Segment {
  /** Index of the `$ lineage` line in the file's lines. */
  line: number;
  /** Index of the line opening the fenced block the segment is in. */
  block: number;
  args: string[];
  /** Index range of the quoted output lines: [start, end). */
  start: number;
  end: number;
}

/** Splits a command line the way a POSIX shell would for the simple quoting the README uses. */
export function splitArgs(text: string): string[] {
  const args: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (const match of text.matchAll(pattern)) {
    args.push(match[1] !== undefined ? match[1].replace(/\\(.)/g, "$1") : (match[2] ?? match[3]!));
  }
  return args;
}

/** Every `$ lineage …` segment of the fenced blocks of `lines`. */
export function findSegments(lines: readonly string[]): Segment[] {
  const segments: Segment[] = [];
  let inBlock = false;
  let block = -1;
  let current: Segment | undefined;
  lines.forEach((line, index) => {
    if (/^```/.test(line)) {
      if (current !== undefined) segments.push({ ...current, end: index });
      current = undefined;
      inBlock = !inBlock;
      if (inBlock) block = index;
      return;
    }
    if (!inBlock) return;
    const command = /^\$ lineage (.*)$/.exec(line);
    if (command !== null || line.startsWith("$ ")) {
      if (current !== undefined) segments.push({ ...current, end: index });
      current =
        command === null
          ? undefined
          : { line: index, block, args: splitArgs(command[1]!), start: index + 1, end: -1 };
    }
  });
  return segments;
}

const namesShared = (segment: Segment) => segment.args.some((arg) => arg.startsWith("../shared"));
const isLibrary = (segment: Segment) => segment.args[0] === "library";

/**
 * Segments to skip when `../shared` is absent: those naming it, and every `library` command of a block
 * where a `library` command names it (they read the library the skipped ones would have filled).
 */
export function needsShared(segments: readonly Segment[]): Set<Segment> {
  const blocks = new Set(segments.filter((s) => isLibrary(s) && namesShared(s)).map((s) => s.block));
  return new Set(segments.filter((s) => namesShared(s) || (isLibrary(s) && blocks.has(s.block))));
}

/** What may differ between runs: timings, dates, and where the repo lives. */
export function normalise(line: string): string {
  const parent = resolve(root, "..");
  return line
    .split(parent)
    .join("..")
    .replace(/\b\d+(?:\.\d+)? s\b/g, "<seconds> s")
    .replace(/\b\d{4}-\d{2}-\d{2}\b/g, "<date>")
    .replace(/\/tmp\/[\w.-]+\//g, "<tmp>/")
    .trimEnd();
}

/** Compares quoted lines (with `…` wildcards) with actual output; returns the first difference. */
export function difference(quoted: readonly string[], actual: readonly string[]): string | undefined {
  const q = quoted.map(normalise);
  const a = actual.map(normalise);
  const cut = q.findIndex(isEllipsis);
  const head = cut < 0 ? q : q.slice(0, cut);
  const tail = cut < 0 ? [] : q.slice(cut + 1);
  if (cut < 0 && head.length !== a.length) {
    const i = head.findIndex((line, k) => line !== a[k]);
    const at = i < 0 ? Math.min(head.length, a.length) : i;
    return `line ${at + 1}: README ${JSON.stringify(head[at] ?? "(end)")}, actual ${JSON.stringify(a[at] ?? "(end)")}`;
  }
  for (let i = 0; i < head.length; i++) {
    if (head[i] !== a[i])
      return `line ${i + 1}: README ${JSON.stringify(head[i])}, actual ${JSON.stringify(a[i] ?? "(end)")}`;
  }
  for (let i = 0; i < tail.length; i++) {
    const actualLine = a[a.length - tail.length + i];
    if (a.length - tail.length + i < head.length || tail[i] !== actualLine) {
      return `line ${-(tail.length - i)} from the end: README ${JSON.stringify(tail[i])}, actual ${JSON.stringify(actualLine ?? "(none)")}`;
    }
  }
  return undefined;
}

/**
 * Quoted lines rewritten from the actual output, keeping the README's wildcard and its head/tail sizes,
 * and keeping a quoted line where it differs only in what is tolerated (a timing stays as quoted).
 */
function rewrite(quoted: readonly string[], actual: readonly string[]): string[] {
  const keep = (line: string, i: number) =>
    quoted[i] !== undefined && normalise(quoted[i]!) === normalise(line) ? quoted[i]! : line;
  const cut = quoted.findIndex(isEllipsis);
  const tail = quoted.length - cut - 1;
  if (cut < 0 || cut + tail >= actual.length) return actual.map(keep);
  return [
    ...actual.slice(0, cut).map(keep),
    quoted[cut]!,
    ...actual.slice(actual.length - tail).map((line, i) => keep(line, cut + 1 + i)),
  ];
}

function run(args: readonly string[], env: NodeJS.ProcessEnv): Promise<string[]> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ["--import", "tsx", join(root, "src", "cli", "main.ts"), ...args],
      { cwd: root, env: { ...process.env, NO_COLOR: "1", ...env }, maxBuffer: 64 * 1024 * 1024 },
      (_error, stdout, stderr) => {
        const text = `${stdout}${stderr}`.replace(/\n$/, "");
        done(text === "" ? [] : text.split("\n"));
      },
    );
  });
}

export async function checkFile(
  file: string,
  write: boolean,
): Promise<{ checked: number; differ: string[]; skipped: number }> {
  const lines = (await readFile(file, "utf8")).split("\n");
  const segments = findSegments(lines);
  const dir = await mkdtemp(join(tmpdir(), "lineage-readme-"));
  const env = { LINEAGE_LIBRARY: join(dir, "lib.db") };
  const differ: string[] = [];
  let checked = 0;
  let skipped = 0;
  const replacements: { segment: Segment; lines: string[] }[] = [];
  const skip = existsSync(join(root, "..", "shared")) ? new Set<Segment>() : needsShared(segments);
  try {
    for (const segment of segments) {
      if (skip.has(segment)) {
        skipped++;
        continue;
      }
      // Outputs written by a quoted command go to the temporary folder, never into the repo.
      const outputs = new Map<string, string>();
      const args = segment.args.map((arg) => {
        if (!/^[\w.-]+\.(json|html)$/.test(arg)) return arg;
        outputs.set(join(dir, arg), arg);
        return join(dir, arg);
      });
      const actual = (await run(args, env)).map((line) =>
        [...outputs].reduce((text, [path, arg]) => text.split(path).join(arg), line),
      );
      // Blank lines closing a segment separate it from the next command: not part of the output.
      let end = segment.end;
      while (end > segment.start && lines[end - 1]!.trim() === "") end--;
      const quoted = lines.slice(segment.start, end);
      checked++;
      const diff = difference(quoted, actual);
      if (diff !== undefined) {
        differ.push(`${file}:${segment.line + 1}: $ lineage ${segment.args.join(" ")}\n    ${diff}`);
        if (write) replacements.push({ segment: { ...segment, end }, lines: rewrite(quoted, actual) });
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  if (write && replacements.length > 0) {
    const out = [...lines];
    for (const { segment, lines: replacement } of replacements.reverse()) {
      out.splice(segment.start, segment.end - segment.start, ...replacement);
    }
    await writeFile(file, out.join("\n"));
  }
  return { checked, differ, skipped };
}

/** README.md and every Markdown file of docs/: the files whose quoted outputs users copy. */
async function defaultFiles(): Promise<string[]> {
  const docs = (await readdir(join(root, "docs"))).filter((name) => name.endsWith(".md")).sort();
  return [join(root, "README.md"), ...docs.map((name) => join(root, "docs", name))];
}

async function main(): Promise<void> {
  const write = process.argv.includes("--write");
  const files = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
  let failed = 0;
  for (const file of files.length > 0 ? files : await defaultFiles()) {
    const { checked, differ, skipped } = await checkFile(file, write);
    for (const line of differ) process.stdout.write(`${write ? "rewrote" : "differs"}: ${line}\n`);
    process.stdout.write(
      `${file}: ${checked} quoted command(s) run, ${checked - differ.length} match, ${differ.length} ${write ? "rewritten" : "differ"}${skipped > 0 ? `, ${skipped} skipped (../shared absent)` : ""}\n`,
    );
    if (!write) failed += differ.length;
  }
  process.exitCode = failed > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  await main();

/** `lineage library add|list|remove|match|export|import`: the local fingerprint library. */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
import { FormatError } from "../errors.js";
import { fingerprintModel, suspectReadings } from "../fingerprint/from-path.js";
import { regularFileSize } from "../formats/file-reader.js";
import { displayName } from "../formats/model-source.js";
import { requireWeightEvidence } from "../library/evidence.js";
import { exportEntries, MAX_IMPORT_BYTES, parseExport } from "../library/exchange.js";
import { FingerprintLibrary } from "../library/library.js";
import { libraryPath } from "../library/location.js";
import { matchLibrary } from "../library/match.js";
import { listLines, matchJson, matchLines } from "../library/presentation.js";
import { assertWritable, writeOutput } from "./options.js";
import { printJson, printLines } from "./output.js";
import { type ProgressDisplay, progressDisplay } from "./progress.js";

interface GlobalOptions {
  library?: string;
  quiet?: boolean;
}

/**
 * Runs `use` on the library named by --library / $LINEAGE_LIBRARY / the default. Only `add` and
 * `import` create it: elsewhere a mistyped path is an error, never a new empty library.
 */
function withLibrary<T>(
  command: Command,
  use: (library: FingerprintLibrary) => Promise<T> | T,
  create = false,
): Promise<T> {
  const options = command.optsWithGlobals<GlobalOptions>();
  const library = FingerprintLibrary.open(libraryPath(options.library), { create });
  return Promise.resolve()
    .then(() => use(library))
    .finally(() => library.close());
}

/** Runs `task` with the stderr progress display (terminal only, silent with --quiet). */
async function withProgress<T>(command: Command, task: (display: ProgressDisplay) => Promise<T>): Promise<T> {
  const display = progressDisplay({ quiet: command.optsWithGlobals<GlobalOptions>().quiet });
  try {
    return await task(display);
  } finally {
    display.stop();
  }
}

async function readExportFile(file: string): Promise<unknown> {
  const size = await regularFileSize(file);
  if (size > MAX_IMPORT_BYTES) {
    throw new FormatError(`file of ${size} bytes exceeds the ${MAX_IMPORT_BYTES}-byte import limit`, {
      file,
    });
  }
  try {
    return JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new FormatError(`invalid JSON: ${(error as Error).message}`, { file, cause: error });
  }
}

export function registerLibrary(program: Command): void {
  const library = program
    .command("library")
    .description("Keep fingerprints of known models and check a suspect against them without their weights.")
    .option("--library <path>", "library file (default: $LINEAGE_LIBRARY or ~/.lineage/library.db)");

  library
    .command("add")
    .description("Fingerprint MODEL and store it in the library.")
    .argument("<model>", "model folder or weight file")
    .option("--name <name>", "name to store it under (default: the folder or file name)")
    .option("--family <family>", "family label (default: the architecture family)")
    .option("--notes <text>", "free-text notes")
    .option("--replace", "replace an entry of the same name")
    .action(
      async (
        model: string,
        options: { name?: string; family?: string; notes?: string; replace?: boolean },
        command: Command,
      ) => {
        const fingerprint = await withProgress(command, (display) =>
          fingerprintModel(model, { onProgress: display.onProgress }),
        );
        requireWeightEvidence(fingerprint, model, "nothing to store");
        const name = options.name ?? displayName(model);
        await withLibrary(
          command,
          (lib) => {
            lib.add(
              {
                name,
                sourcePath: resolve(model),
                family: options.family ?? fingerprint.architecture.family,
                notes: options.notes ?? null,
                fingerprint,
              },
              { replace: options.replace === true },
            );
          },
          true,
        );
        const layers = new Set(fingerprint.sets.flatMap((set) => (set.layer === null ? [] : [set.layer])))
          .size;
        const weights = `${fingerprint.anchors.keys.length} anchor tokens, ${layers} layers, ${fingerprint.sets.length} unit sets`;
        printLines([`added ${name} (${weights})`, ...fingerprint.notes.map((note) => `note: ${note}`)]);
      },
    );

  library
    .command("list")
    .description("List the stored fingerprints.")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }, command: Command) => {
      const entries = await withLibrary(command, (lib) => lib.list());
      if (options.json) printJson(entries);
      else printLines(listLines(entries));
    });

  library
    .command("remove")
    .description("Remove the fingerprint stored under NAME.")
    .argument("<name>")
    .action(async (name: string, _options: unknown, command: Command) => {
      await withLibrary(command, (lib) => lib.remove(name));
      printLines([`removed ${name}`]);
    });

  library
    .command("match")
    .description("Rank every stored fingerprint by the lineage evidence it shares with MODEL.")
    .argument("<model>", "model folder or weight file")
    .option("--json", "print JSON")
    .action(async (model: string, options: { json?: boolean }, command: Command) => {
      // Stored fingerprints are read one at a time while matching: memory stays at one entry (about
      // 1 MB each) whatever the library's size.
      const matches = await withLibrary(command, async (lib) => {
        const readings = await withProgress(command, (display) =>
          suspectReadings(model, { onProgress: display.onProgress }),
        );
        requireWeightEvidence(readings[0]!, model, "nothing to match");
        return matchLibrary(readings, lib.each());
      });
      if (options.json) printJson(matchJson(model, matches));
      else printLines(matchLines(displayName(model), matches, model, process.cwd()));
    });

  library
    .command("export")
    .description("Write every stored fingerprint to FILE as JSON, to share them.")
    .argument("<file>")
    .action(async (file: string, _options: unknown, command: Command) => {
      await assertWritable(file, "FILE");
      const entries = await withLibrary(command, (lib) => lib.entries());
      await writeOutput(file, `${JSON.stringify(exportEntries(entries))}\n`, "FILE");
      printLines([`exported ${entries.length} fingerprint${entries.length === 1 ? "" : "s"} to ${file}`]);
    });

  library
    .command("import")
    .description("Add the fingerprints of an exported JSON FILE to the library.")
    .argument("<file>")
    .option("--replace", "replace entries of the same name")
    .action(async (file: string, options: { replace?: boolean }, command: Command) => {
      const entries = parseExport(await readExportFile(file), file);
      await withLibrary(command, (lib) => lib.addMany(entries, { replace: options.replace === true }), true);
      printLines([`imported ${entries.length} fingerprint${entries.length === 1 ? "" : "s"} from ${file}`]);
    });
}

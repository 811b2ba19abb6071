/**
 * How many distinct models a folder holds, so that a folder of several checkpoints is refused with
 * their list instead of one being read silently (`stories260k/` holds a GGUF and four llama2.c
 * checkpoints; `llama2c-independent/` a llama2.c `.bin` and the PyTorch `.pt` it was exported from).
 *
 * One model is: a safetensors index (with its shards), or a set of `-NNNNN-of-MMMMM` shards, or one
 * other `.safetensors`; a split GGUF (its shards) or one model GGUF (not a projector); one llama2.c
 * checkpoint; a PyTorch index (with its shards), Meta's `consolidated.NN.pth` set, or one other
 * checkpoint. A Hugging Face folder that ships the same weights twice, as safetensors and as
 * `pytorch_model*.bin`, holds one model: transformers loads the safetensors (`use_safetensors`
 * defaults to true when they exist), and so do we.
 */
import { FormatError } from "../errors.js";
import { firstShardName } from "./gguf/split.js";
import { PYTORCH_INDEX_NAME } from "./pytorch/folder.js";
import { parseShardName } from "./safetensors/shard-names.js";
import { PROJECTOR } from "./weight-choice.js";

/** Hugging Face checkpoints of the PyTorch format, by the names transformers saves them under. */
const HF_PICKLE = /^pytorch_model.*\.bin$/;
const META_SHARD = /^consolidated\.\d+\.pth$/;

export interface FolderWeightNames {
  /** Every `.safetensors` of the folder (Mistral's consolidated copy already removed when indexed). */
  safetensors: readonly string[];
  /** The safetensors index, when there is one. */
  index: string | undefined;
  ggufs: readonly string[];
  /** llama2.c checkpoints (recognised by their header). */
  llama2c: readonly string[];
  /** PyTorch checkpoints (by name or by their first bytes). */
  pickles: readonly string[];
  /** Every name of the folder (to find a PyTorch index). */
  names: readonly string[];
}

function safetensorsModels(names: FolderWeightNames): string[] {
  if (names.index !== undefined) return [names.index];
  const models = new Set<string>();
  for (const name of names.safetensors) {
    const shard = parseShardName(name);
    models.add(
      shard === undefined ? name : `${shard.prefix}-*-of-${String(shard.count).padStart(5, "0")}.safetensors`,
    );
  }
  return [...models];
}

function ggufModels(ggufs: readonly string[]): string[] {
  const first = ggufs.length > 1 ? firstShardName(ggufs) : undefined;
  if (first !== undefined) return [first.replace(/-00001-of-/, "-*-of-")];
  return ggufs.filter((name) => !PROJECTOR.test(name));
}

function pickleModels(names: FolderWeightNames, hasSafetensors: boolean): string[] {
  const pickles = names.pickles.filter((name) => !(hasSafetensors && HF_PICKLE.test(name)));
  if (names.names.includes(PYTORCH_INDEX_NAME) && !hasSafetensors) return [PYTORCH_INDEX_NAME];
  const meta = pickles.filter((name) => META_SHARD.test(name));
  const others = pickles.filter((name) => !META_SHARD.test(name));
  return meta.length > 0 ? ["consolidated.*.pth", ...others] : others;
}

/**
 * Refuse (FormatError naming the folder and listing them) a folder whose weight files are more than one
 * model across formats, or several safetensors models. Several models of another single format are
 * refused by that format's own choice (`chooseGguf`, the llama2.c and PyTorch folder readers).
 */
export function refuseSeveralModels(names: FolderWeightNames, location: string): void {
  const safetensors = safetensorsModels(names);
  const kinds = [
    safetensors,
    ggufModels(names.ggufs),
    [...names.llama2c],
    pickleModels(names, safetensors.length > 0),
  ];
  const models = kinds.flat();
  const formats = kinds.filter((kind) => kind.length > 0).length;
  if (formats > 1 || safetensors.length > 1) {
    throw new FormatError(
      `folder holds ${models.length} models (${models.join(", ")}): name the one you mean`,
      {
        file: location,
      },
    );
  }
}

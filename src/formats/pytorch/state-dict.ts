/**
 * Finding the weights inside what a checkpoint pickled. `torch.save` stores whatever object the
 * training script passed: a bare state dict (`model.state_dict()`: HF `pytorch_model.bin`, makemore,
 * Meta's `consolidated.00.pth`) or a dict wrapping one with training state (nanoGPT and llama2.c:
 * `{"model", "optimizer", "model_args", "iter_num", "best_val_loss", "config"}`; Lightning:
 * `{"state_dict", …}`). The wrappers we look inside, the key prefixes we strip and the configuration
 * keys we translate are data tables with their sources.
 */
import { FormatError } from "../../errors.js";
import { TensorRef } from "./pickle-values.js";

/** Keys under which training scripts store the model's state dict, in the order tried.
 * `model`: nanoGPT/llama2.c `train.py`; `state_dict`: PyTorch Lightning; `model_state_dict`: the PyTorch
 * tutorial "saving a general checkpoint"; `module`: DeepSpeed. */
export const STATE_DICT_KEYS = ["model", "state_dict", "model_state_dict", "module"] as const;

/** Prefixes every key carries when the model was wrapped: `_orig_mod.` by `torch.compile` (nanoGPT's
 * sample.py strips it), `module.` by DistributedDataParallel / DataParallel. */
export const WRAPPER_PREFIXES = ["_orig_mod.", "module."] as const;

/** Levels of wrapper dicts searched for a state dict. */
const MAX_WRAPPER_DEPTH = 3;

/** More tensors than any checkpoint has (DeepSeek-V3 has ~92k); bounds work on a hostile pickle. */
export const MAX_STATE_DICT_TENSORS = 1 << 20;

export interface FoundStateDict {
  tensors: Map<string, TensorRef>;
  /** Where it was found, e.g. `model` or the root. */
  path: string;
  /** The wrapper's `model_args`, when it has them. */
  modelArgs: Record<string, unknown> | undefined;
  /** Prefix stripped from every key, if any. */
  strippedPrefix: string | undefined;
}

function isStateDict(value: unknown): value is Map<unknown, unknown> {
  if (!(value instanceof Map) || value.size === 0) return false;
  let tensors = 0;
  for (const [key, entry] of value) {
    if (typeof key !== "string") return false;
    if (entry instanceof TensorRef) tensors++;
    // `_extra_state` entries and bare Python numbers appear in some state dicts; anything else does not.
    else if (entry !== null && typeof entry !== "number" && typeof entry !== "boolean") return false;
  }
  return tensors > 0;
}

/** A plain-data view of a small dict (model_args, params.json-like values): strings, numbers, booleans. */
export function plainRecord(value: unknown): Record<string, unknown> | undefined {
  if (!(value instanceof Map)) return undefined;
  const record: Record<string, unknown> = {};
  for (const [key, entry] of value) {
    if (typeof key !== "string") continue;
    if (["string", "number", "boolean"].includes(typeof entry) || entry === null) record[key] = entry;
  }
  return record;
}

function stripPrefix(tensors: Map<string, TensorRef>): { tensors: Map<string, TensorRef>; prefix?: string } {
  for (const prefix of WRAPPER_PREFIXES) {
    const keys = [...tensors.keys()];
    if (keys.length > 0 && keys.every((key) => key.startsWith(prefix))) {
      return { tensors: new Map([...tensors].map(([k, v]) => [k.slice(prefix.length), v])), prefix };
    }
  }
  return { tensors };
}

function describeKeys(value: unknown): string {
  if (!(value instanceof Map)) return `the pickle holds ${Array.isArray(value) ? "a list" : typeof value}`;
  const keys = [...value.keys()].slice(0, 8).map((key) => String(key));
  return `top-level keys: ${keys.join(", ")}${value.size > 8 ? ", …" : ""}`;
}

/** The state dict inside an unpickled checkpoint, or a FormatError saying what the pickle holds. */
export function findStateDict(root: unknown, file: string, field: string): FoundStateDict {
  let current: unknown = root;
  let path = "";
  let modelArgs: Record<string, unknown> | undefined;
  for (let depth = 0; depth <= MAX_WRAPPER_DEPTH; depth++) {
    if (isStateDict(current)) {
      const all = new Map<string, TensorRef>();
      for (const [key, entry] of current as Map<string, unknown>)
        if (entry instanceof TensorRef) all.set(key, entry);
      if (all.size > MAX_STATE_DICT_TENSORS) {
        throw new FormatError(
          `state dict has ${all.size} tensors, more than the ${MAX_STATE_DICT_TENSORS} limit`,
          {
            file,
            field,
          },
        );
      }
      const stripped = stripPrefix(all);
      return {
        tensors: stripped.tensors,
        path: path || "(root)",
        modelArgs,
        strippedPrefix: stripped.prefix,
      };
    }
    if (!(current instanceof Map)) break;
    modelArgs ??= plainRecord(current.get("model_args"));
    const key = STATE_DICT_KEYS.find((name) => current instanceof Map && current.get(name) instanceof Map);
    if (key === undefined) break;
    current = current.get(key);
    path = path === "" ? key : `${path}.${key}`;
  }
  throw new FormatError(
    `no state dict (a dict of tensors) found, at the top or under ${STATE_DICT_KEYS.join("/")}; ${describeKeys(root)}`,
    { file, field },
  );
}

/** Yi's original release: the Llama layout with the two per-layer norms renamed `ln1` and `ln2`. */
import { namePattern, patternRule, rename } from "../rule.js";
import { HF_PREFIX } from "./hf-llama.js";

export const yiRule = patternRule("yi", [
  rename(namePattern(`${HF_PREFIX}layers.{L}.ln1`), "layers.{layer}.attn_norm"),
  rename(namePattern(`${HF_PREFIX}layers.{L}.ln2`), "layers.{layer}.mlp_norm"),
]);

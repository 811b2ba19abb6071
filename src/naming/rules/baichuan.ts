/** Baichuan: the Llama layout with q, k and v fused contiguously in `self_attn.W_pack`. */
import { contiguousQkv, namePattern, patternRule } from "../rule.js";
import { HF_PREFIX } from "./hf-llama.js";

export const baichuanRule = patternRule("baichuan", [
  contiguousQkv(namePattern(`${HF_PREFIX}layers.{L}.self_attn.W_pack`)),
]);

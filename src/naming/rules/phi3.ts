/** Phi-3: contiguous `qkv_proj` (q | k | v with grouped-query sizes) and `gate_up_proj` (gate | up). */
import { contiguousQkv, namePattern, patternRule, splitContiguous, withSuffix } from "../rule.js";
import { HF_PREFIX } from "./hf-llama.js";

export const phi3Rule = patternRule("phi3", [
  contiguousQkv(namePattern(`${HF_PREFIX}layers.{L}.self_attn.qkv_proj`)),
  {
    pattern: namePattern(`${HF_PREFIX}layers.{L}.mlp.gate_up_proj`),
    map: ({ layer, suffix }, tensor) => {
      const rows = tensor.shape[0]! / 2;
      return splitContiguous([
        [withSuffix(`layers.${layer}.mlp.gate`, suffix), rows],
        [withSuffix(`layers.${layer}.mlp.up`, suffix), rows],
      ]);
    },
  },
]);

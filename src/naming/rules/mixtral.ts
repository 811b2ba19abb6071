/**
 * Mixture-of-experts MLPs in HF checkpoints: Mixtral's `block_sparse_moe` (w1 = gate, w2 = down,
 * w3 = up, `gate` = router) and the Qwen2-MoE / DeepSeek style `mlp.experts.{j}.*_proj` + `mlp.gate`.
 */
import { namePattern, patternRule, rename } from "../rule.js";
import { HF_PREFIX } from "./hf-llama.js";

const MOE = `${HF_PREFIX}layers.{L}.block_sparse_moe`;

export const mixtralRule = patternRule("mixtral", [
  rename(namePattern(`${MOE}.gate`), "layers.{layer}.moe.router"),
  rename(namePattern(`${MOE}.experts.{E}.w1`), "layers.{layer}.moe.experts.{expert}.gate"),
  rename(namePattern(`${MOE}.experts.{E}.w2`), "layers.{layer}.moe.experts.{expert}.down"),
  rename(namePattern(`${MOE}.experts.{E}.w3`), "layers.{layer}.moe.experts.{expert}.up"),
  rename(namePattern(`${HF_PREFIX}layers.{L}.mlp.gate`), "layers.{layer}.moe.router"),
  rename(
    namePattern(`${HF_PREFIX}layers.{L}.mlp.experts.{E}.gate_proj`),
    "layers.{layer}.moe.experts.{expert}.gate",
  ),
  rename(
    namePattern(`${HF_PREFIX}layers.{L}.mlp.experts.{E}.up_proj`),
    "layers.{layer}.moe.experts.{expert}.up",
  ),
  rename(
    namePattern(`${HF_PREFIX}layers.{L}.mlp.experts.{E}.down_proj`),
    "layers.{layer}.moe.experts.{expert}.down",
  ),
]);

/**
 * The configuration a PyTorch checkpoint carries, translated into Hugging Face config.json keys so the
 * architecture code reads it like any config: nanoGPT/llama2.c `model_args` stored in the checkpoint,
 * and Meta's `params.json` beside `consolidated.00.pth`. One table row per convention, with its source.
 */

interface ConfigConvention {
  name: string;
  /** Keys whose presence identifies the convention. */
  marker: readonly string[];
  /** Hugging Face key ← the convention's key. */
  keys: ReadonlyArray<readonly [hf: string, theirs: string]>;
  fixed: Readonly<Record<string, unknown>>;
}

const CONVENTIONS: readonly ConfigConvention[] = [
  {
    // nanoGPT model.py `GPTConfig` (block_size, vocab_size, n_layer, n_head, n_embd, dropout, bias);
    // the LM head is tied to `wte` (`self.transformer.wte.weight = self.lm_head.weight`).
    name: "nanoGPT model_args",
    marker: ["n_embd", "n_layer"],
    keys: [
      ["n_embd", "n_embd"],
      ["n_layer", "n_layer"],
      ["n_head", "n_head"],
      ["vocab_size", "vocab_size"],
      ["n_positions", "block_size"],
    ],
    fixed: { model_type: "gpt2", tie_word_embeddings: true },
  },
  {
    // Meta llama/model.py `ModelArgs` (params.json) and llama2.c model.py `ModelArgs` (model_args):
    // dim, n_layers, n_heads, n_kv_heads, vocab_size (-1 in Meta's params.json: taken from the
    // tokenizer), multiple_of, ffn_dim_multiplier, norm_eps, rope_theta, max_seq_len, hidden_dim.
    name: "Llama ModelArgs",
    marker: ["dim", "n_layers"],
    keys: [
      ["hidden_size", "dim"],
      ["num_hidden_layers", "n_layers"],
      ["num_attention_heads", "n_heads"],
      ["num_key_value_heads", "n_kv_heads"],
      ["vocab_size", "vocab_size"],
      ["intermediate_size", "hidden_dim"],
      ["rms_norm_eps", "norm_eps"],
      ["rope_theta", "rope_theta"],
      ["max_position_embeddings", "max_seq_len"],
    ],
    fixed: { model_type: "llama" },
  },
];

/** `args` as config.json keys, or undefined when no convention recognises them. Values that are not
 * positive numbers where a size is expected (Meta's `vocab_size: -1`, `n_kv_heads: null`) are left out. */
export function configFromModelArgs(
  args: Readonly<Record<string, unknown>>,
): Record<string, unknown> | undefined {
  const convention = CONVENTIONS.find((c) => c.marker.every((key) => typeof args[key] === "number"));
  if (convention === undefined) return undefined;
  const config: Record<string, unknown> = { ...convention.fixed };
  for (const [hf, theirs] of convention.keys) {
    const value = args[theirs];
    if (typeof value === "number" && Number.isFinite(value) && value > 0) config[hf] = value;
  }
  return config;
}

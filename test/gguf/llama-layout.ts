/** Test helpers: llama.cpp's tensor names and Q/K row order for the zoo's Llama models. */

const TOP: Record<string, string> = {
  "token_embd.weight": "model.embed_tokens.weight",
  "output.weight": "lm_head.weight",
  "output_norm.weight": "model.norm.weight",
};

const PER_LAYER: Record<string, string> = {
  attn_norm: "input_layernorm",
  ffn_norm: "post_attention_layernorm",
  attn_q: "self_attn.q_proj",
  attn_k: "self_attn.k_proj",
  attn_v: "self_attn.v_proj",
  attn_output: "self_attn.o_proj",
  ffn_gate: "mlp.gate_proj",
  ffn_up: "mlp.up_proj",
  ffn_down: "mlp.down_proj",
};

/** The Hugging Face name of a llama.cpp tensor name. */
export function hfName(ggufName: string): string {
  const top = TOP[ggufName];
  if (top !== undefined) return top;
  const match = /^blk\.(\d+)\.(\w+)\.weight$/.exec(ggufName);
  const part = match === null ? undefined : PER_LAYER[match[2]!];
  if (match === null || part === undefined) throw new Error(`no HF name for ${ggufName}`);
  return `model.layers.${match[1]}.${part}.weight`;
}

/**
 * llama.cpp's convert script reorders the rows of Q and K within each head from HF's
 * [first half | second half] rotary layout to interleaved pairs: GGUF row h·d + 2j + i holds HF row
 * h·d + i·d/2 + j. This applies that permutation to HF rows (shape [rows, cols]).
 */
export function permuteLikeLlamaCpp(
  hf: Float32Array,
  rows: number,
  cols: number,
  heads: number,
): Float32Array {
  const headDim = rows / heads;
  const out = new Float32Array(hf.length);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < headDim / 2; j++) {
        const from = h * headDim + i * (headDim / 2) + j;
        const to = h * headDim + 2 * j + i;
        out.set(hf.subarray(from * cols, (from + 1) * cols), to * cols);
      }
    }
  }
  return out;
}

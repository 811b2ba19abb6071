/**
 * Stored tensor names of the Llama-style conventions the generator reads and writes, mapped both ways
 * to canonical names. `invented` is a convention no naming rule knows (tensors must then be matched by
 * shape and value); `yi` is Hugging Face Llama with Yi's `ln1`/`ln2` norm names; `meta` is Meta's
 * original names (llama2.c, `consolidated.safetensors`).
 */
import { UsageError } from "../errors.js";

export const NAMING_SCHEMES = ["hf-llama", "yi", "meta", "invented"] as const;
export type NamingScheme = (typeof NAMING_SCHEMES)[number];

type Table = Record<string, string>;

const HF_LAYER: Table = {
  attn_norm: "model.layers.{i}.input_layernorm.weight",
  "attn.q": "model.layers.{i}.self_attn.q_proj.weight",
  "attn.k": "model.layers.{i}.self_attn.k_proj.weight",
  "attn.v": "model.layers.{i}.self_attn.v_proj.weight",
  "attn.o": "model.layers.{i}.self_attn.o_proj.weight",
  mlp_norm: "model.layers.{i}.post_attention_layernorm.weight",
  "mlp.gate": "model.layers.{i}.mlp.gate_proj.weight",
  "mlp.up": "model.layers.{i}.mlp.up_proj.weight",
  "mlp.down": "model.layers.{i}.mlp.down_proj.weight",
};
const HF_GLOBAL: Table = {
  embed: "model.embed_tokens.weight",
  final_norm: "model.norm.weight",
  lm_head: "lm_head.weight",
};

const TABLES: Record<NamingScheme, { global: Table; layer: Table }> = {
  "hf-llama": { global: HF_GLOBAL, layer: HF_LAYER },
  yi: {
    global: HF_GLOBAL,
    layer: { ...HF_LAYER, attn_norm: "model.layers.{i}.ln1.weight", mlp_norm: "model.layers.{i}.ln2.weight" },
  },
  meta: {
    global: { embed: "tok_embeddings.weight", final_norm: "norm.weight", lm_head: "output.weight" },
    layer: {
      attn_norm: "layers.{i}.attention_norm.weight",
      "attn.q": "layers.{i}.attention.wq.weight",
      "attn.k": "layers.{i}.attention.wk.weight",
      "attn.v": "layers.{i}.attention.wv.weight",
      "attn.o": "layers.{i}.attention.wo.weight",
      mlp_norm: "layers.{i}.ffn_norm.weight",
      "mlp.gate": "layers.{i}.feed_forward.w1.weight",
      "mlp.up": "layers.{i}.feed_forward.w3.weight",
      "mlp.down": "layers.{i}.feed_forward.w2.weight",
    },
  },
  invented: {
    global: { embed: "backbone.lexicon.table", final_norm: "backbone.exit_gain", lm_head: "readout.table" },
    layer: {
      attn_norm: "backbone.cells.{i}.gain_a",
      "attn.q": "backbone.cells.{i}.mixer.asker",
      "attn.k": "backbone.cells.{i}.mixer.teller",
      "attn.v": "backbone.cells.{i}.mixer.carrier",
      "attn.o": "backbone.cells.{i}.mixer.merger",
      mlp_norm: "backbone.cells.{i}.gain_b",
      "mlp.gate": "backbone.cells.{i}.think.valve",
      "mlp.up": "backbone.cells.{i}.think.widen",
      "mlp.down": "backbone.cells.{i}.think.narrow",
    },
  },
};

export function isNamingScheme(value: string): value is NamingScheme {
  return (NAMING_SCHEMES as readonly string[]).includes(value);
}

/** Stored name of a canonical tensor; names outside the scheme (rotary tables) are kept. */
export function storedName(scheme: NamingScheme, canonical: string): string {
  const table = TABLES[scheme];
  const global = table.global[canonical];
  if (global !== undefined) return global;
  const match = /^layers\.(\d+)\.(.+)$/.exec(canonical);
  const template = match === null ? undefined : table.layer[match[2]!];
  if (match === null || template === undefined) return canonical;
  return template.replace("{i}", match[1]!);
}

/** Canonical name of a stored name under `scheme`, or undefined when the scheme has no such tensor. */
export function canonicalName(scheme: NamingScheme, stored: string): string | undefined {
  const table = TABLES[scheme];
  for (const [canonical, name] of Object.entries(table.global)) if (name === stored) return canonical;
  for (const [part, template] of Object.entries(table.layer)) {
    const [before, after] = template.split("{i}") as [string, string];
    if (stored.startsWith(before) && stored.endsWith(after)) {
      const index = stored.slice(before.length, stored.length - after.length);
      if (/^\d+$/.test(index)) return `layers.${Number(index)}.${part}`;
    }
  }
  return undefined;
}

/** The scheme under which every one of `names` (rotary tables aside) is recognised. */
export function detectScheme(names: readonly string[], file: string): NamingScheme {
  const weights = names.filter((name) => !name.startsWith("freqs_cis_"));
  for (const scheme of NAMING_SCHEMES) {
    if (weights.every((name) => canonicalName(scheme, name) !== undefined)) return scheme;
  }
  const unknown = weights.find((name) => NAMING_SCHEMES.every((s) => canonicalName(s, name) === undefined));
  throw new UsageError(
    `the transformation generator reads Llama-style models only (HF Llama/Yi or Meta/llama2.c names); ` +
      `tensor ${unknown ?? "?"} is not one of them`,
    { file, field: unknown },
  );
}

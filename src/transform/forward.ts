/**
 * A minimal float64-accumulating forward pass of a Llama-style model (token embedding → per layer
 * RMSNorm → attention with RoPE and grouped-query heads → RMSNorm → SwiGLU MLP → final RMSNorm →
 * logits), as llama2.c's `run.c` and Hugging Face's LlamaForCausalLM compute it. It exists to prove
 * numerically that function-preserving transforms preserve the function; it is for small models.
 */
import type { LlamaConfig } from "./llama-model.js";

type Weights = ReadonlyMap<string, Float32Array>;

function weight(weights: Weights, name: string): Float32Array {
  const value = weights.get(name);
  if (value === undefined) throw new Error(`forward pass needs tensor ${name}`);
  return value;
}

/** y = W x for W [rows, cols]. */
function matVec(w: Float32Array, x: Float64Array, rows: number): Float64Array {
  const cols = x.length;
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    const base = r * cols;
    for (let c = 0; c < cols; c++) sum += w[base + c]! * x[c]!;
    y[r] = sum;
  }
  return y;
}

function rmsNorm(x: Float64Array, gain: Float32Array, eps: number): Float64Array {
  let squares = 0;
  for (const v of x) squares += v * v;
  const scale = 1 / Math.sqrt(squares / x.length + eps);
  return x.map((v, i) => v * scale * gain[i]!);
}

/** Rotate each (pair) of every head of `v` by position `pos`, in the model's row order. */
function rope(v: Float64Array, pos: number, config: LlamaConfig): void {
  const hs = config.dim / config.nHeads;
  const half = hs / 2;
  for (let head = 0; head < v.length / hs; head++) {
    for (let j = 0; j < half; j++) {
      const angle = pos * config.ropeTheta ** (-(2 * j) / hs);
      const cos = Math.cos(angle);
      const sin = Math.sin(angle);
      const a = head * hs + (config.ropeOrder === "interleaved" ? 2 * j : j);
      const b = config.ropeOrder === "interleaved" ? a + 1 : a + half;
      const x0 = v[a]!;
      const x1 = v[b]!;
      v[a] = x0 * cos - x1 * sin;
      v[b] = x0 * sin + x1 * cos;
    }
  }
}

/** Logits for every position of `tokens`, row-major [tokens.length, vocabSize]. */
export function llamaForward(config: LlamaConfig, weights: Weights, tokens: readonly number[]): Float64Array {
  const { dim, hiddenDim, nHeads, nKvHeads, vocabSize } = config;
  const hs = dim / nHeads;
  const kvDim = nKvHeads * hs;
  const group = nHeads / nKvHeads;
  const embed = weight(weights, "embed");
  const head = config.tiedEmbeddings ? embed : weight(weights, "lm_head");
  const keys: Float64Array[][] = Array.from({ length: config.nLayers }, () => []);
  const values: Float64Array[][] = Array.from({ length: config.nLayers }, () => []);
  const logits = new Float64Array(tokens.length * vocabSize);
  tokens.forEach((token, pos) => {
    const x = Float64Array.from(embed.subarray(token * dim, (token + 1) * dim));
    for (let l = 0; l < config.nLayers; l++) {
      const w = (part: string) => weight(weights, `layers.${l}.${part}`);
      const h = rmsNorm(x, w("attn_norm"), config.normEps);
      const q = matVec(w("attn.q"), h, dim);
      const k = matVec(w("attn.k"), h, kvDim);
      const v = matVec(w("attn.v"), h, kvDim);
      rope(q, pos, config);
      rope(k, pos, config);
      keys[l]!.push(k);
      values[l]!.push(v);
      const attended = new Float64Array(dim);
      for (let qh = 0; qh < nHeads; qh++) {
        const kvh = Math.floor(qh / group);
        const scores = keys[l]!.map((key) => {
          let dot = 0;
          for (let i = 0; i < hs; i++) dot += q[qh * hs + i]! * key[kvh * hs + i]!;
          return dot / Math.sqrt(hs);
        });
        const max = Math.max(...scores);
        const exp = scores.map((s) => Math.exp(s - max));
        const total = exp.reduce((a, b) => a + b, 0);
        exp.forEach((e, t) => {
          const value = values[l]![t]!;
          for (let i = 0; i < hs; i++) attended[qh * hs + i]! += (e / total) * value[kvh * hs + i]!;
        });
      }
      const o = matVec(w("attn.o"), attended, dim);
      for (let i = 0; i < dim; i++) x[i]! += o[i]!;
      const m = rmsNorm(x, w("mlp_norm"), config.normEps);
      const gate = matVec(w("mlp.gate"), m, hiddenDim);
      const up = matVec(w("mlp.up"), m, hiddenDim);
      const act = gate.map((g, i) => (g / (1 + Math.exp(-g))) * up[i]!);
      const down = matVec(w("mlp.down"), act, dim);
      for (let i = 0; i < dim; i++) x[i]! += down[i]!;
    }
    const final = rmsNorm(x, weight(weights, "final_norm"), config.normEps);
    logits.set(matVec(head, final, vocabSize), pos * vocabSize);
  });
  return logits;
}

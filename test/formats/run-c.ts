/**
 * A float32 forward pass and greedy decoder with the semantics of Karpathy's llama2.c `run.c` (written
 * here from its documented steps, independent of `src/transform/forward.ts`), used to prove that a
 * checkpoint read through lineage is a model that works:
 *
 *   x = embedding row of the token
 *   per layer: xb = rmsnorm(x, attn_norm); q, k, v = W·xb; RoPE on q and k (θ = 10000, pair frequency
 *   1 / θ^(i/headSize) for the pair starting at i); attention over the cache with GQA (query head h reads
 *   KV head h / (heads / kvHeads)), scores / sqrt(headSize), softmax; x += Wo·att;
 *   xb = rmsnorm(x, mlp_norm); x += W2·(silu(W1·xb) ⊙ W3·xb)
 *   logits = head · rmsnorm(x, final_norm); next token = argmax (greedy, run.c's temperature 0).
 *   rmsnorm(x, w) = w ⊙ x / sqrt(mean(x²) + 1e-5).
 *
 * Every product and sum is rounded to float32 (Math.fround), as C's `float` arithmetic does.
 * `ropeOrder` says how the q/k rows of a head are paired: "interleaved" (Meta / llama2.c / run.c:
 * rows 2j and 2j+1) or "half" (Hugging Face: rows j and j + headSize/2).
 */

const f = Math.fround;
const EPS = 1e-5;
const ROPE_THETA = 10000;

export interface RunCConfig {
  dim: number;
  hiddenDim: number;
  nLayers: number;
  nHeads: number;
  nKvHeads: number;
  vocabSize: number;
  ropeOrder: "interleaved" | "half";
}

/** Weights by canonical name (`embed`, `lm_head`, `final_norm`, `layers.{i}.attn_norm|attn.q|…`), nn.Linear [out, in]. */
export type RunCWeights = (name: string) => Float32Array;

function matmul(out: Float32Array, x: Float32Array, w: Float32Array, n: number, d: number): void {
  for (let i = 0; i < d; i++) {
    let value = 0;
    for (let j = 0; j < n; j++) value = f(value + f(w[i * n + j]! * x[j]!));
    out[i] = value;
  }
}

function rmsnorm(out: Float32Array, x: Float32Array, weight: Float32Array): void {
  let ss = 0;
  for (const v of x) ss = f(ss + f(v * v));
  ss = f(f(ss / x.length) + EPS);
  ss = f(1 / f(Math.sqrt(ss)));
  for (let j = 0; j < x.length; j++) out[j] = f(weight[j]! * f(ss * x[j]!));
}

function rotate(vec: Float32Array, pos: number, headSize: number, order: RunCConfig["ropeOrder"]): void {
  const half = headSize / 2;
  for (let head = 0; head < vec.length / headSize; head++) {
    for (let j = 0; j < half; j++) {
      const freq = f(1 / f(ROPE_THETA ** f((2 * j) / headSize)));
      const angle = f(pos * freq);
      const cos = f(Math.cos(angle));
      const sin = f(Math.sin(angle));
      const a = head * headSize + (order === "interleaved" ? 2 * j : j);
      const b = order === "interleaved" ? a + 1 : a + half;
      const v0 = vec[a]!;
      const v1 = vec[b]!;
      vec[a] = f(f(v0 * cos) - f(v1 * sin));
      vec[b] = f(f(v0 * sin) + f(v1 * cos));
    }
  }
}

/** Logits after feeding `tokens` one at a time (the logits of the last position). */
export class RunC {
  private readonly keyCache: Float32Array[][];
  private readonly valueCache: Float32Array[][];

  constructor(
    private readonly config: RunCConfig,
    private readonly weights: RunCWeights,
  ) {
    this.keyCache = Array.from({ length: config.nLayers }, () => []);
    this.valueCache = Array.from({ length: config.nLayers }, () => []);
  }

  forward(token: number, pos: number): Float32Array {
    const { dim, hiddenDim, nHeads, nKvHeads, vocabSize, ropeOrder } = this.config;
    const w = this.weights;
    const headSize = dim / nHeads;
    const kvDim = nKvHeads * headSize;
    const group = nHeads / nKvHeads;
    const x = w("embed").slice(token * dim, (token + 1) * dim);
    const xb = new Float32Array(dim);
    for (let l = 0; l < this.config.nLayers; l++) {
      const part = (name: string) => w(`layers.${l}.${name}`);
      rmsnorm(xb, x, part("attn_norm"));
      const q = new Float32Array(dim);
      const k = new Float32Array(kvDim);
      const v = new Float32Array(kvDim);
      matmul(q, xb, part("attn.q"), dim, dim);
      matmul(k, xb, part("attn.k"), dim, kvDim);
      matmul(v, xb, part("attn.v"), dim, kvDim);
      rotate(q, pos, headSize, ropeOrder);
      rotate(k, pos, headSize, ropeOrder);
      this.keyCache[l]!.push(k);
      this.valueCache[l]!.push(v);
      const att = new Float32Array(dim);
      for (let h = 0; h < nHeads; h++) {
        const kvh = Math.floor(h / group);
        const scores = this.keyCache[l]!.map((key) => {
          let score = 0;
          for (let i = 0; i < headSize; i++)
            score = f(score + f(q[h * headSize + i]! * key[kvh * headSize + i]!));
          return f(score / f(Math.sqrt(headSize)));
        });
        const max = Math.max(...scores);
        let sum = 0;
        const exps = scores.map((s) => {
          const e = f(Math.exp(f(s - max)));
          sum = f(sum + e);
          return e;
        });
        exps.forEach((e, t) => {
          const a = f(e / sum);
          const value = this.valueCache[l]![t]!;
          for (let i = 0; i < headSize; i++) {
            const at = h * headSize + i;
            att[at] = f(att[at]! + f(a * value[kvh * headSize + i]!));
          }
        });
      }
      const o = new Float32Array(dim);
      matmul(o, att, part("attn.o"), dim, dim);
      for (let i = 0; i < dim; i++) x[i] = f(x[i]! + o[i]!);
      rmsnorm(xb, x, part("mlp_norm"));
      const gate = new Float32Array(hiddenDim);
      const up = new Float32Array(hiddenDim);
      matmul(gate, xb, part("mlp.gate"), dim, hiddenDim);
      matmul(up, xb, part("mlp.up"), dim, hiddenDim);
      for (let i = 0; i < hiddenDim; i++) {
        const g = gate[i]!;
        gate[i] = f(f(g * f(1 / f(1 + f(Math.exp(-g))))) * up[i]!);
      }
      const down = new Float32Array(dim);
      matmul(down, gate, part("mlp.down"), hiddenDim, dim);
      for (let i = 0; i < dim; i++) x[i] = f(x[i]! + down[i]!);
    }
    rmsnorm(xb, x, w("final_norm"));
    const logits = new Float32Array(vocabSize);
    matmul(logits, xb, w("lm_head"), dim, vocabSize);
    return logits;
  }
}

function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** Greedy decoding from BOS (id 1) for `steps` tokens, stopping at BOS/EOS as run.c does. */
export function greedyTokens(config: RunCConfig, weights: RunCWeights, steps: number): number[] {
  const model = new RunC(config, weights);
  const out: number[] = [];
  let token = 1;
  for (let pos = 0; pos < steps; pos++) {
    const next = argmax(model.forward(token, pos));
    if (next === 1 || next === 2) break;
    out.push(next);
    token = next;
  }
  return out;
}

/** run.c's `decode`: the piece of each token, the leading space dropped after BOS, `<0xAB>` as a byte. */
export function decodePieces(pieces: readonly string[], tokens: readonly number[]): string {
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  let previous = 1;
  for (const token of tokens) {
    let piece = pieces[token]!;
    if (previous === 1 && piece.startsWith(" ")) piece = piece.slice(1);
    const byte = /^<0x([0-9A-Fa-f]{2})>$/.exec(piece);
    if (byte !== null) bytes.push(Number.parseInt(byte[1]!, 16));
    else bytes.push(...encoder.encode(piece));
    previous = token;
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

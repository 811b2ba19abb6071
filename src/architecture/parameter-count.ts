/** Parameter count from stored tensor shapes, leaving out buffers that are not learned parameters. */
import { elementCount, type TensorInfo } from "../formats/tensor-store.js";

/**
 * Stored buffers that are not parameters: rotary frequency tables (HF `inv_freq`, llama2.c
 * `freqs_cis_*`, GGUF `rope_freqs`) and the causal-mask buffers old GPT-2 / GPT-NeoX checkpoints save
 * (`attn.bias`, `attn.masked_bias`, `attention.bias`, `attention.masked_bias`), and quantization scales
 * stored beside quantized weights (`weight_scale_inv`, `weight_scale`, `input_scale`).
 */
const NON_PARAMETER =
  /(^|\.)(inv_freq|masked_bias|attn\.bias|attention\.bias)$|^freqs_cis_(real|imag)$|^rope_freqs\.weight$|\.(weight_scale_inv|weight_scale|input_scale)$/;

export function isParameter(name: string): boolean {
  return !NON_PARAMETER.test(name);
}

export function countParameters(tensors: readonly TensorInfo[]): number {
  let total = 0;
  for (const tensor of tensors) if (isParameter(tensor.name)) total += elementCount(tensor.shape);
  return total;
}

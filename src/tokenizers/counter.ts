/** Exact token counting under a known tokenizer: what the API probe compares a server's usage with. */
export interface TokenCounter {
  /** Family name as used in reports, e.g. `llama-2`, `cl100k`, `qwen2`. */
  family: string;
  /** Number of tokens `text` encodes to, without BOS/EOS or a chat template. */
  count(text: string): number;
}

/** What every encoder offers: text in, token ids out (no BOS/EOS, no chat template). */
export interface Encoder {
  /** Model kind, e.g. `sentencepiece-bpe`, `byte-level-bpe`, `unigram`, `wordpiece`. */
  readonly kind: string;
  encode(text: string): number[];
}

export interface EncodeOptions {
  /**
   * Recognise control and user-defined token strings in the text (`<|im_start|>`) as single tokens,
   * as llama.cpp's `parse_special` does. Off by default: a server counting a user's message normally
   * encodes such strings as plain text.
   */
  parseSpecial?: boolean;
}

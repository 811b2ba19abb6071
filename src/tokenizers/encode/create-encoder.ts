/** Picks the encoder a vocabulary needs: `createEncoder(vocabulary)` throws on kinds we cannot encode. */
import { UsageError } from "../../errors.js";
import type { PrefixScope, Vocabulary } from "../vocabulary.js";
import { type ByteLevelBpeOptions, createByteLevelBpeEncoder } from "./byte-level-bpe.js";
import type { Encoder } from "./encoder.js";
import { createLlama2cEncoder } from "./llama2c.js";
import { createSentencePieceBpeEncoder, type SentencePieceBpeOptions } from "./sentencepiece-bpe.js";
import { createUnigramEncoder, type UnigramOptions } from "./sentencepiece-unigram.js";
import { createWordPieceEncoder } from "./wordpiece.js";

export type EncoderOptions = ByteLevelBpeOptions & SentencePieceBpeOptions & UnigramOptions;

/**
 * Where each format puts the dummy prefix when added or special tokens cut the text (see
 * `TokenizerSettings.prefixScope`): SentencePiece prefixes the whole text; llama.cpp prefixes every
 * segment after a special token (`is_prev_special`); a tokenizer.json says so in its normalizer or
 * Metaspace pre-tokenizer (read into `settings.prefixScope`), its Prepend normalizer running per segment.
 */
const DEFAULT_PREFIX_SCOPE: Record<Vocabulary["source"]["format"], PrefixScope> = {
  sentencepiece: "text",
  gguf: "segment",
  "tokenizer.json": "segment",
  llama2c: "text",
  tiktoken: "text",
};

/**
 * SentencePiece normalisation the vocabulary's file states (normalizer, dummy prefix, whitespace
 * collapsing); explicit options win. A tokenizer.json normalizer with `Prepend` adds the dummy prefix;
 * one without (Gemma) does not; SentencePiece and GGUF files default to adding it.
 */
function sentencePieceDefaults(vocabulary: Vocabulary): EncoderOptions {
  const settings = vocabulary.settings ?? {};
  const normalizer = settings.normalizer ?? "";
  const fromJson = vocabulary.source.format === "tokenizer.json";
  return {
    nfkc: /nfkc/i.test(normalizer),
    removeExtraWhitespace: settings.removeExtraWhitespaces ?? false,
    addDummyPrefix: settings.addDummyPrefix ?? (fromJson ? normalizer.includes("Prepend") : true),
    prefixScope: settings.prefixScope ?? DEFAULT_PREFIX_SCOPE[vocabulary.source.format],
  };
}

function definedOnly(options: EncoderOptions): EncoderOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

export function createEncoder(vocabulary: Vocabulary, explicit: EncoderOptions = {}): Encoder {
  const { model, convention } = vocabulary;
  const options =
    convention === "metaspace"
      ? { ...sentencePieceDefaults(vocabulary), ...definedOnly(explicit) }
      : explicit;
  if (vocabulary.source.format === "llama2c" && model === "bpe") return createLlama2cEncoder(vocabulary);
  if (model === "wordpiece") return createWordPieceEncoder(vocabulary, options);
  if (model === "unigram" && convention === "metaspace") return createUnigramEncoder(vocabulary, options);
  if ((model === "bpe" || model === "tiktoken") && convention === "byte-level") {
    return createByteLevelBpeEncoder(vocabulary, options);
  }
  if (model === "bpe" && convention === "metaspace")
    return createSentencePieceBpeEncoder(vocabulary, options);
  throw new UsageError(`cannot encode a '${model}' vocabulary with '${convention}' token spelling`, {
    file: vocabulary.source.file,
    field: "model",
  });
}

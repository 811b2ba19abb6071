/** Picks the encoder a vocabulary needs: `createEncoder(vocabulary)` throws on kinds we cannot encode. */
import { UsageError } from "../../errors.js";
import type { Vocabulary } from "../vocabulary.js";
import { type ByteLevelBpeOptions, createByteLevelBpeEncoder } from "./byte-level-bpe.js";
import type { Encoder } from "./encoder.js";
import { createSentencePieceBpeEncoder, type SentencePieceBpeOptions } from "./sentencepiece-bpe.js";
import { createUnigramEncoder, type UnigramOptions } from "./sentencepiece-unigram.js";
import { createWordPieceEncoder } from "./wordpiece.js";

export type EncoderOptions = ByteLevelBpeOptions & SentencePieceBpeOptions & UnigramOptions;

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

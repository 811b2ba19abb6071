/** Picks the encoder a vocabulary needs: `createEncoder(vocabulary)` throws on kinds we cannot encode. */
import { UsageError } from "../../errors.js";
import type { Vocabulary } from "../vocabulary.js";
import { type ByteLevelBpeOptions, createByteLevelBpeEncoder } from "./byte-level-bpe.js";
import type { Encoder } from "./encoder.js";
import { createSentencePieceBpeEncoder, type SentencePieceBpeOptions } from "./sentencepiece-bpe.js";
import { createUnigramEncoder, type UnigramOptions } from "./sentencepiece-unigram.js";
import { createWordPieceEncoder } from "./wordpiece.js";

export type EncoderOptions = ByteLevelBpeOptions & SentencePieceBpeOptions & UnigramOptions;

export function createEncoder(vocabulary: Vocabulary, options: EncoderOptions = {}): Encoder {
  const { model, convention } = vocabulary;
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

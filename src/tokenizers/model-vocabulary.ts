/**
 * The vocabulary of an opened model, wherever its tokenizer lives: inside a GGUF's header (already read,
 * also for a GGUF on the Hub), else the tokenizer files of the model's folder (for a Hugging Face cache
 * root that is its snapshot folder; for a Hub repository, the snapshot folder its small files were
 * fetched into), else beside a single weight file (llama2.c's `tokNNN.bin`).
 */

import { GgufStore } from "../formats/gguf/store.js";
import type { ModelSource } from "../formats/model-source.js";
import { readVocabulary } from "./read.js";
import { vocabularyFromGguf } from "./readers/gguf.js";
import type { Vocabulary } from "./vocabulary.js";

export async function readModelVocabulary(source: ModelSource): Promise<Vocabulary> {
  if (source.store instanceof GgufStore) return vocabularyFromGguf(source.store.header);
  return readVocabulary(source.folder ?? source.path);
}

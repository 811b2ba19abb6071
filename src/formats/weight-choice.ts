/**
 * Which GGUF file of a folder is the model: llama.cpp and LM Studio folders hold one model GGUF, often
 * beside a vision projector (`mmproj-*.gguf`, llama.cpp's multimodal converter names it so), and
 * sometimes several quantizations of the same model, of which the user must name one.
 */
import { FormatError } from "../errors.js";

/** Projector files of multimodal models: not the language model's weights. */
export const PROJECTOR = /(^|[-_.])mmproj([-_.]|$)/i;

/** The one model GGUF among `names`, undefined when there is none, or a FormatError listing them. */
export function chooseGguf(names: readonly string[], location: string): string | undefined {
  const ggufs = names.filter((name) => name.toLowerCase().endsWith(".gguf"));
  const models = ggufs.filter((name) => !PROJECTOR.test(name));
  if (models.length === 1) return models[0];
  if (models.length === 0) {
    if (ggufs.length === 0) return undefined;
    throw new FormatError(`folder holds only projector GGUFs (${ggufs.join(", ")}), no model`, {
      file: location,
    });
  }
  throw new FormatError(
    `folder holds ${models.length} .gguf files (${models.join(", ")}): name the one you mean`,
    {
      file: location,
    },
  );
}

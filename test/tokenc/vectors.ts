/** Reading llama.cpp's tokenizer test vectors: `.inp` texts split by a marker line, `.out` ids per line. */
import { existsSync, readFileSync } from "node:fs";

const MARKER = "\n__ggml_vocab_test__\n";

export interface TokenVectors {
  texts: string[];
  ids: number[][];
}

export function readTokenVectors(ggufPath: string): TokenVectors | undefined {
  if (!existsSync(`${ggufPath}.inp`)) return undefined;
  const texts = readFileSync(`${ggufPath}.inp`, "utf8").split(MARKER);
  texts.pop(); // the file ends with a marker
  const lines = readFileSync(`${ggufPath}.out`, "utf8").split("\n");
  const ids = texts.map((_, i) =>
    (lines[i] ?? "")
      .trim()
      .split(" ")
      .filter((part) => part !== "")
      .map(Number),
  );
  return { texts, ids };
}

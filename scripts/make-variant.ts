/**
 * Produce a variant of a Llama-style checkpoint with known transformations, e.g.
 *   npm run make-variant -- --transform permute --in fixtures/stories260k/stories260K.bin --out /tmp/x
 *   npm run make-variant -- --transform rotate,quantize --type Q4_0 --in fixtures/zoo/base-a --out /tmp/y
 * Output is a Hugging Face folder, or a llama2.c file when --out ends in .bin (or --format llama2c).
 */
import { parseArgs } from "node:util";
import { LineageError } from "../src/errors.js";
import type { EncodableDtype } from "../src/formats/encode.js";
import type { FusedStyle } from "../src/transform/llama-model.js";
import { makeVariant } from "../src/transform/make-variant.js";
import type { NamingScheme } from "../src/transform/naming-schemes.js";
import type { RoundTripType } from "../src/transform/quantize.js";
import { TRANSFORM_KINDS } from "../src/transform/registry.js";
import type { OutputFormat } from "../src/transform/write.js";

const USAGE = `usage: make-variant --transform KIND[,KIND...] --in MODEL --out PATH
  [--seed N] [--format hf|llama2c] [--naming yi|meta|invented|hf-llama] [--style phi3|baichuan]
  [--dtype F32|F16|BF16] [--sigma 0.01] [--type Q8_0|Q4_0] [--range 4]
kinds: ${TRANSFORM_KINDS.join(", ")}`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      transform: { type: "string" },
      in: { type: "string" },
      out: { type: "string" },
      seed: { type: "string" },
      format: { type: "string" },
      naming: { type: "string" },
      style: { type: "string" },
      dtype: { type: "string" },
      sigma: { type: "string" },
      type: { type: "string" },
      range: { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help || values.transform === undefined || values.in === undefined || values.out === undefined) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  const result = await makeVariant(values.in, values.transform.split(","), values.out, {
    seed: number(values.seed),
    format: values.format as OutputFormat | undefined,
    naming: values.naming as NamingScheme | undefined,
    style: values.style as FusedStyle | undefined,
    dtype: values.dtype as EncodableDtype | undefined,
    sigma: number(values.sigma),
    type: values.type as RoundTripType | undefined,
    range: number(values.range),
  });
  console.log(`wrote ${result.format} ${result.out}: ${result.history.join(" → ")}`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof LineageError ? `error: ${error.describe()}` : error);
    process.exitCode = error instanceof LineageError ? error.exitCode : 1;
  },
);

/**
 * Does a float tensor sit on a GGML block-quantization grid? A Q8_0/Q4_0 round trip leaves every block
 * of 32 values as integer multiples of one step (max/127 or max/8), even after it is written back as
 * F32: the trace of quantization that rounding noise does not leave.
 */
const BLOCK = 32;
/** Share of blocks that must sit on a grid. */
const ON_GRID_SHARE = 0.95;
const STEPS = [127, 8, 7] as const;

/** Relative precision of the float type the round-tripped values were stored in. */
const STORAGE_PRECISION: Record<string, number> = { F32: 2 ** -23, F16: 2 ** -10, BF16: 2 ** -7 };

function onGrid(values: Float32Array, start: number, precision: number): boolean {
  let max = 0;
  for (let t = start; t < start + BLOCK; t++) max = Math.max(max, Math.abs(values[t]!));
  if (max === 0) return true;
  return STEPS.some((levels) => {
    const step = max / levels;
    for (let t = start; t < start + BLOCK; t++) {
      const q = values[t]! / step;
      // A value stored in a short float is q·step rounded: allow that rounding, never half a step.
      const tolerance = 1e-3 + Math.abs(q) * precision;
      if (tolerance > 0.25 || Math.abs(q - Math.round(q)) > tolerance) return false;
    }
    return true;
  });
}

export function looksBlockQuantized(values: Float32Array, storedDtype = "F32"): boolean {
  const precision = STORAGE_PRECISION[storedDtype];
  if (precision === undefined) return false;
  if (values.length < BLOCK || values.length % BLOCK !== 0) return false;
  let hits = 0;
  const blocks = values.length / BLOCK;
  for (let b = 0; b < blocks; b++) if (onGrid(values, b * BLOCK, precision)) hits++;
  return hits >= ON_GRID_SHARE * blocks;
}

/**
 * Independent, reproducible random streams per tensor or per layer, derived from one seed, so lazy
 * reads in any order give the same variant.
 */
import { createRandom, type Random } from "./random.js";

/** FNV-1a of `label`, mixed with the seed. */
export function streamSeed(seed: number, label: string): number {
  let hash = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < label.length; i++) hash = Math.imul(hash ^ label.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

export function randomFor(seed: number, label: string): Random {
  return createRandom(streamSeed(seed, label));
}

/**
 * The index test against brute force: every relabelling of small sets enumerated (factorial moments
 * at most 1, whatever the best-match map), and the bound checked against a simulation of the null.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  bestMatches,
  factorialMomentBoundLog10,
  indexTest,
  sameIndexCount,
} from "../../src/stats/index-test.js";
import { seededRandom } from "../../src/stats/rng.js";

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const rest of permutations(n - 1))
    for (let at = 0; at <= rest.length; at++) out.push([...rest.slice(0, at), n - 1, ...rest.slice(at)]);
  return out;
}

/** P(c = r) by enumerating every relabelling π: c = #{i : π(g(i)) = i}. */
function bruteForceLaw(best: number[]): number[] {
  const k = best.length;
  const law = new Array<number>(k + 1).fill(0);
  const all = permutations(k);
  for (const pi of all) {
    let c = 0;
    for (let i = 0; i < k; i++) if (pi[best[i]!] === i) c++;
    law[c]! += 1 / all.length;
  }
  return law;
}

test("under every relabelling, each factorial moment of the same-index count is at most 1", () => {
  const maps = [
    [0, 1, 2, 3, 4, 5],
    [1, 0, 3, 2, 5, 4],
    [0, 0, 0, 0, 0, 0],
    [2, 2, 2, 1, 1, 0],
    [5, 5, 3, 3, 3, 3],
    [0, 1, 2, 3, 4, 4],
    [4, 0, 4, 1, 2, 0, 6],
  ];
  for (const map of maps) {
    const law = bruteForceLaw(map);
    for (let j = 1; j <= map.length; j++) {
      let moment = 0;
      law.forEach((p, c) => {
        let falling = 1;
        for (let t = 0; t < j; t++) falling *= c - t;
        moment += p * Math.max(0, falling);
      });
      assert.ok(moment <= 1 + 1e-12, `${map}: E[(c)_${j}] = ${moment}`);
    }
    const mean = law.reduce((sum, p, c) => sum + p * c, 0);
    assert.ok(Math.abs(mean - 1) < 1e-12, `mean ${mean}`);
  }
});

test("the bound holds against a simulation of the null for a sum of sets", () => {
  const random = seededRandom(7);
  const sets = [
    Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7]),
    Int32Array.from([3, 3, 1, 0, 2, 2]),
    Int32Array.from([1, 0, 2, 4, 4]),
    Int32Array.from({ length: 40 }, (_, i) => i),
  ];
  const draws = 100_000;
  const counts = new Float64Array(60);
  for (let t = 0; t < draws; t++) {
    let c = 0;
    for (const best of sets) {
      const k = best.length;
      const pi = Int32Array.from({ length: k }, (_, i) => i);
      for (let i = k - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [pi[i], pi[j]] = [pi[j]!, pi[i]!];
      }
      for (let i = 0; i < k; i++) if (pi[best[i]!] === i) c++;
    }
    counts[c]!++;
  }
  for (let c = 1; c < 12; c++) {
    let tail = 0;
    for (let r = c; r < counts.length; r++) tail += counts[r]! / draws;
    const bound = 10 ** factorialMomentBoundLog10(c, sets.length);
    assert.ok(bound >= tail - 3 * Math.sqrt(tail / draws), `P(C ≥ ${c}) simulated ${tail} > bound ${bound}`);
  }
});

test("index test: a copy is astronomically unlikely under H0, a relabelled copy is not", () => {
  const identity = Array.from({ length: 6 }, () => Int32Array.from({ length: 128 }, (_, i) => i));
  const copy = indexTest(identity);
  assert.equal(copy.matches, 768);
  assert.equal(copy.sets, 6);
  assert.ok(copy.log10P < -1000, `${copy.log10P}`);
  // Relabelled: a random bijection per set, ~1 self-match per set.
  const random = seededRandom(3);
  const shuffled = identity.map((set) => {
    const out = set.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  });
  const independent = indexTest(shuffled);
  assert.ok(independent.log10P > -3, `${independent.log10P}`);
  assert.equal(
    independent.matches,
    shuffled.map(sameIndexCount).reduce((a, b) => a + b, 0),
  );
});

test("factorial-moment bound: no evidence at or below the expected count; 1/c! for one set", () => {
  assert.equal(factorialMomentBoundLog10(5, 10), 0);
  assert.equal(factorialMomentBoundLog10(0, 10), 0);
  assert.ok(Math.abs(factorialMomentBoundLog10(6, 1) - Math.log10(1 / 720)) < 1e-12);
  // Poisson(10) tail at 25 is 4.7e-5; the bound is larger (conservative) but of the same order of magnitude.
  const bound = factorialMomentBoundLog10(25, 10);
  assert.ok(bound > Math.log10(4.7e-5) && bound < -2, `${bound}`);
});

test("ties are broken at random, never toward the same index", () => {
  const k = 4;
  const flat = new Float64Array(k * k).fill(0.5);
  const random = seededRandom(11);
  let self = 0;
  const rounds = 4000;
  for (let t = 0; t < rounds; t++) self += sameIndexCount(bestMatches(flat, k, random));
  assert.ok(Math.abs(self / rounds - 1) < 0.1, `mean self-matches ${self / rounds}`);
  const clear = Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0]);
  assert.deepEqual([...bestMatches(clear, k, random)], [0, 1, 3, 2]);
});

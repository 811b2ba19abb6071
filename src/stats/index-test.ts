/**
 * The exact index test of independence between two models (in the style of Zhu, Ahmed, Kuditipudi and
 * Liang, "Independence Tests for Language Models", ICML 2025).
 *
 * Null hypothesis H0: the two models were trained separately — from independent initialisations drawn
 * from a distribution that does not depend on the labels of hidden units (i.i.d. initialisation), by a
 * training procedure that is equivariant under relabelling them (SGD, Adam). Whatever data, tokenizer or
 * recipe they share, the labels of one model's hidden units (residual dimensions, each layer's MLP
 * neurons, each layer's attention heads or KV groups) are then exchangeable relative to the other model.
 *
 * A "unit set" is k units read at the same indices in both models. For each unit i of one side we find the
 * best-matching unit g(i) of the other side among those k. Under H0 the other side's k units sit at their
 * indices in uniformly random order, so the number of units matched to their own index is
 * c = #{i : π(g(i)) = i} for a uniform permutation π: the number of agreements between a fixed map and
 * a uniform permutation, whose factorial moments are all at most 1 (E[(c)_j] = e_j(n)/C(k, j) with
 * n_s = |g⁻¹(s)|). Unit sets whose relabellings are independent (different layers, different kinds)
 * give independent counts, so for their sum C over T sets E[(C)_j] ≤ T^j, and Markov's inequality on
 * the j-th factorial moment gives
 *
 *     P(C ≥ c) ≤ min_{1≤j≤c} T^j / (c(c−1)…(c−j+1))
 *
 * an exact, conservative bound that needs no fitted null (about T matches are expected; a p-value of 1
 * for anything up to T). Models that share weights keep unit indices (fine-tuning, continued
 * pre-training, shared initialisation, pruning that keeps most units), so nearly every unit matches
 * itself and the bound is astronomically small. It is carried as log10 so it never floors.
 *
 * The bound rather than the exact conditional law of C: the exact law (a convolution of per-set laws)
 * is sharper but lets one set carry the result; the bound pools the sets, so a single set's chance
 * excess (a few residual dimensions of a distilled model lining up) does not make a verdict.
 */

/**
 * Which unit of the other side each unit of this side matches best, given a k × k similarity matrix
 * (row-major, rows = this side's units, columns = the other side's units at the same indices). Ties
 * (exactly equal similarities, e.g. duplicated or all-zero units) are broken uniformly at random with
 * `random`, as the validity of the test requires.
 */
export function bestMatches(
  similarity: Float64Array | Float32Array,
  k: number,
  random: () => number,
): Int32Array {
  if (similarity.length !== k * k) throw new RangeError("similarity must be k × k");
  const best = new Int32Array(k);
  for (let i = 0; i < k; i++) {
    let top = Number.NEGATIVE_INFINITY;
    let chosen = 0;
    let ties = 0;
    for (let s = 0; s < k; s++) {
      const value = similarity[i * k + s]!;
      const v = Number.isNaN(value) ? Number.NEGATIVE_INFINITY : value;
      if (v > top) {
        top = v;
        chosen = s;
        ties = 1;
      } else if (v === top) {
        // Reservoir choice among equal maxima: each tie kept with probability 1/ties.
        ties++;
        if (random() * ties < 1) chosen = s;
      }
    }
    best[i] = chosen;
  }
  return best;
}

/** Number of units matched to their own index. */
export function sameIndexCount(best: Int32Array): number {
  let count = 0;
  for (let i = 0; i < best.length; i++) if (best[i] === i) count++;
  return count;
}

/** log10 of min over j ≤ c of T^j / (c)_j: the factorial-moment bound on P(C ≥ c) for T sets. */
export function factorialMomentBoundLog10(count: number, sets: number): number {
  if (count <= 0 || sets <= 0) return count <= 0 ? 0 : Number.NEGATIVE_INFINITY;
  let best = 0;
  let running = 0;
  const logT = Math.log10(sets);
  for (let j = 1; j <= count; j++) {
    running += logT - Math.log10(count - j + 1);
    if (running < best) best = running;
  }
  return best;
}

export interface IndexTestResult {
  /** Total same-index matches C over all sets. */
  matches: number;
  /** Units compared over all sets. */
  units: number;
  /** Sets with at least two units (a set of one always matches itself and carries no evidence). */
  sets: number;
  /** E[C] under H0 (at most the number of sets). */
  expected: number;
  /** log10 of the bound on P(C ≥ matches) under H0. */
  log10P: number;
}

/**
 * Combine independent unit sets, each given by its best-match map, into one p-value for
 * P(C ≥ observed C) under H0: the factorial-moment bound min_j T^j / (C)_j. Sets of fewer than two
 * units are left out (they always match).
 */
export function indexTest(sets: readonly Int32Array[]): IndexTestResult {
  const used = sets.filter((best) => best.length >= 2);
  const matches = used.map(sameIndexCount).reduce((sum, c) => sum + c, 0);
  const units = used.reduce((sum, best) => sum + best.length, 0);
  return {
    matches,
    units,
    sets: used.length,
    expected: used.length,
    log10P: factorialMomentBoundLog10(matches, used.length),
  };
}

import { describe, it, expect } from "vitest";
import { orderGiven, orderByScore, orderAverageLinkage, orderSeriation, orderCluster, featureScores, makeOrder } from "../src/lib/order.js";

// Seeded generator so the "random" matrices are the same on every run.
function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** d features in interleaved blocks: feature k belongs to block k % nb. Strong within, weak across. */
function blockMatrix(d, nb, seed = 1) {
  const r = rng(seed), m = new Float32Array(d * d);
  for (let i = 0; i < d; i++) for (let j = i; j < d; j++) {
    const same = i % nb === j % nb;
    const v = (same ? 1 + r() : 0.05 * r()) * (r() < 0.5 ? -1 : 1);
    m[i * d + j] = v; m[j * d + i] = v;
  }
  return m;
}

const isPermutation = (o, d) => o.length === d && new Set(o).size === d && o.every((k) => k >= 0 && k < d);
/** Each block occupies one contiguous run of the ordering. */
function blocksContiguous(o, nb) {
  const seen = new Set();
  for (let k = 0; k < o.length; k++) {
    const b = o[k] % nb;
    if (k > 0 && o[k - 1] % nb === b) continue;
    if (seen.has(b)) return false;
    seen.add(b);
  }
  return true;
}

describe("order", () => {
  it("given and by-score orderings", () => {
    expect(orderGiven(3)).toEqual([0, 1, 2]);
    expect(orderByScore([0.1, 3, 3, 2])).toEqual([1, 2, 3, 0]); // tie 1/2 keeps lower index first
  });
  it("scores use |φ|, else the row mass of |Γ|", () => {
    expect(Array.from(featureScores([-2, 1], null, 2))).toEqual([2, 1]);
    const m = new Float32Array([1, -2, 0.5, 0]);
    expect(Array.from(featureScores(null, m, 2))).toEqual([3, 0.5]);
    expect(makeOrder("attribution", { m, d: 2, scores: featureScores(null, m, 2) })).toEqual([0, 1]);
    expect(makeOrder("given", { m, d: 2 })).toEqual([0, 1]);
  });
  it("average linkage groups an interleaved block matrix into contiguous blocks", () => {
    const d = 24, m = blockMatrix(d, 3);
    const o = orderAverageLinkage(m, d);
    expect(isPermutation(o, d)).toBe(true);
    expect(blocksContiguous(o, 3)).toBe(true);
    expect(blocksContiguous(orderGiven(d), 3)).toBe(false); // the check can fail
  });
  it("seriation groups blocks too, for large d", () => {
    const d = 60, m = blockMatrix(d, 4, 7);
    const o = orderSeriation(m, d);
    expect(isPermutation(o, d)).toBe(true);
    expect(blocksContiguous(o, 4)).toBe(true);
  });
  it("is deterministic, including with ties (all-zero matrix)", () => {
    const d = 30, m = blockMatrix(d, 5, 3);
    expect(orderCluster(m, d)).toEqual(orderCluster(m.slice(), d));
    const z = new Float32Array(25);
    expect(orderAverageLinkage(z, 5)).toEqual(orderAverageLinkage(z, 5));
    expect(isPermutation(orderAverageLinkage(z, 5), 5)).toBe(true);
    expect(orderSeriation(z, 5)).toEqual([0, 1, 2, 3, 4]);
  });
  it("ignores NaN and handles tiny d", () => {
    const m = blockMatrix(9, 3, 5);
    m[1] = NaN;
    expect(isPermutation(orderCluster(m, 9), 9)).toBe(true);
    expect(orderCluster(new Float32Array([1]), 1)).toEqual([0]);
  });
  it("clusters d = 1000 in reasonable time", () => {
    const d = 1000, m = blockMatrix(d, 10, 11);
    const t0 = performance.now();
    const o = orderCluster(m, d);
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(isPermutation(o, d)).toBe(true);
    expect(blocksContiguous(o, 10)).toBe(true);
  });
});

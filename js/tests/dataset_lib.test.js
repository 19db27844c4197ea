import { describe, it, expect } from "vitest";
import { ellipsize, approxMeasure, ELLIPSIS } from "../src/lib/ellipsis.js";
import { beeswarm } from "../src/lib/beeswarm.js";
import { pairStats, topPairs, nodeSizes, valueRange, valueColor, pairColumn } from "../src/lib/dataset.js";
import { mulberry32, forceLayout, networkEdges, networkNodes, buildNetwork, MAX_NODES } from "../src/lib/network.js";

describe("label ellipsis", () => {
  const m = (s) => s.length * 10; // 10 px per character
  it("keeps a label that fits and cuts one that does not, ellipsis included", () => {
    expect(ellipsize("bmi", 30, m)).toBe("bmi");
    const cut = ellipsize("worst concave points", 100, m);
    expect(cut).toBe("worst con" + ELLIPSIS);
    expect(m(cut)).toBeLessThanOrEqual(100);
  });
  it("drops trailing spaces before the ellipsis and never splits a surrogate pair", () => {
    expect(ellipsize("worst concave", 70, m)).toBe("worst" + ELLIPSIS);
    const cut = ellipsize("a😀b😀c😀d", 40, (s) => Array.from(s).length * 10);
    expect(Array.from(cut).every((ch) => ch !== "\ud83d")).toBe(true);
    expect(cut).toBe("a😀b" + ELLIPSIS);
  });
  it("has an answer for tiny widths and for untrusted text", () => {
    expect(ellipsize("abc", 10, m)).toBe(ELLIPSIS);
    expect(ellipsize("abc", 5, m)).toBe("");
    expect(ellipsize('<img src=x onerror="1">', 60, m)).toBe("<img" + ELLIPSIS);
    expect(approxMeasure(10)("abcd")).toBeCloseTo(23.2, 6);
  });
});

describe("beeswarm packing", () => {
  const overlaps = (xs, ys, r) => {
    let worst = Infinity;
    for (let a = 0; a < xs.length; a++) for (let b = a + 1; b < xs.length; b++) worst = Math.min(worst, Math.hypot(xs[a] - xs[b], ys[a] - ys[b]));
    return worst < 2 * r - 1e-9;
  };
  it("places lone dots on the centre line and stacks coinciding ones without overlap", () => {
    const { ys } = beeswarm([10, 50, 90], 3);
    expect([...ys]).toEqual([0, 0, 0]);
    const same = beeswarm([20, 20, 20, 20, 20], 3).ys;
    expect([...same].sort((a, b) => a - b)).toEqual([-12, -6, 0, 6, 12]);
  });
  it("never overlaps on random data, and is independent of the order of the input", () => {
    const rand = mulberry32(3);
    const xs = Array.from({ length: 200 }, () => 300 + 60 * (rand() + rand() + rand() - 1.5));
    const { ys, squeeze } = beeswarm(xs, 2.5);
    expect(squeeze).toBe(1);
    expect(overlaps(xs, ys, 2.5)).toBe(false);
    const perm = xs.map((_, k) => k).reverse();
    const again = beeswarm(perm.map((k) => xs[k]), 2.5).ys;
    perm.forEach((k, q) => expect(again[q]).toBe(ys[k]));
  });
  it("squeezes a row that would outgrow its height, uniformly", () => {
    const xs = Array(40).fill(100);
    const free = beeswarm(xs, 2).ys, { ys, squeeze } = beeswarm(xs, 2, 10);
    expect(squeeze).toBeLessThan(1);
    expect(Math.max(...ys.map(Math.abs))).toBeCloseTo(10, 9);
    ys.forEach((y, k) => expect(y).toBeCloseTo(free[k] * squeeze, 12));
  });
  it("leaves non-finite values at offset 0 and out of the packing", () => {
    const { ys } = beeswarm([5, NaN, 5], 2);
    expect(ys[1]).toBe(0);
    expect(Math.abs(ys[0] - ys[2])).toBeCloseTo(4, 12);
  });
});

describe("dataset statistics", () => {
  // B = 2 samples of a 3×3 Γ: sample b has Γ_01 = (−1)^b · (b + 1), Γ_12 = 0.5.
  const M = new Float32Array([0, 1, 0, 1, 0, 0.5, 0, 0.5, 0, 0, -2, 0, -2, 0, 0.5, 0, 0.5, 0]);
  it("means |Γ_ij| and Γ_ij over the batch", () => {
    const { meanAbs, mean } = pairStats(M, 2, 3);
    expect(meanAbs[1]).toBe(1.5);
    expect(mean[1]).toBe(-0.5);
    expect(meanAbs[5]).toBe(0.5);
    expect([...pairColumn(M, 2, 3, 0, 1)]).toEqual([1, -2]);
  });
  it("ranks the top pairs i < j by score, ties by index", () => {
    const s = Float64Array.from([0, 3, 1, 3, 0, 2, 1, 2, 0]);
    expect(topPairs(s, 3, 2)).toEqual([{ i: 0, j: 1, score: 3 }, { i: 1, j: 2, score: 2 }]);
    expect(topPairs(s, 3, 10).length).toBe(3);
    expect(topPairs(s, 3, 0)).toEqual([]);
  });
  it("sizes nodes by mean |φ|, or by row mass without attributions", () => {
    const phi = Float32Array.from([1, -2, 0, -3, 2, 0]);
    expect([...nodeSizes(phi, 2, 3, null).sizes]).toEqual([2, 2, 0]);
    const { meanAbs } = pairStats(M, 2, 3);
    const r = nodeSizes(null, 2, 3, meanAbs);
    expect(r.by).toMatch(/Σ_j/);
    expect([...r.sizes]).toEqual([1.5, 2, 0.5]);
  });
  it("colours feature values on their 5th–95th percentile range", () => {
    const v = Array.from({ length: 101 }, (_, k) => k);
    const r = valueRange(v);
    expect(r.lo).toBeCloseTo(5, 9);
    expect(r.hi).toBeCloseTo(95, 9);
    expect(valueColor(0, r)).toBe(valueColor(5, r));
    expect(valueColor(95, r)).toBe("rgb(255,13,87)");
    expect(valueColor(NaN, r)).toBe("#9e9e9e");
    expect(valueRange([2, 2, 2])).toEqual({ lo: 1.5, hi: 2.5 });
  });
});

describe("network layout", () => {
  it("mulberry32 is the reference generator", () => {
    const r = mulberry32(0);
    const first = [r(), r(), r()];
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
    const again = mulberry32(0);
    expect([again(), again(), again()]).toEqual(first);
    expect(mulberry32(1)()).not.toBe(first[0]);
  });
  it("is deterministic for a seed, differs across seeds, and fills the unit square", () => {
    const edges = [{ a: 0, b: 1, w: 1 }, { a: 1, b: 2, w: 0.5 }, { a: 3, b: 4, w: 0.2 }];
    const p = forceLayout(6, edges, 7), q = forceLayout(6, edges, 7), o = forceLayout(6, edges, 8);
    expect([...p]).toEqual([...q]);
    expect([...p]).not.toEqual([...o]);
    expect(Math.min(...p)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...p)).toBeCloseTo(1, 12);
    const dist = (a, b) => Math.hypot(p[2 * a] - p[2 * b], p[2 * a + 1] - p[2 * b + 1]);
    expect(dist(0, 1)).toBeLessThan(dist(0, 5)); // joined nodes end up closer than a loose one
  });
  it("edges are the top-k mean |Γ| pairs with the sign of the mean", () => {
    const d = 3, meanAbs = Float64Array.from([0, 2, 1, 2, 0, 3, 1, 3, 0]), mean = Float64Array.from([0, -2, 1, -2, 0, 3, 1, 3, 0]);
    expect(networkEdges(meanAbs, mean, d, 2)).toEqual([{ i: 1, j: 2, w: 3, sign: 1 }, { i: 0, j: 1, w: 2, sign: -1 }]);
  });
  it("past MAX_NODES keeps the edges' endpoints, then the largest nodes", () => {
    const d = 200, sizes = Float64Array.from({ length: d }, (_, i) => i);
    const nodes = networkNodes(d, [{ i: 3, j: 4 }], sizes);
    expect(nodes.length).toBe(MAX_NODES);
    expect(nodes).toContain(3);
    expect(nodes).toContain(199);
    expect(nodes).not.toContain(100);
    const d2 = 4, m = Float64Array.from({ length: 16 }, (_, k) => (k % 5 ? 0.1 * k : 0));
    const net = buildNetwork({ meanAbs: m, mean: m, d: d2, sizes: Float64Array.from([1, 1, 1, 1]), k: 3, seed: 0 });
    expect(net.nodes).toEqual([0, 1, 2, 3]);
    expect(net.edges.length).toBe(3);
    expect(net.pos.length).toBe(8);
  });
});

import { describe, it, expect } from "vitest";
import { ellipsize, approxMeasure, ELLIPSIS } from "../src/lib/ellipsis.js";
import { beeswarm, orderByX } from "../src/lib/beeswarm.js";
import { pairStats, topPairs, nodeSizes, valueRange, valueColor, pairColumn, column } from "../src/lib/dataset.js";
import { summaryGeometry, ROW_H } from "../src/views/dataset/summary.js";
import { mulberry32, forceLayout, networkEdges, networkNodes, buildNetwork, MAX_NODES } from "../src/lib/network.js";
import { layoutKernel } from "../src/lib/layout_kernel.js";

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
  // The packing rule written out plainly (every interval end tried, every one checked): the
  // fast version must give the same offsets to the bit, ties, NaN and squeeze included.
  const plain = (xs, r, half) => {
    const ys = new Float64Array(xs.length), D = 2 * r, placed = [];
    const idx = xs.map((_, k) => k).filter((k) => Number.isFinite(xs[k])).sort((a, b) => xs[a] - xs[b] || a - b);
    let top = 0;
    for (const k of idx) {
      const iv = placed.map((j) => [j, Math.sqrt(Math.max(0, D * D - (xs[k] - xs[j]) ** 2))]).filter(([j, h]) => xs[k] - xs[j] < D && h > 0)
        .map(([j, h]) => [ys[j] - h, ys[j] + h]);
      let best = 0;
      if (iv.some(([lo, hi]) => lo < 0 && 0 < hi)) {
        best = Infinity;
        for (const [lo, hi] of iv) for (const y of [hi, lo]) {
          if (iv.every(([a, b]) => !(a < y && y < b)) && (Math.abs(y) < Math.abs(best) || (Math.abs(y) === Math.abs(best) && y > best))) best = y;
        }
      }
      ys[k] = best; top = Math.max(top, Math.abs(best)); placed.push(k);
    }
    const squeeze = top > half && half > 0 ? half / top : 1;
    return { ys: ys.map((y) => y * squeeze), squeeze };
  };
  it("gives the plain rule's offsets to the bit", () => {
    const rand = mulberry32(11);
    for (let t = 0; t < 60; t++) {
      const xs = Array.from({ length: 1 + Math.floor(rand() * 250) }, () => {
        const u = rand();
        return u < 0.03 ? NaN : u < 0.1 ? 200 : u < 0.3 ? Math.round(200 + 40 * (rand() - 0.5))
          : u < 0.33 ? (u < 0.315 ? -0 : 0) : u < 0.36 ? 201 + rand() * 1e-9 : 200 + 80 * (rand() + rand() - 1);
      });
      const [r, half] = [[2.5, 9.5], [2, Infinity], [1.5, 4]][t % 3];
      const ref = plain(xs, r, half);
      // the WebAssembly kernel (Node runs it) and the JavaScript loop, both against the plain rule
      for (const kernel of [true, false]) {
        const fast = beeswarm(xs, r, half, { kernel });
        expect(fast.kernel).toBe(kernel);
        expect(fast.squeeze).toBe(ref.squeeze);
        fast.ys.forEach((y, k) => expect(Object.is(y, ref.ys[k])).toBe(true));
      }
    }
  });
  it("orders by x, ties by index, without the non-finite", () => {
    expect([...orderByX([3, 1, NaN, 1, -Infinity, 2, 3, 0])]).toEqual([7, 1, 3, 5, 0, 6]);
    expect([...orderByX([])]).toEqual([]);
    expect([...orderByX([5, 5, NaN, 5])]).toEqual([0, 1, 3]);
    // against a stable comparison sort: ties, clusters, negatives, a far outlier, tiny gaps
    const rand = mulberry32(17);
    for (let t = 0; t < 50; t++) {
      const xs = Array.from({ length: Math.floor(rand() * 300) }, () => {
        const u = rand();
        return u < 0.05 ? NaN : u < 0.2 ? Math.round(rand() * 4) : u < 0.22 ? 1e6 * (rand() - 0.5) : u < 0.3 ? 1 + rand() * 1e-12 : 100 * (rand() - 0.5);
      });
      const ref = xs.map((_, k) => k).filter((k) => Number.isFinite(xs[k])).sort((a, b) => xs[a] - xs[b] || a - b);
      expect([...orderByX(xs)]).toEqual(ref);
    }
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
  it("the WebAssembly iterations give the JavaScript loop's positions to the bit", () => {
    expect(layoutKernel(4, 2)).not.toBe(null); // Node runs WebAssembly: the kernel is what is compared
    const rand = mulberry32(21);
    for (let t = 0; t < 40; t++) {
      const n = 1 + Math.floor(rand() * 60), edges = [];
      for (let q = Math.floor(rand() * 80); q > 0; q--) {
        const a = Math.floor(rand() * n), b = Math.floor(rand() * n);
        if (a !== b) edges.push({ a, b, w: t % 7 === 0 ? 0 : rand() }); // all-zero weights: factor 1
      }
      const iterations = t % 5 === 0 ? 7 : null;
      const js = forceLayout(n, edges, t, iterations, { kernel: false }), wasm = forceLayout(n, edges, t, iterations);
      js.forEach((v, k) => expect(Object.is(wasm[k], v)).toBe(true));
    }
  });
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

describe("summary geometry", () => {
  it("puts every finite dot in exactly one colour bucket, at its packed place and in its colour", () => {
    const B = 30, d = 4, rand = mulberry32(5);
    const M = new Float32Array(B * d * d).map(() => rand() - 0.5), X = new Float32Array(B * d).map(() => rand());
    M[3 * d * d + 1] = NaN; X[4 * d] = NaN; // a missing Γ_01 (no dot) and a missing input (a grey dot)
    const v = { stats: pairStats(M, B, d), M, B, d, X, topPairs: 3 };
    const G = summaryGeometry(v, 400);
    const seen = new Map();
    for (const { color, xy } of G.buckets) for (let q = 0; q < xy.length; q += 2) seen.set(`${xy[q]},${xy[q + 1]}`, (seen.get(`${xy[q]},${xy[q + 1]}`) || []).concat(color));
    let dots = 0;
    G.rows.forEach((p, k) => {
      const xi = column(X, B, d, p.i), range = valueRange(xi);
      for (let b = 0; b < B; b++) {
        if (!Number.isFinite(p.xs[b])) continue;
        dots++;
        expect(seen.get(`${p.xs[b]},${k * ROW_H + ROW_H / 2 + p.ys[b]}`)).toContain(valueColor(xi[b], range));
      }
    });
    expect(dots).toBe(3 * B - G.rows.filter((p) => p.i === 0 && p.j === 1).length);
    expect(G.buckets.reduce((a, bk) => a + bk.xy.length / 2, 0)).toBe(dots);
    expect(G.buckets.some((bk) => bk.color === "#9e9e9e")).toBe(G.rows.some((p) => p.i === 0));
  });
});
